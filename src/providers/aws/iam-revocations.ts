/**
 * Early revocation for the iam strategy. Removing the Allow stops new AssumeRole calls, but a session
 * issued before the removal keeps working until it expires (up to the role's maximum session
 * duration). So gitgrant also writes, on the role, an inline policy that denies everything to the
 * grantee's sessions issued before the revocation. Pure.
 */
import type { Instant } from '../../model/types.js';
import { iamTime, statementSid, compareStrings } from './iam-grant-policy.js';
import type { PolicyDocument, PolicyStatement } from './policy-document.js';

export const REVOCATION_POLICY_NAME = 'gitgrant-revocations';

/**
 * The longest a role session can last (MaxSessionDuration tops out at 12 hours). A revocation older
 * than this can no longer match a live session, so it is pruned to keep the policy small.
 */
export const MAX_ROLE_SESSION_MS = 12 * 60 * 60 * 1000;

export interface Revocation {
  bindingId: string;
  sessionName: string;
  at: Instant;
}

/**
 * One statement per binding and session name: two people can lose the same binding in one run (an
 * identity mapping moved it), and IAM refuses a policy with two equal Sids.
 */
export function revocationSid(bindingId: string, sessionName: string): string {
  return `Revoke${statementSid(bindingId)}For${statementSid(sessionName)}`;
}

export function revocationStatement(revocation: Revocation): PolicyStatement {
  return {
    Sid: revocationSid(revocation.bindingId, revocation.sessionName),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      DateLessThan: { 'aws:TokenIssueTime': iamTime(revocation.at) },
      // A role session's aws:userid is `<role id>:<session name>`.
      StringLike: { 'aws:userid': `*:${revocation.sessionName}` },
    },
  };
}

/** Whether a binding's window was still open at `now`: only then can a live session exist. */
export function needsRevocation(window: { starts?: Instant; expires: Instant } | undefined, now: Instant): boolean {
  if (!window) return true;
  return (window.starts === undefined || window.starts <= now) && now < window.expires;
}

/**
 * The role's revocation policy after adding `revocations` at `now` and pruning statements that can
 * no longer match a session. Undefined when nothing is left (the policy should be deleted).
 */
export function withRevocations(
  current: PolicyDocument | undefined,
  revocations: readonly Revocation[],
  now: Instant,
): PolicyDocument | undefined {
  // The same binding and session revoked twice in one run: the later revocation covers the earlier.
  const latest = new Map<string, Revocation>();
  for (const r of revocations) {
    const sid = revocationSid(r.bindingId, r.sessionName);
    if ((latest.get(sid)?.at ?? -Infinity) < r.at) latest.set(sid, r);
  }
  const added = [...latest.values()].map(revocationStatement);
  const addedSids = new Set(added.map((s) => s.Sid));
  const kept = (current?.Statement ?? []).filter((s) => !addedSids.has(s.Sid) && !isStale(s, now));
  const statements = [...kept, ...added].sort((a, b) => compareStrings(a.Sid ?? '', b.Sid ?? ''));
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

function isStale(statement: PolicyStatement, now: Instant): boolean {
  const issuedBefore = statement.Condition?.DateLessThan?.['aws:TokenIssueTime'];
  const at = typeof issuedBefore === 'string' ? Date.parse(issuedBefore) : NaN;
  // Statements gitgrant cannot date are kept: pruning must never widen access by mistake.
  return !Number.isNaN(at) && at + MAX_ROLE_SESSION_MS < now;
}
