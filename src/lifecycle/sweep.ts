/**
 * Revoke, then record: the grants revoked everywhere lose their files in one commit per action;
 * the ones that failed keep their files and become findings, so nothing is lost and the next run
 * converges.
 */
import { commitRevocations } from './commit.js';
import type { RevocationAction } from './expiry.js';
import type { Finding } from './findings.js';
import { failedRevocationFindings } from './revocation-findings.js';
import { revokeGrants, type RevokeInput, type RevokeResult } from './revoke.js';

export interface SweepInput extends RevokeInput {
  /** The checkout whose grant files are deleted and committed. */
  root: string;
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
    if (done.length > 0) commits.push({ action, sha: commitRevocations(input.root, action, done, input.now) });
  }
  return { ...result, findings: failedRevocationFindings(input.repo, result.failed), commits };
}
