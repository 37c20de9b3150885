/**
 * HR comparison results as lifecycle findings and revocations, pure. A finding whose action is
 * `revoke` revokes its grants like the sweep does (`Gitgrant-Action: revoke-hr`).
 */
import type { HrConfig, ScimSourceConfig } from '../model/policy-sections.js';
import type { HrFinding } from '../hr/compare.js';
import type { AccessRepo, GrantId } from '../model/types.js';
import type { Revocation } from './expiry.js';
import type { Finding, FindingOutcome } from './findings.js';
import { compareText } from '../text/compare-text.js';

/** The SCIM service the nightly workflow names in its environment, when the policy does not name it already. */
export const SCIM_URL_ENV = 'GITGRANT_SCIM_URL';
export const SCIM_TOKEN_ENV = 'GITGRANT_SCIM_TOKEN';

export function withEnvScimSource(config: HrConfig, env: Readonly<Record<string, string | undefined>>): HrConfig {
  const url = env[SCIM_URL_ENV]?.trim();
  if (!url || config.sources.some((s) => s.kind === 'scim' && s.url === url)) return config;
  const source: ScimSourceConfig = { kind: 'scim', url, tokenEnv: SCIM_TOKEN_ENV, name: `scim:${SCIM_URL_ENV}` };
  return { ...config, sources: [...config.sources, source] };
}

export function hrRevocations(repo: AccessRepo, findings: readonly HrFinding[]): Revocation[] {
  const byId = new Map(repo.grants.map((g) => [g.id, g]));
  const due = new Map<GrantId, Revocation>();
  for (const finding of findings) {
    if (finding.action !== 'revoke') continue;
    for (const id of finding.grants) {
      const grant = byId.get(id);
      if (grant && !due.has(id)) due.set(id, { grant, action: 'revoke-hr', reason: finding.summary });
    }
  }
  return [...due.values()].sort((a, b) => compareText(a.grant.id, b.grant.id));
}

/**
 * What a preview (dry run, report mode) finds: a finding the real run acts on `would-revoke`,
 * the rest `reported`. Nothing was revoked.
 */
export function hrPreviewFindings(findings: readonly HrFinding[]): Finding[] {
  return hrFindings(findings, new Set(), new Set()).map((f, i) => (findings[i]!.action === 'revoke' ? { ...f, outcome: 'would-revoke' } : f));
}

/** `revoked` when every grant of the finding is gone, `failed` when one stayed, `reported` otherwise. */
export function hrFindings(findings: readonly HrFinding[], revoked: ReadonlySet<GrantId>, failed: ReadonlySet<GrantId>): Finding[] {
  return findings.map((f) => {
    let outcome: FindingOutcome = 'reported';
    if (f.grants.some((g) => failed.has(g))) outcome = 'failed';
    else if (f.action === 'revoke' && f.grants.every((g) => revoked.has(g))) outcome = 'revoked';
    return {
      kind: f.kind, source: 'hr', fingerprint: f.fingerprint, summary: f.summary,
      details: [outcome === 'revoked' ? 'Revoked in every target; the grant files are deleted.' : f.action === 'revoke' ? 'Revocation is due.' : 'The policy says report: the role owners decide.'],
      outcome, role: f.role, grants: f.grants, notify: f.notify,
    };
  });
}
