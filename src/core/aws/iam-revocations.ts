/**
 * Session ends for the iam strategy: the deadline applies to sessions, not only to assuming the role.
 *
 * The Allow on the grantee's user stops new AssumeRole calls at `expires`, but a session issued one
 * second before keeps working for the role's MaxSessionDuration (up to 12 hours). So gitgrant also
 * writes, on the target role, the inline policy `gitgrant-revocations`: Deny everything to the
 * sessions `<role id>:<session name>` issued before an end (aws:TokenIssueTime < end), from that end
 * on (aws:CurrentTime >= end). Sessions issued after the end (a later grant's) are not caught.
 *
 * The end is that of the *union* of the person's windows on the role: overlapping or adjacent
 * windows merge, so an extended or overlapping grant never cuts a session early; a gap gives one end
 * per merged interval. Early revocation is the same statement with the end at the revocation time.
 * Statements are grouped by end (one statement lists every session ending then) and pruned once no
 * session issued before the end can be alive: end + the role's MaxSessionDuration. Pure.
 */
import type { Instant } from '../model/types.js';
import type { Window } from '../plan/types.js';
import { compareStrings, iamTime } from './iam-grant-policy.js';
import { asList, type PolicyDocument, type PolicyStatement } from './policy-document.js';

export const REVOCATION_POLICY_NAME = 'gitgrant-revocations';

/** The longest MaxSessionDuration IAM allows: the horizon when a role's own is not known (plan time). */
export const MAX_ROLE_SESSION_MS = 12 * 60 * 60 * 1000;

const SID_PREFIX = 'End';

/** One session-end entry: the sessions of `userId` issued before `at` are denied from `at` on. */
export interface SessionEnd {
  /** A role session's aws:userid: `<role id>:<session name>`. */
  userId: string;
  at: Instant;
}

export function roleSessionUserId(roleId: string, sessionName: string): string {
  return `${roleId}:${sessionName}`;
}

/** Sid of the statement for one end instant: IAM allows only ASCII letters and digits. */
export function sessionEndSid(at: Instant): string {
  return `${SID_PREFIX}${new Date(at).toISOString().replace(/[^0-9TZ]/g, '')}`;
}

export function sessionEndStatement(at: Instant, userIds: readonly string[]): PolicyStatement {
  const sorted = [...new Set(userIds)].sort(compareStrings);
  return {
    Sid: sessionEndSid(at),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:userid': sorted.length === 1 ? sorted[0]! : sorted },
      DateGreaterThanEquals: { 'aws:CurrentTime': iamTime(at) },
      DateLessThan: { 'aws:TokenIssueTime': iamTime(at) },
    },
  };
}

/**
 * The entries of a session-end policy, and the statements that are not entries gitgrant can read
 * (older revocation statements, a hand edit): those are kept as they are until provably stale.
 */
export function readSessionEnds(document: PolicyDocument | undefined): { ends: SessionEnd[]; other: PolicyStatement[] } {
  const ends: SessionEnd[] = [];
  const other: PolicyStatement[] = [];
  for (const statement of document?.Statement ?? []) {
    const parsed = entriesOf(statement);
    if (parsed) ends.push(...parsed);
    else other.push(statement);
  }
  return { ends, other };
}

function entriesOf(statement: PolicyStatement): SessionEnd[] | undefined {
  const c = statement.Condition ?? {};
  if (statement.Effect !== 'Deny' || statement.Action !== '*' || statement.Resource !== '*') return undefined;
  if (Object.keys(c).sort().join() !== 'DateGreaterThanEquals,DateLessThan,StringEquals') return undefined;
  const from = single(c.DateGreaterThanEquals?.['aws:CurrentTime']);
  const issued = single(c.DateLessThan?.['aws:TokenIssueTime']);
  const userIds = asList(c.StringEquals?.['aws:userid']);
  if (from === undefined || from !== issued || userIds.length === 0) return undefined;
  if (statement.Sid !== sessionEndSid(from)) return undefined;
  return userIds.map((userId) => ({ userId, at: from }));
}

function single(value: string | string[] | undefined): Instant | undefined {
  const values = asList(value);
  if (values.length !== 1) return undefined;
  const at = Date.parse(values[0]!);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * The ends of a person's access on one role: the union of their windows, merged where they overlap
 * or touch (a window starting at or before another's end continues it), one end per merged interval.
 */
export function accessEnds(windows: readonly Window[]): Instant[] {
  const sorted = [...windows].sort((a, b) => (a.starts ?? -Infinity) - (b.starts ?? -Infinity));
  const ends: Instant[] = [];
  let current: { starts: number; expires: number } | undefined;
  for (const w of sorted) {
    const starts = w.starts ?? -Infinity;
    if (starts >= w.expires) continue;
    if (current && starts <= current.expires) current.expires = Math.max(current.expires, w.expires);
    else {
      if (current) ends.push(current.expires);
      current = { starts, expires: w.expires };
    }
  }
  if (current) ends.push(current.expires);
  return ends;
}

/**
 * A window taken away at `now` (its binding removed, or replaced by an update): it ends at `now` if
 * it was still open, at its own end otherwise; undefined if it never started, so no session exists.
 */
export function windowTakenAway(window: Window | undefined, now: Instant): Window | undefined {
  const expires = Math.min(window?.expires ?? now, now);
  if (window?.starts !== undefined && window.starts >= expires) return undefined;
  return window?.starts === undefined ? { expires } : { starts: window.starts, expires };
}

export interface SessionEndChange {
  /** The user ids whose ends this apply recomputes, each with the windows it has on the role now and the ones taken away. */
  recomputed: ReadonlyMap<string, readonly Window[]>;
  now: Instant;
  /** The role's MaxSessionDuration, or MAX_ROLE_SESSION_MS when unknown. */
  maxSessionMs: number;
}

/**
 * The role's session-end policy after this apply; undefined when nothing is left (delete it).
 * - Recomputed user ids: future ends are replaced by the ends of their windows (an extension moves
 *   the end later, a shortening earlier); ends already reached stay, they are facts about the past.
 * - Every entry whose end is more than `maxSessionMs` in the past is pruned, and so is an unreadable
 *   statement whose aws:TokenIssueTime bound is; anything else unreadable is kept (never widen access).
 */
export function nextSessionEndPolicy(current: PolicyDocument | undefined, change: SessionEndChange): PolicyDocument | undefined {
  const { now, maxSessionMs } = change;
  const alive = (at: Instant) => now < at + maxSessionMs;
  const { ends, other } = readSessionEnds(current);
  const kept = ends.filter((e) => !change.recomputed.has(e.userId) || e.at <= now);
  const added = [...change.recomputed].flatMap(([userId, windows]) => accessEnds(windows).map((at) => ({ userId, at })));
  const byEnd = new Map<Instant, string[]>();
  for (const e of [...kept, ...added]) if (alive(e.at)) byEnd.set(e.at, [...(byEnd.get(e.at) ?? []), e.userId]);
  const statements = [
    ...other.filter((s) => !isStale(s, now, maxSessionMs)),
    ...[...byEnd].sort(([a], [b]) => a - b).map(([at, userIds]) => sessionEndStatement(at, userIds)),
  ];
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

function isStale(statement: PolicyStatement, now: Instant, maxSessionMs: number): boolean {
  const issuedBefore = statement.Condition?.DateLessThan?.['aws:TokenIssueTime'];
  const at = typeof issuedBefore === 'string' ? Date.parse(issuedBefore) : NaN;
  return !Number.isNaN(at) && at + maxSessionMs <= now;
}

/** Whether `document` denies, from `end` on, the sessions of `userId` issued before `end`. */
export function holdsSessionEnd(document: PolicyDocument | undefined, userId: string, end: Instant): boolean {
  return readSessionEnds(document).ends.some((e) => e.userId === userId && e.at === end);
}
