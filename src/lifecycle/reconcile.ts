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

export function reconcile(repo: AccessRepo, plan: Plan, owners: ReadonlyMap<string, readonly GrantId[]>): ReconcileResult {
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
  const removals: Plan = { ...plan, changes: plan.changes.map((c) => ({ ...c, add: [], update: [], unmanaged: [] })), diagnostics: [] };
  return { removals, findings };
}
