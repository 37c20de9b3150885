/**
 * Revocation as a plan, pure: the removals that belong to exactly the grants being revoked, and
 * nothing else. Adds and updates are apply's job; a binding another live grant still justifies
 * (a shared Identity Center assignment) is kept, because desired state is a union.
 */
import type { AccessRepo, Grant, GrantId } from '../model/types.js';
import { desiredState, targetRefOf, type IdentityCenterDirectory } from '../plan/desired.js';
import type { IdentityConfig } from '../model/policy-sections.js';
import { targetKey, type ObservedBinding, type Plan, type TargetChange } from '../plan/types.js';
import type { Revocation } from './expiry.js';

/** A repo in which every grant counts as live: the bindings each grant has, or had, in the cloud. */
export function everLive(repo: AccessRepo): AccessRepo {
  return { ...repo, grants: repo.grants.map((g) => ({ ...g, expires: Number.MAX_SAFE_INTEGER })) };
}

/** Which grants each binding id stands for, whether those grants are live or long expired. */
export function bindingOwners(repo: AccessRepo, identities: IdentityConfig, directory: IdentityCenterDirectory | undefined, now: number): Map<string, GrantId[]> {
  const owners = new Map<string, GrantId[]>();
  for (const binding of desiredState(everLive(repo), now, identities, directory).bindings) owners.set(binding.id, binding.grants);
  return owners;
}

/** The repo without the revoked grants: what should remain once they are gone. */
export function withoutGrants(repo: AccessRepo, gone: ReadonlySet<GrantId>): AccessRepo {
  return { ...repo, grants: repo.grants.filter((g) => !gone.has(g.id)) };
}

/** Keeps, from a plan made without the revoked grants, only the removals of their bindings. */
export function revocationPlan(plan: Plan, owners: ReadonlyMap<string, readonly GrantId[]>, revoked: ReadonlySet<GrantId>): Plan {
  const ownedByRevoked = (b: ObservedBinding) => (owners.get(b.id ?? '') ?? []).some((g) => revoked.has(g));
  const changes: TargetChange[] = plan.changes.map((change) => ({ ...change, add: [], update: [], remove: change.remove.filter(ownedByRevoked), unmanaged: [] }));
  return { ...plan, changes, diagnostics: [] };
}

/** Target keys a grant's access lives on. */
export function grantTargets(repo: AccessRepo, grant: Grant): string[] {
  return (repo.roles.get(grant.role)?.targets ?? []).map((t) => targetKey(targetRefOf(t)));
}

export interface RevocationOutcome {
  revoked: Revocation[];
  failed: { revocation: Revocation; causes: string[] }[];
}

/**
 * A grant counts as revoked only when every target of its role was read and changed without
 * failure; otherwise its file stays so the next run tries again. A grant whose role does not load
 * is never counted revoked: its targets are unknown, so its bindings were not even looked for.
 */
export function revocationOutcomes(repo: AccessRepo, revocations: readonly Revocation[], failures: ReadonlyMap<string, string>, held: ReadonlyMap<GrantId, readonly string[]> = new Map()): RevocationOutcome {
  const outcome: RevocationOutcome = { revoked: [], failed: [] };
  for (const revocation of revocations) {
    const role = revocation.grant.role;
    // A role that does not load names no target, so none was read or changed: not a revocation.
    if (!repo.roles.has(role)) {
      outcome.failed.push({ revocation, causes: [`role ${role} does not load, so where this grant's bindings live is unknown and none was removed: fix roles/${role}.yaml, and the next sweep revokes it`] });
      continue;
    }
    // A removal held for a protected principal (protected-removals.ts) leaves its grant unrevoked.
    const causes = [...grantTargets(repo, revocation.grant).flatMap((key) => (failures.has(key) ? [`${key}: ${failures.get(key)}`] : [])), ...(held.get(revocation.grant.id) ?? [])];
    if (causes.length === 0) outcome.revoked.push(revocation);
    else outcome.failed.push({ revocation, causes });
  }
  return outcome;
}
