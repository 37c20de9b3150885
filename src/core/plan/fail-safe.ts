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
 * - When a grant's role does not load, its bindings cannot be told apart from any other's, so
 *   only removals the cloud has already ended go ahead, on every target.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { classify } from '../model/repo-files.js';
import { grantId, roleName, type AccessRepo, type Instant } from '../model/types.js';
import { grantBindingId } from './binding-id.js';
import { targetRefOf } from './desired.js';
import { targetKey, type ObservedBinding, type Plan, type TargetChange } from './types.js';

/** What a main that does not validate leaves uncertain. */
export interface Uncertain {
  /** Binding ids a grant file that does not load may stand for (GCP and AWS IAM ids name their grant). */
  bindingIds: ReadonlySet<string>;
  /** `targetKey|permission` of Identity Center assignments a broken grant file may stand for (their id names no grant). */
  assignments: ReadonlySet<string>;
  /** Roles that do not load but have grant files on main, with those files. */
  rolesMissing: ReadonlyMap<string, readonly string[]>;
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
export function uncertainOf(repo: AccessRepo, problems: readonly Diagnostic[]): Uncertain {
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
  return { bindingIds, assignments, rolesMissing };
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
  let heldForRoles = 0;
  const changes = plan.changes.map((change): TargetChange => {
    add += change.add.length;
    update += change.update.length;
    const remove: ObservedBinding[] = [];
    for (const binding of change.remove) {
      // Access the cloud has already ended can always be cleaned up.
      const ended = binding.window !== undefined && binding.window.expires <= now;
      if (ended) remove.push(binding);
      else if (uncertain.rolesMissing.size > 0) heldForRoles++;
      else if (wanted.has(binding.id!) || uncertain.bindingIds.has(binding.id!) || uncertain.assignments.has(`${targetKey(change.target)}|${binding.permission}`)) heldForFiles++;
      else remove.push(binding);
    }
    const { blockedBy: _blocked, ...rest } = change;
    return { ...rest, add: [], update: [], remove, kept: (change.kept ?? 0) + change.update.length + (change.remove.length - remove.length) };
  });
  const reasons: string[] = [];
  if (heldForFiles > 0) reasons.push(`held back ${heldForFiles} removal${heldForFiles === 1 ? '' : 's'} of bindings that grant files still on main stand for: they stay as they are until main validates`);
  if (heldForRoles > 0) {
    const roles = [...uncertain.rolesMissing].map(([role, files]) => `role ${role} does not load, so the bindings of its grants cannot be told apart from the rest (${files.join(', ')})`);
    reasons.push(`held back ${heldForRoles} removal${heldForRoles === 1 ? '' : 's'}: ${roles.join('; ')}; a removal goes ahead only where the cloud has already ended the access`);
  }
  return { plan: { ...plan, changes }, held: { add, update, remove: heldForFiles + heldForRoles, reasons } };
}

/** The run's headline, for people (plain text). */
export function heldHeadline(held: HeldBack): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `the repository does not validate: additions and changes are held back (${count(held.add, 'addition')}, ${count(held.update, 'change')}); removals still apply`;
}
