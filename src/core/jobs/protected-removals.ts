/**
 * The protected principals (`apply.protected`, the automation's own access) in the revocation
 * sweeps (`expire`, `hr-check`), pure. Apply stops before removing any of their bindings; a sweep
 * must not be the way around that: a grant file that names a protected principal as grantee, with
 * a short `until` or a grantee HR does not know, would otherwise have the sweep remove the
 * principal's access (an Identity Center assignment's id names the user, not the grant, so it is
 * also the principal's standing assignment on that permission set).
 *
 * The rule:
 * - The list loads: a removal of a protected principal's binding is held, whatever the reason
 *   (expiry, ticket, HR). Its grant counts as not revoked: the file stays, with a finding, and the
 *   run exits 1 until a person settles it.
 * - The list does not load (its file has an error, or a policy file does not parse): an empty
 *   list is not "nothing is protected", but deadlines come first. A GCP or AWS IAM binding id
 *   names the grant file it was made for, so removing it ends only what that grant gave: it goes
 *   ahead for everyone. An Identity Center assignment may be the principal's own standing access,
 *   so its removal is held, except for a leaver (a person HR lists as gone is not the automation).
 *   An expired assignment held this way is still denied by the permission set's session end.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sectionFailures } from '../model/policy.js';
import type { GrantId, Policy } from '../model/types.js';
import type { ObservedBinding, TargetChange } from '../plan/types.js';

export type Protection =
  | { known: true; principals: ReadonlySet<string> }
  /** `where`: the load errors of the policy file, as `file:line:col`. */
  | { known: false; where: readonly string[] };

/** What the sweep knows of `apply.protected`: the list, or where it failed to load. */
export function protectionOf(policy: Policy, diagnostics: readonly Diagnostic[] = []): Protection {
  const failures = sectionFailures(policy, diagnostics, 'apply');
  if (failures.length === 0) return { known: true, principals: new Set(policy.apply.protected) };
  return { known: false, where: [...new Set(failures.map((d) => `${d.file}:${d.start?.line ?? 1}:${d.start?.col ?? 1}`))] };
}

export interface HeldRemoval {
  /** The revoked grants the binding stands for: none of them counts as revoked. */
  grants: GrantId[];
  cause: string;
}

/**
 * Splits one target's revocation change into the removals that may go ahead and the ones held.
 * `owners`: which grants each binding id stands for; `revoked`: the grants being revoked;
 * `leavers`: revoked grants whose grantee HR lists as a person who has left.
 */
export function holdProtectedRemovals(
  change: TargetChange,
  owners: ReadonlyMap<string, readonly GrantId[]>,
  revoked: ReadonlySet<GrantId>,
  protection: Protection,
  leavers: ReadonlySet<GrantId> = new Set(),
): { change: TargetChange; held: HeldRemoval[] } {
  const assignment = change.target.provider === 'aws' && change.target.strategy === 'identity-center';
  const remove: ObservedBinding[] = [];
  const held: HeldRemoval[] = [];
  for (const binding of change.remove) {
    const grants = (owners.get(binding.id ?? '') ?? []).filter((g) => revoked.has(g));
    const cause = holdCause(binding, grants, assignment, protection, leavers);
    if (cause === undefined) remove.push(binding);
    else held.push({ grants, cause });
  }
  if (held.length === 0) return { change, held };
  return { change: { ...change, remove, kept: (change.kept ?? 0) + held.length }, held };
}

function holdCause(binding: ObservedBinding, grants: readonly GrantId[], assignment: boolean, protection: Protection, leavers: ReadonlySet<GrantId>): string | undefined {
  const what = `${binding.principal}'s ${binding.permission}`;
  if (protection.known) {
    if (!protection.principals.has(binding.principal)) return undefined;
    return `held: removing ${what} would take away a protected principal's access (policies: apply.protected); a grant must not name the automation's own access: remove this grant file by pull request, or take the principal off apply.protected`;
  }
  if (!assignment || (grants.length > 0 && grants.every((g) => leavers.has(g)))) return undefined;
  return `held: the protected principals (apply.protected) did not load, and the Identity Center assignment ${what} may be a protected principal's own access; it is removed once the list loads (fix ${protection.where.join(', ')})`;
}
