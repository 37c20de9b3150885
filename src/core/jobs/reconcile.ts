/**
 * Reconcile, pure: from a plan of the repo against the cloud, what is in the cloud that no grant
 * asks for. Bindings with gitgrant's marker and no grant (orphans) and bindings of expired grants
 * (leftovers) are removed; access gitgrant did not make that gives a role's permission on a managed
 * target is reported only, because gitgrant never touches what it does not own.
 */
import type { AccessRepo, GitHubPrincipal, GrantId, RoleName } from '../model/types.js';
import { targetRefOf } from '../plan/desired.js';
import { targetKey, type ObservedBinding, type Plan, type TargetChange } from '../plan/types.js';
import { fingerprint, ownersOf, type Finding } from './findings.js';
import type { HandMadePath } from './hand-made-paths.js';

export interface ReconcileResult {
  /** Removals only: orphans and leftovers. */
  removals: Plan;
  /** Orphans and leftovers come out as `removed`; the caller downgrades the ones that failed. */
  findings: Finding[];
}

function where(binding: ObservedBinding, change: TargetChange): string {
  return `${binding.principal} has ${binding.permission} on ${targetKey(change.target)}`;
}

/** For each target and permission, the roles that give it: unmanaged access to these is outside the process. */
function rolesByPermission(repo: AccessRepo): Map<string, RoleName[]> {
  const roles = new Map<string, RoleName[]>();
  for (const role of repo.roles.values()) {
    for (const target of role.targets) {
      const permission = target.kind === 'gcp' ? target.role : target.strategy === 'iam' ? `arn:aws:iam::${target.account}:role/${target.roleName}` : target.permissionSetArn;
      const key = `${targetKey(targetRefOf(target))}\n${permission}`;
      roles.set(key, [...(roles.get(key) ?? []), role.name]);
    }
  }
  return roles;
}

/**
 * `paths`: hand-made paths to target roles by target key (aws iam targets whose account was read
 * for them, see hand-made-paths.ts). They are reported like unmanaged bindings; a path the plan
 * also saw as an unmanaged binding is reported once.
 */
export function reconcile(repo: AccessRepo, plan: Plan, owners: ReadonlyMap<string, readonly GrantId[]>, paths: ReadonlyMap<string, readonly HandMadePath[]> = new Map()): ReconcileResult {
  const findings: Finding[] = [];
  const security = [...new Set(repo.policy.owners)].sort();
  const grants = new Map(repo.grants.map((g) => [g.id, g]));
  const permissions = rolesByPermission(repo);
  for (const change of plan.changes) {
    const key = targetKey(change.target);
    for (const binding of change.remove) {
      const grantIds = [...(owners.get(binding.id!) ?? [])];
      if (grantIds.length === 0) {
        findings.push({
          kind: 'ORPHAN_BINDING', source: 'reconcile', fingerprint: fingerprint('ORPHAN_BINDING', key, binding.id!),
          summary: `${where(binding, change)} with gitgrant's marker (${binding.label}) but no grant file asks for it`,
          details: ['Removed: gitgrant grants nothing that no file on main asks for. If someone needs this access, they request it.'],
          outcome: 'removed', target: key, grants: [], notify: security,
        });
        continue;
      }
      const role = grants.get(grantIds[0]!)!.role;
      findings.push({
        kind: 'EXPIRED_LEFTOVER', source: 'reconcile', fingerprint: fingerprint('EXPIRED_LEFTOVER', key, binding.id!),
        summary: `${where(binding, change)} left over from ${grantIds.join(', ')}, which ${grantIds.length === 1 ? 'has' : 'have'} expired`,
        details: ['Removed; the expiry sweep deletes the grant file.'],
        outcome: 'removed', role, target: key, grants: grantIds.sort(), notify: ownersOf(repo, role),
      });
    }
    for (const binding of change.unmanaged) {
      const roles = permissions.get(`${key}\n${binding.permission}`);
      if (!roles) continue;
      const notify: GitHubPrincipal[] = [...new Set([...roles.flatMap((r) => ownersOf(repo, r)), ...security])].sort();
      findings.push({
        kind: 'UNMANAGED_ACCESS', source: 'reconcile', fingerprint: fingerprint('UNMANAGED_ACCESS', key, binding.principal, binding.permission),
        summary: `${where(binding, change)} outside gitgrant (${binding.label}), the permission of role ${roles.join(', ')}`,
        details: ['Reported only: gitgrant never changes bindings it did not make. Remove it in the cloud, or replace it with a grant.'],
        outcome: 'reported', role: roles[0], target: key, grants: [], notify,
      });
    }
  }
  for (const [key, found] of paths) {
    for (const path of found) {
      const roles = permissions.get(`${key}\n${path.role}`) ?? [];
      const notify: GitHubPrincipal[] = [...new Set([...roles.flatMap((r) => ownersOf(repo, r)), ...security])].sort();
      const trust = path.kind === 'trust-policy';
      findings.push({
        kind: 'UNMANAGED_ACCESS', source: 'reconcile',
        fingerprint: trust ? fingerprint('UNMANAGED_ACCESS', key, `trust:${path.principal}`, path.role) : fingerprint('UNMANAGED_ACCESS', key, path.principal, path.role),
        summary: trust
          ? `${path.principal} may assume ${path.role} on ${key}: named in its trust policy outside gitgrant (${path.via})${roles.length ? `, the permission of role ${roles.join(', ')}` : ''}`
          : `${path.principal} has ${path.role} on ${key} outside gitgrant (${path.via}), the permission of role ${roles.join(', ') || '(none)'}`,
        details: [
          `The IAM evaluator says: ${path.evaluation}.`,
          'Reported only: gitgrant never changes what it did not make. Remove the path in the cloud, or replace it with a grant.',
        ],
        outcome: 'reported', role: roles[0], target: key, grants: [], notify,
      });
    }
  }
  const removals: Plan = { ...plan, changes: plan.changes.map((c) => ({ ...c, add: [], update: [], unmanaged: [] })), diagnostics: [] };
  // The same path seen by the plan and by the path analysis: the first report wins.
  const seen = new Set<string>();
  return { removals, findings: findings.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true))) };
}
