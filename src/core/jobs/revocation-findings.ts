/** A revocation that failed is a finding: the file stays, and people see why until a run succeeds. */
import type { AccessRepo } from '../model/types.js';
import { fingerprint, ownersOf, type Finding } from './findings.js';
import type { RevocationOutcome } from './revocation.js';

export function failedRevocationFindings(repo: AccessRepo, failed: RevocationOutcome['failed']): Finding[] {
  return failed.map(({ revocation, causes }) => ({
    kind: 'EXPIRY_FAILED',
    source: 'expire',
    fingerprint: fingerprint('EXPIRY_FAILED', revocation.grant.id),
    summary: `${revocation.grant.id} (${revocation.grant.grantee}, ${revocation.reason}) could not be revoked everywhere; the file stays and the next run retries`,
    details: causes,
    outcome: 'failed',
    role: revocation.grant.role,
    grants: [revocation.grant.id],
    notify: ownersOf(repo, revocation.grant.role),
  }));
}
