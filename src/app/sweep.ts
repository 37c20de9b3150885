/**
 * Revoke, then record: the grants revoked everywhere lose their files in one commit per action;
 * the ones that failed keep their files and become findings, so nothing is lost and the next run
 * converges. Only a sweep is given appliers and a committer; a preview is `previewRevocations`.
 */
import type { Instant } from '../core/model/types.js';
import type { Revocation, RevocationAction } from '../core/jobs/expiry.js';
import type { Finding } from '../core/jobs/findings.js';
import { failedRevocationFindings } from '../core/jobs/revocation-findings.js';
import { revokeGrants, type RevocationWrites, type RevokeInput, type RevokeResult } from './revoke.js';

/** Records revoked grants: deletes their files and commits, returning the commit's hash. */
export interface RevocationCommitter {
  commit(action: RevocationAction, revocations: readonly Revocation[], now: Instant): string;
}

export interface SweepInput extends RevokeInput<RevocationWrites> {
  commits: RevocationCommitter;
}

export interface SweepResult extends RevokeResult {
  findings: Finding[];
  commits: { action: RevocationAction; sha: string }[];
}

const ACTION_ORDER: RevocationAction[] = ['expire', 'revoke-ticket', 'revoke-hr'];

export async function sweep(input: SweepInput): Promise<SweepResult> {
  if (input.revocations.length === 0) return { plan: { at: input.now, online: true, changes: [], diagnostics: [] }, revoked: [], failed: [], findings: [], commits: [] };
  const result = await revokeGrants(input);
  const commits: SweepResult['commits'] = [];
  for (const action of ACTION_ORDER) {
    const done = result.revoked.filter((r) => r.action === action);
    if (done.length > 0) commits.push({ action, sha: input.commits.commit(action, done, input.now) });
  }
  return { ...result, findings: failedRevocationFindings(input.repo, result.failed), commits };
}
