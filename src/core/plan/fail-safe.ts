/**
 * Planning on a main that does not validate (principle 7: an invalid main holds back additions,
 * never removals). Pure.
 *
 * The rule:
 * - Every addition and every change is held back: nothing widens access, or moves it to another
 *   principal, from a repository that is known to be wrong.
 * - A removal goes ahead when no grant file still on main can stand for it: its grant was deleted
 *   (an early revocation) or has expired. Removal is what a broken repository must never stop.
 * - A grant file that does not validate keeps its bindings exactly as they are, neither added,
 *   changed nor removed, unless the cloud has already ended them (their condition's deadline has
 *   passed): an invalid edit must not widen access, and must not silently revoke it either. A file
 *   that loads is planned like any other, so its bindings are kept; one that does not even load
 *   keeps every binding its path and role's targets name.
 * - When a role does not load, its targets are unknown, but a GCP or AWS IAM binding id names the
 *   grant file it was made for (binding-id.ts): a binding is held when its id is that of a grant
 *   file of the role still on main, on the target and permission it was read with. Everything else
 *   is planned as on a valid main: removals of other roles' grants, and of the broken role's deleted
 *   grants, go ahead. Only the path counts, never the principal or permission a broken file names,
 *   so no file can shield a binding another grant made.
 * - A role that does not load but has a version on main that loads (plan/stand-in.ts) is planned
 *   from that version: its targets are read, the bindings its grants on main stand for are kept
 *   as they are (their additions and changes held like any other), and the rest is removed as on
 *   a valid main. The run says which version, and how much it kept.
 * - An Identity Center assignment does not name its grant, so while a role with grant files does
 *   not load and has no such version, only the Identity Center removals the cloud has already
 *   ended go ahead.
 * - When the protected principals (`apply.protected`) do not load, any removal could be of one of
 *   them: an empty list is not "nothing is protected". Only removals the cloud has already ended go
 *   ahead.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sectionFailures } from '../model/policy.js';
import { classify } from '../model/repo-files.js';
import { grantId, roleName, type AccessRepo, type Instant } from '../model/types.js';
import { grantBindingId } from './binding-id.js';
import { targetRefOf } from './desired.js';
import { unknownRoleReason, type StandIns } from './stand-in.js';
import { targetKey, type DesiredBinding, type ObservedBinding, type Plan, type TargetChange, type TargetRef } from './types.js';
import { compareText } from '../text/compare-text.js';

/** What a main that does not validate leaves uncertain. */
export interface Uncertain {
  /** Binding ids a grant file that does not load may stand for (GCP and AWS IAM ids name their grant). */
  bindingIds: ReadonlySet<string>;
  /** `targetKey|permission` of Identity Center assignments a broken grant file may stand for (their id names no grant). */
  assignments: ReadonlySet<string>;
  /** Roles that do not load but have grant files on main, with those files. */
  rolesMissing: ReadonlyMap<string, readonly string[]>;
  /** Set when `apply.protected` did not load: the load errors, as `file:line:col`. */
  protectedUnknown?: readonly string[];
  /** Roles that do not load, planned from their last version that loads, by name. */
  standIns?: ReadonlyMap<string, StandInUse>;
  /** Roles that do not load and have no such version, with why. */
  unknownRoles?: ReadonlyMap<string, string>;
}

/** What a role planned from its last loading version stands for, to say what was kept for it. */
export interface StandInUse {
  path: string;
  commit: string;
  /** Target keys that version names. */
  targets: readonly string[];
  /** Ids of the bindings its grants on main stand for, by target key. */
  bindings: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface HeldBack {
  add: number;
  update: number;
  remove: number;
  /** One line each for people: why removals were held. */
  reasons: string[];
}

/**
 * The grant files that do not load (an error names them and no grant came of them), and the grants
 * whose role does not load. `repo` is what did load; `problems` are the repository's diagnostics.
 */
export function uncertainOf(repo: AccessRepo, problems: readonly Diagnostic[], standIns?: StandIns, desired: readonly DesiredBinding[] = []): Uncertain {
  const loaded = new Set<string>(repo.grants.map((g) => g.id));
  const unloaded = new Set<string>();
  for (const d of problems) {
    if (d.severity !== 'error' || d.file === undefined || loaded.has(d.file)) continue;
    const place = classify(d.file);
    if (place.kind === 'grant') unloaded.add(d.file);
  }
  const bindingIds = new Set<string>();
  const assignments = new Set<string>();
  const rolesMissing = new Map<string, string[]>();
  const missingRole = (role: string, path: string) => rolesMissing.set(role, [...(rolesMissing.get(role) ?? []), path].sort());
  for (const path of [...unloaded].sort()) {
    const place = classify(path);
    const name = place.kind === 'grant' ? place.role! : '';
    const role = repo.roles.get(roleName(name));
    if (!role) {
      missingRole(name, path);
      continue;
    }
    for (const target of role.targets) {
      const ref = targetRefOf(target);
      if (target.kind === 'gcp') bindingIds.add(grantBindingId(grantId(path), ref, target.role));
      else if (target.strategy === 'iam') bindingIds.add(grantBindingId(grantId(path), ref, `arn:aws:iam::${target.account}:role/${target.roleName}`));
      else assignments.add(`${targetKey(ref)}|${target.permissionSetArn}`);
    }
  }
  for (const grant of repo.grants) if (!repo.roles.has(grant.role)) missingRole(grant.role, grant.id);
  const protectedFailures = sectionFailures(repo.policy, problems, 'apply');
  const protectedUnknown = [...new Set(protectedFailures.map((d) => `${d.file}:${d.start?.line ?? 1}:${d.start?.col ?? 1}`))];
  return {
    bindingIds, assignments, rolesMissing,
    ...(protectedUnknown.length > 0 ? { protectedUnknown } : {}),
    ...(standIns && standIns.roles.size > 0 ? { standIns: standInUses(repo, standIns, desired) } : {}),
    ...(standIns && standIns.unknown.size > 0 ? { unknownRoles: standIns.unknown } : {}),
  };
}

/** Per stand-in role: its targets, and the desired bindings its grants on main stand for. `repo` holds the stand-ins. */
function standInUses(repo: AccessRepo, standIns: StandIns, desired: readonly DesiredBinding[]): Map<string, StandInUse> {
  const uses = new Map<string, StandInUse>();
  for (const [name, standIn] of standIns.roles) {
    const grants = new Set<string>(repo.grants.filter((g) => g.role === name).map((g) => g.id));
    const bindings = new Map<string, Set<string>>();
    for (const b of desired) {
      if (!b.grants.some((g) => grants.has(g))) continue;
      const key = targetKey(b.target);
      bindings.set(key, new Set([...(bindings.get(key) ?? []), b.id]));
    }
    const targets = [...new Set(standIn.role.targets.map((t) => targetKey(targetRefOf(t))))].sort();
    uses.set(name, { path: standIn.path, commit: standIn.commit, targets, bindings });
  }
  return uses;
}

/**
 * The plan an invalid main may apply: removals only, minus those a grant file still on main may
 * stand for. `wanted` holds the ids of the bindings the loaded grants stand for (planned from
 * every grant that loaded, valid or not), whose other copies are changes, not removals.
 */
export function failSafePlan(plan: Plan, wanted: ReadonlySet<string>, uncertain: Uncertain, now: Instant): { plan: Plan; held: HeldBack } {
  let add = 0;
  let update = 0;
  let heldForFiles = 0;
  let heldForProtected = 0;
  const heldForRoles = new Map<string, number>();
  let heldAssignments = 0;
  const held = (role: string, target: TargetRef) => {
    if (isIdentityCenter(target)) heldAssignments++;
    else heldForRoles.set(role, (heldForRoles.get(role) ?? 0) + 1);
  };
  const changes = plan.changes.map((change): TargetChange => {
    add += change.add.length;
    update += change.update.length;
    const remove: ObservedBinding[] = [];
    for (const binding of change.remove) {
      // Access the cloud has already ended, or that gives none (inert), can always be cleaned up.
      const ended = binding.inert === true || (binding.window !== undefined && binding.window.expires <= now);
      const role = ended ? undefined : brokenRoleOf(change.target, binding, uncertain.rolesMissing);
      if (ended) remove.push(binding);
      // Unknown protected principals: this binding may be the automation's own access.
      else if (uncertain.protectedUnknown) heldForProtected++;
      else if (role !== undefined) held(role, change.target);
      else if (wanted.has(binding.id!) || uncertain.bindingIds.has(binding.id!) || uncertain.assignments.has(`${targetKey(change.target)}|${binding.permission}`)) heldForFiles++;
      else remove.push(binding);
    }
    const { blockedBy: _blocked, ...rest } = change;
    return { ...rest, add: [], update: [], remove, kept: (change.kept ?? 0) + change.update.length + (change.remove.length - remove.length) };
  });
  const reasons: string[] = [];
  if (heldForFiles > 0) reasons.push(`held back ${heldForFiles} removal${heldForFiles === 1 ? '' : 's'} of bindings that grant files still on main stand for: they stay as they are until main validates`);
  for (const [role, n] of [...heldForRoles].sort(([a], [b]) => compareText(a, b))) {
    reasons.push(`held back ${n} removal${n === 1 ? '' : 's'} of bindings that grants of role ${role} stand for (${uncertain.rolesMissing.get(role)!.join(', ')}): the role does not load, so they stay as they are until it does, unless the cloud has already ended them`);
  }
  if (heldForProtected > 0) {
    reasons.push(`held back ${heldForProtected} removal${heldForProtected === 1 ? '' : 's'}: the protected principals (apply.protected) did not load, so any removal could be of one; a removal goes ahead only where the cloud has already ended the access (fix ${uncertain.protectedUnknown!.join(', ')})`);
  }
  if (heldAssignments > 0) {
    const roles = [...uncertain.rolesMissing].map(([role, files]) => `role ${role} does not load (${files.join(', ')})`);
    reasons.push(`held back ${heldAssignments} Identity Center removal${heldAssignments === 1 ? '' : 's'}: ${roles.join('; ')}, and an assignment does not say which grant made it; it goes ahead once the role loads, or where the cloud has already ended the access`);
  }
  reasons.push(...standInReasons(plan, uncertain));
  const heldRemovals = heldForFiles + heldAssignments + heldForProtected + [...heldForRoles.values()].reduce((n, c) => n + c, 0);
  return { plan: { ...plan, changes }, held: { add, update, remove: heldRemovals, reasons } };
}

/**
 * Per role planned from its last loading version: where its targets came from, what was kept for
 * it and what held; and per role with no such version, that its targets were not read.
 */
function standInReasons(plan: Plan, uncertain: Uncertain): string[] {
  const reasons: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  for (const [name, use] of [...(uncertain.standIns ?? [])].sort(([a], [b]) => compareText(a, b))) {
    let kept = 0;
    let held = 0;
    for (const change of plan.changes) {
      const ids = use.bindings.get(targetKey(change.target));
      if (!ids) continue;
      const added = change.add.filter((b) => ids.has(b.id)).length;
      held += added + change.update.filter((u) => ids.has(u.to.id)).length;
      if (plan.online) kept += ids.size - added;
    }
    reasons.push(
      `role ${name} does not load: its targets (${use.targets.join(', ')}) were ${plan.online ? 'read' : 'planned'} as its last version on main that loads names them (${use.path} at ${use.commit.slice(0, 12)}); `
      + `kept ${plural(kept, 'binding its grants on main stand for as it is', 'bindings its grants on main stand for as they are')}, held back ${plural(held, 'addition or change', 'additions or changes')} for it; removals of its deleted or expired grants go ahead`,
    );
  }
  for (const [name, why] of [...(uncertain.unknownRoles ?? [])].sort(([a], [b]) => compareText(a, b))) reasons.push(unknownRoleReason(name, why));
  return reasons;
}

function isIdentityCenter(target: TargetRef): boolean {
  return target.provider === 'aws' && target.strategy === 'identity-center';
}

/**
 * The role that does not load whose grant file on main this binding may stand for, if any.
 * GCP and AWS IAM ids are computed from the grant's path, the target and the permission, so the
 * binding's own target and permission settle it exactly. An Identity Center assignment's id names
 * no grant: any role that does not load may stand for it.
 */
function brokenRoleOf(target: TargetRef, binding: ObservedBinding, rolesMissing: ReadonlyMap<string, readonly string[]>): string | undefined {
  for (const [role, files] of [...rolesMissing].sort(([a], [b]) => compareText(a, b))) {
    if (isIdentityCenter(target)) return role;
    if (files.some((file) => grantBindingId(grantId(file), target, binding.permission) === binding.id)) return role;
  }
  return undefined;
}

/** The run's headline, for people (plain text). */
export function heldHeadline(held: HeldBack): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `the repository does not validate: additions and changes are held back (${count(held.add, 'addition')}, ${count(held.update, 'change')}); removals still apply`;
}
