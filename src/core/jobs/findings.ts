/**
 * Findings: what the lifecycle jobs (expire, reconcile, hr-check, anomalies) raise for people.
 * Plain data with a stable fingerprint, so the exception issues can find the same situation again
 * on another night, and close its issue once the situation is gone.
 */
import { createHash } from 'node:crypto';
import type { AccessRepo, GitHubPrincipal, GrantId, RoleName } from '../model/types.js';
import { compareText } from '../text/compare-text.js';

/** The job that raises a finding; an issue is only closed when its source ran to completion. */
export type FindingSource = 'expire' | 'reconcile' | 'hr' | 'anomalies' | 'verify';

export type FindingKind =
  | 'EXPIRY_FAILED'
  | 'EXPIRY_OVERDUE'
  | 'TICKET_NOT_FOUND'
  | 'ORPHAN_BINDING'
  | 'EXPIRED_LEFTOVER'
  | 'UNMANAGED_ACCESS'
  | 'HR_GRANTEE_TERMINATED'
  | 'HR_GRANTEE_UNKNOWN'
  | 'HR_GRANTEE_INELIGIBLE'
  | 'HR_APPROVER_LEFT'
  | 'ANOMALY_REPEATED_USE'
  | 'ANOMALY_BREAK_GLASS'
  | 'ANOMALY_APPROVER_CONCENTRATION'
  | 'ANOMALY_OFF_HOURS'
  | 'ANOMALY_FORGED_TRAILERS'
  | 'ANOMALY_FORGED_APPROVAL'
  | 'ACCESS_NOT_ENDED';

/**
 * What the job did about it: `reported` means people must act. A dry run changes nothing, so it
 * says what the real run would do: `would-revoke`, `would-remove`.
 */
export type FindingOutcome = 'revoked' | 'removed' | 'reported' | 'failed' | 'would-revoke' | 'would-remove';

export interface Finding {
  kind: FindingKind;
  source: FindingSource;
  /** Stable across runs for the same situation: hex, safe for the hidden issue marker. */
  fingerprint: string;
  /** One line, plain text; renderers escape it. */
  summary: string;
  /** More lines for the issue body, plain text. */
  details: string[];
  outcome: FindingOutcome;
  role?: RoleName;
  /** The cloud target concerned (`gcp:projects/x`), for cloud findings. */
  target?: string;
  grants: GrantId[];
  /** Who must act: role owners, or the policy owners (security). */
  notify: GitHubPrincipal[];
}

export function fingerprint(kind: FindingKind, ...parts: string[]): string {
  return createHash('sha256').update([kind, ...parts].join('\n')).digest('hex').slice(0, 40);
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.summary, b.summary) || compareText(a.fingerprint, b.fingerprint));
}

/** The role's owners, else the policy's owners (security): someone always gets told. */
export function ownersOf(repo: AccessRepo, role: RoleName | undefined): GitHubPrincipal[] {
  const owners = role === undefined ? [] : (repo.roles.get(role)?.owners ?? []);
  return [...new Set(owners.length > 0 ? owners : repo.policy.owners)].sort();
}
