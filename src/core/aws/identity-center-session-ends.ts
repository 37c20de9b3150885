/**
 * Session ends for the identity-center strategy. An account assignment cannot carry a deadline, so
 * gitgrant writes one into the permission set's inline policy, the way AWS documents revoking
 * permission-set sessions: a Deny on everything with `identitystore:UserId` (the person) and
 * `aws:PrincipalAccount` (the assignment's account), from the end on (aws:CurrentTime >= end) for
 * sessions issued before it (aws:TokenIssueTime < end), then ProvisionPermissionSet. Sessions end at
 * `expires` whether or not the sweep runs; a later assignment's new sessions are not caught.
 * Sources: https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html
 * and https://docs.aws.amazon.com/singlesignon/latest/userguide/authconcept-revoke-access.html.
 *
 * The inline policy is shared with the permission set's own permissions: gitgrant changes only its
 * statements (Sid `GitgrantEnd…`) and leaves every other statement byte for byte. Pure.
 */
import type { Instant } from '../model/types.js';
import { compareStrings, iamTime } from './iam-grant-policy.js';
import { asList, type PolicyDocument, type PolicyStatement } from './policy-document.js';

const SID_PREFIX = 'GitgrantEnd';

export interface AssignmentEnd {
  account: string;
  userId: string;
  at: Instant;
}

export function assignmentEndSid(account: string, userId: string): string {
  return `${SID_PREFIX}${account}${userId}`.replace(/[^A-Za-z0-9]/g, '');
}

export function assignmentEndStatement(end: AssignmentEnd): PolicyStatement {
  return {
    Sid: assignmentEndSid(end.account, end.userId),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'identitystore:UserId': end.userId, 'aws:PrincipalAccount': end.account },
      DateGreaterThanEquals: { 'aws:CurrentTime': iamTime(end.at) },
      DateLessThan: { 'aws:TokenIssueTime': iamTime(end.at) },
    },
  };
}

function endOf(statement: PolicyStatement): AssignmentEnd | undefined {
  if (!statement.Sid?.startsWith(SID_PREFIX) || statement.Effect !== 'Deny') return undefined;
  const c = statement.Condition ?? {};
  const userId = asList(c.StringEquals?.['identitystore:UserId']);
  const account = asList(c.StringEquals?.['aws:PrincipalAccount']);
  const from = asList(c.DateGreaterThanEquals?.['aws:CurrentTime']);
  if (userId.length !== 1 || account.length !== 1 || from.length !== 1) return undefined;
  const at = Date.parse(from[0]!);
  if (Number.isNaN(at) || statement.Sid !== assignmentEndSid(account[0]!, userId[0]!)) return undefined;
  return { account: account[0]!, userId: userId[0]!, at };
}

/** gitgrant's ends in a permission set's inline policy, by `account|userId`. */
export function readAssignmentEnds(document: PolicyDocument | undefined): Map<string, AssignmentEnd> {
  const ends = new Map<string, AssignmentEnd>();
  for (const statement of document?.Statement ?? []) {
    const end = endOf(statement);
    if (end) ends.set(endKey(end.account, end.userId), end);
  }
  return ends;
}

export function endKey(account: string, userId: string): string {
  return `${account}|${userId}`;
}

export interface AssignmentEndChange {
  /** Assignments that stay or are made: their end is the grant's `expires` (the union's end). */
  set: readonly AssignmentEnd[];
  /** Assignments removed now: their sessions end at `now`, or earlier if they already had. */
  revoke: readonly { account: string; userId: string }[];
  now: Instant;
  /** The permission set's SessionDuration: an end older than this is pruned. */
  sessionMs: number;
}

/** The permission set's inline policy after the change; undefined when nothing is left in it. */
export function nextInlinePolicy(current: PolicyDocument | undefined, change: AssignmentEndChange): PolicyDocument | undefined {
  const ends = readAssignmentEnds(current);
  for (const end of change.set) ends.set(endKey(end.account, end.userId), end);
  for (const { account, userId } of change.revoke) {
    const key = endKey(account, userId);
    ends.set(key, { account, userId, at: Math.min(ends.get(key)?.at ?? change.now, change.now) });
  }
  const others = (current?.Statement ?? []).filter((s) => !endOf(s));
  const ours = [...ends.values()]
    .filter((e) => change.now < e.at + change.sessionMs)
    .sort((a, b) => compareStrings(assignmentEndSid(a.account, a.userId), assignmentEndSid(b.account, b.userId)))
    .map(assignmentEndStatement);
  const statements = [...others, ...ours];
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

/** ISO 8601 durations as Identity Center writes SessionDuration (PT1H, PT12H, PT2H30M). Default 1 hour. */
export function sessionDurationMs(duration: string | undefined): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration ?? '');
  if (!match || (!match[1] && !match[2] && !match[3])) return 60 * 60 * 1000;
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}
