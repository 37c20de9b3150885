/**
 * Reconstructs every grant's lifecycle, and every role's versions, from main's history. Pure: the
 * history (commits and file contents) and the approvals known from GitHub are inputs.
 *
 * A grant is a file's life on main: requested when it lands, changed when it is edited or moved,
 * ended when it is deleted. How it ended comes from the automation's trailers, counted only on
 * commits the automation made (see lifecycle/automation.ts); a deletion without them was a
 * person's PR (history older than the tool, or a revocation by hand), and is an early revocation
 * if it came before `expires`. A person's commit carrying the trailers is one of those, dated by
 * its commit, and listed in `forgedTrailers`.
 */
import { parse } from 'yaml';
import { loadFile } from '../model/load-file.js';
import { parseYamlText } from '../model/yaml-reference.js';
import { classify } from '../model/repo-files.js';
import type { Grant, Instant } from '../model/types.js';
import { isAutomationCommitter, notAutomationReason, trailersClaimSomething, type ForgedTrailers } from './automation.js';
import { DEFAULT_AUTOMATION, type AutomationIdentity } from '../model/policy-sections.js';
import { parseTrailers, type GrantTrailer, type LifecycleCommit } from './trailers.js';
import type { ApprovalRecord } from './approval-note.js';
import { approvalEvidence, type ApprovalEvidence } from './approval-evidence.js';
import type { History, HistoryCommit } from './history-types.js';
import type { Approval, ChangeKind, CommitRef, EndKind, GrantLifecycle, Reconstruction, RoleVersion } from './lifecycle-types.js';
import { compareText } from '../text/compare-text.js';

/** A pull request's approvals as GitHub reported them, and the commit GitHub says it landed as. */
export interface GitHubApproval extends ApprovalRecord {
  landed?: string;
}

/**
 * Approvals GitHub reported, by pull request number (when a token was available). They count only
 * for the commit the pull request landed as: the number is read from a commit subject, which
 * whoever merges may write, so a subject naming another (approved) pull request gets nothing.
 */
export type KnownApprovals = ReadonlyMap<number, GitHubApproval>;

type GrantFields = Pick<GrantLifecycle, 'grantee' | 'reason' | 'ticket' | 'starts' | 'expires' | 'breakGlass' | 'incident' | 'standing' | 'unreadable'>;

export function reconstruct(history: History, known: KnownApprovals = new Map(), automation: AutomationIdentity = DEFAULT_AUTOMATION): Reconstruction {
  const live = new Map<string, GrantLifecycle>();
  const done: GrantLifecycle[] = [];
  const roles: RoleVersion[] = [];
  const forgedTrailers: ForgedTrailers[] = [];
  const fieldsOf = cachedReader(history.blobs);
  const evidence = approvalEvidence(history.commits, automation);
  for (const commit of history.commits) {
    // The history is main's first-parent line: trailers count when the automation committed them.
    const byAutomation = isAutomationCommitter(automation, commit.committerName, commit.committerEmail);
    const claimed = parseTrailers(commit.message);
    const trailers = byAutomation ? claimed : undefined;
    if (claimed && !byAutomation && trailersClaimSomething(claimed.action)) {
      const committer = `${commit.committerName} <${commit.committerEmail}>`;
      forgedTrailers.push({ commit: commit.sha, at: commit.committedAt, committer, action: claimed.action, why: notAutomationReason(automation, committer, true) });
    }
    const believed = evidence.of(commit);
    const ref = commitRef(commit, byAutomation, believed);
    // GitHub is asked about the PR main's record or the subject names, never one only a note claims.
    const trustedPr = believed.source === 'note' ? pullRequestOf(ref.subject) : ref.pr;
    const approval = approvalOf(trustedPr, ref, believed, known);
    for (const change of commit.changes) {
      const place = classify(change.path);
      if (place.kind === 'role') {
        roles.push({ name: place.name, commit: ref, role: change.status === 'D' ? undefined : roleAt(change.path, history.blobs.get(change.newBlob ?? '')) });
        continue;
      }
      const wasGrant = change.oldPath !== undefined && classify(change.oldPath).kind === 'grant';
      if (place.kind !== 'grant' && !wasGrant) continue;
      const before = live.get(change.oldPath ?? change.path);
      if (change.status === 'D') {
        if (!before) continue;
        live.delete(change.path);
        before.ended = ending(before, ref, trailerFor(trailers, change.path), trailers);
        done.push(before);
        continue;
      }
      const fields = fieldsOf(change.newBlob);
      if (change.status === 'R' && before) live.delete(change.oldPath!);
      // Moved out of grants/, or now naming another person or role: the access `before` gave is gone
      // as far as the cloud is concerned, and whatever the file says now is a new request. Folding it
      // into `before` would put today's grantee and role over the whole past of the file.
      const role = place.kind === 'grant' ? place.role : undefined;
      if (before && (role === undefined || !sameHolder(before, fields, role))) {
        live.delete(before.path);
        before.ended = ending(before, ref, undefined, trailers);
        done.push(before);
      } else if (before) {
        const kind = changeKind(before, fields, change.path);
        before.changes.push({
          kind, commit: ref, approval, fromExpires: before.expires, toExpires: fields.expires,
          ...(fields.starts !== undefined ? { toStarts: fields.starts } : {}),
          fromPath: change.path === before.path ? undefined : before.path,
        });
        Object.assign(before, fields, { path: change.path, role });
        live.set(change.path, before);
        continue;
      }
      if (role === undefined) continue;
      live.set(change.path, requested(change.path, role, fields, ref, approval, trailerFor(trailers, change.path)));
    }
  }
  const grants = [...done, ...live.values()].sort((a, b) => a.requested.at - b.requested.at || compareText(a.id, b.id));
  const last = history.commits[history.commits.length - 1];
  return { grants, roles, forgedTrailers, tamperedApprovals: evidence.tampered, lastCommitAt: last?.committedAt, lastCommit: last?.sha };
}

const MERGE_SUBJECT = /^Merge pull request #(\d+)\b/;
const SQUASH_SUBJECT = /\(#(\d+)\)\s*$/;

export function pullRequestOf(subject: string): number | undefined {
  const match = MERGE_SUBJECT.exec(subject) ?? SQUASH_SUBJECT.exec(subject);
  return match ? Number(match[1]) : undefined;
}

/**
 * The PR a landed commit belongs to: the one the automation's record on main names (it asked GitHub
 * which PR landed the commit), else the one the subject names (a rebase merge's has none); a note's
 * claim only when nothing else names one.
 */
function commitRef(commit: HistoryCommit, byAutomation: boolean, believed: ReturnType<ApprovalEvidence['of']>): CommitRef {
  const subject = commit.message.split('\n', 1)[0] ?? '';
  const recorded = believed.source === 'none' ? undefined : believed.record.pr;
  return {
    sha: commit.sha,
    at: commit.committedAt,
    by: commit.authorName,
    subject,
    pr: (believed.source === 'record' ? recorded : undefined) ?? pullRequestOf(subject) ?? recorded,
    bot: byAutomation,
  };
}

function approvalOf(trustedPr: number | undefined, ref: CommitRef, believed: ReturnType<ApprovalEvidence['of']>, known: KnownApprovals): Approval {
  const fromGitHub = trustedPr === undefined ? undefined : known.get(trustedPr);
  if (fromGitHub && fromGitHub.landed === ref.sha) {
    const { landed: _landed, ...record } = fromGitHub;
    return { ...record, source: 'github' };
  }
  if (believed.source !== 'none') return { ...believed.record, source: believed.source };
  return { pr: ref.pr, approvers: [], source: 'unrecorded' };
}

function trailerFor(trailers: LifecycleCommit | undefined, path: string): GrantTrailer | undefined {
  return trailers?.grants.find((g) => g.grant === path);
}

function requested(path: string, role: string, fields: GrantFields, ref: CommitRef, approval: Approval, trailer: GrantTrailer | undefined): GrantLifecycle {
  return {
    id: `${path}@${ref.sha.slice(0, 12)}`,
    path,
    role,
    ...fields,
    incident: fields.incident ?? trailer?.incident,
    // Only the automation's trailers reach here (a person's are dropped above), so nobody else can bind a review.
    ...(trailer?.review !== undefined ? { breakGlassReview: trailer.review } : {}),
    requestedExpires: fields.expires,
    ...(fields.starts !== undefined ? { requestedStarts: fields.starts } : {}),
    requested: ref,
    approval,
    changes: [],
  };
}

/** The same person's access through the same role: an edit of that grant, not another one. */
function sameHolder(before: GrantLifecycle, after: GrantFields, role: string): boolean {
  return before.grantee === after.grantee && before.role === role && before.breakGlass === after.breakGlass;
}

/** A standing grant (HR-derived, reviewed as a pull request like any change) that stays standing is renewed, not extended. */
function changeKind(before: GrantLifecycle, after: GrantFields, path: string): ChangeKind {
  if (after.expires > before.expires) return before.standing && after.standing ? 'renewed' : 'extended';
  if (after.expires < before.expires) return 'shortened';
  return path === before.path ? 'edited' : 'renamed';
}

const END_OF_ACTION: Partial<Record<LifecycleCommit['action'], EndKind>> = {
  expire: 'expired', revoke: 'revoked', 'revoke-hr': 'revoked-hr', 'revoke-ticket': 'revoked-ticket',
};

function ending(grant: GrantLifecycle, ref: CommitRef, trailer: GrantTrailer | undefined, trailers: LifecycleCommit | undefined): GrantLifecycle['ended'] {
  const removedAt = trailer?.revokedAt ?? ref.at;
  const early = removedAt < grant.expires;
  let kind: EndKind = (trailer && trailers && END_OF_ACTION[trailers.action]) || (early ? 'revoked' : 'expired');
  // Break-glass access ends on its short cap or when the incident is over; HR and ticket revocations keep their own name.
  if (grant.breakGlass && (kind === 'expired' || kind === 'revoked')) kind = 'break-glass-ended';
  return { kind, removedAt, early, commit: ref, reason: trailer?.reason };
}

function roleAt(path: string, bytes: Uint8Array | undefined) {
  if (!bytes) return undefined;
  const loaded = loadFile(path, bytes, parseYamlText);
  return loaded.kind === 'role' ? loaded.value : undefined;
}

/** Grant contents by blob id, loaded once each (the same content recurs across renames). */
function cachedReader(blobs: ReadonlyMap<string, Uint8Array>): (blob: string | undefined) => GrantFields {
  const cache = new Map<string, GrantFields>();
  return (blob) => {
    const key = blob ?? '';
    let fields = cache.get(key);
    if (!fields) {
      fields = grantFields(blobs.get(key));
      cache.set(key, fields);
    }
    return fields;
  };
}

const PLACEHOLDER_PATH = 'grants/history/file.yaml';

function grantFields(bytes: Uint8Array | undefined): GrantFields {
  if (!bytes) return loose(undefined, 'its contents are missing from the history');
  const loaded = loadFile(PLACEHOLDER_PATH, bytes, parseYamlText);
  const grant = loaded.kind === 'grant' ? loaded.value : undefined;
  if (grant) return fromGrant(grant);
  return loose(bytes, loaded.diagnostics[0]?.summary ?? 'it does not load');
}

function fromGrant(g: Grant): GrantFields {
  return {
    grantee: g.grantee, reason: g.reason, ticket: g.ticket, starts: g.starts, expires: g.expires,
    breakGlass: g.breakGlass, incident: g.incident, standing: g.standing,
  };
}

/** Older files may predate today's schema: keep what can be read, and say why the rest is missing. */
function loose(bytes: Uint8Array | undefined, why: string): GrantFields {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = bytes ? parse(Buffer.from(bytes).toString('utf8')) : undefined;
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    // Unparseable YAML: nothing to salvage beyond the path.
  }
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const time = (key: string): Instant | undefined => {
    const value = data[key] instanceof Date ? (data[key] as Date).getTime() : Date.parse(text(key) ?? '');
    return Number.isNaN(value) ? undefined : value;
  };
  return {
    grantee: (text('grantee') ?? 'unknown').toLowerCase(),
    reason: text('reason') ?? '',
    ticket: text('ticket'),
    starts: time('starts'),
    expires: time('expires') ?? Number.POSITIVE_INFINITY,
    breakGlass: data.breakGlass === true,
    incident: text('incident'),
    standing: data.standing === true,
    unreadable: why,
  };
}
