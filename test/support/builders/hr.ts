/** Builders for HR tests: a repo, roles, grants and people, each readable in one line. */
import { email, gitHubPrincipal, grantId, roleName, type AccessRepo, type Eligibility, type Grant, type Role } from '../../../src/core/model/types.js';
import type { HrRecord } from '../../../src/core/hr/record.js';
import { mergePolicies } from '../../../src/core/model/policy.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** The fixed clock of every HR test: 2026-11-01T09:00:00Z. */
export const NOW = Date.UTC(2026, 10, 1, 9, 0, 0);

export function aPerson(address: string, fields: Partial<Omit<HrRecord, 'email'>> = {}): HrRecord {
  return { email: email(address), active: true, status: 'active', origin: { source: 'hr/people.json', file: 'hr/people.json', line: 1 }, ...fields };
}

export function aRole(name: string, fields: { owners?: string[]; eligible?: Eligibility; standing?: Eligibility; maxDuration?: number } = {}): Role {
  return {
    name: roleName(name),
    description: name,
    owners: (fields.owners ?? ['@acme/db-owners']).map(gitHubPrincipal),
    production: true,
    maxDuration: fields.maxDuration,
    approvals: [],
    exempt: [],
    eligible: fields.eligible,
    standing: fields.standing,
    exclusive: false,
    targets: [],
    source: { file: `roles/${name}.yaml`, nodes: {} },
  };
}

export function aGrant(role: string, grantee: string, fields: { name?: string; expires?: number; starts?: number; standing?: boolean } = {}): Grant {
  const id = `grants/${role}/${fields.name ?? grantee.split('@')[0]}.yaml`;
  return {
    id: grantId(id),
    role: roleName(role),
    grantee: email(grantee),
    reason: 'Investigate slow queries',
    starts: fields.starts,
    expires: fields.expires ?? NOW + 4 * HOUR,
    breakGlass: false,
    standing: fields.standing ?? false,
    source: { file: id, nodes: {} },
  };
}

export function aRepo(roles: Role[], grants: Grant[], policyMax = 30 * DAY): AccessRepo {
  return {
    policy: {
      // The defaults of every section, as a policy file that sets none of them has them.
      ...mergePolicies([]).policy,
      owners: [gitHubPrincipal('@acme/security')],
      durations: { default: 4 * HOUR, max: policyMax, breakGlassMax: 4 * HOUR },
      reasons: { minLength: 10 },
    },
    roles: new Map(roles.map((role) => [role.name, role])),
    grants,
  };
}
