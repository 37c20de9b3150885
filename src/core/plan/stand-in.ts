/**
 * A role file that does not load, and the version of it that stands in for it. Pure: the history
 * of roles/ on main's first-parent line is an input (adapters/git/history.ts reads it).
 *
 * While a role does not load, where its grants' bindings live is unknown, and a target only it
 * names would not be read at all: its bindings there would be neither listed, kept visibly nor
 * removed, however long ago their grants were deleted or expired. Apply only ever planned from a
 * version of the role that loaded, so every binding gitgrant made for it lives on a target of one
 * of those versions: the newest one is the role as the cloud was last made to match. That version
 * stands in for the broken file to read targets and to tell which bindings its grants on main
 * stand for, never to add or change anything (plan/fail-safe.ts holds every addition while the
 * repository does not validate, and a broken role always leaves an error).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { History } from '../audit/history-types.js';
import { loadFile } from '../model/load-file.js';
import { parseYamlText } from '../model/yaml-reference.js';
import { compareText } from '../text/compare-text.js';
import { classify } from '../model/repo-files.js';
import { roleName, type AccessRepo, type Role } from '../model/types.js';

/** The newest version of a role on main that loads: the role as apply last planned from it. */
export interface StandIn {
  role: Role;
  /** The file as it was then (`roles/<name>.yaml`). */
  path: string;
  /** The first-parent commit of main that wrote that version. */
  commit: string;
}

export interface StandIns {
  /** Roles that do not load, by name, with the version that stands in for each. */
  roles: ReadonlyMap<string, StandIn>;
  /** Roles that do not load and have no version that stands in, with why, for people. */
  unknown: ReadonlyMap<string, string>;
}

export const NO_STAND_INS: StandIns = { roles: new Map(), unknown: new Map() };

/**
 * The names of the roles that do not load but matter: a role file with an error that left no role,
 * and every role a grant file on main is filed under (loaded or not) that is not loaded.
 */
export function brokenRoles(repo: AccessRepo, problems: readonly Diagnostic[]): string[] {
  const names = new Set<string>();
  for (const d of problems) {
    if (d.severity !== 'error' || d.file === undefined) continue;
    const place = classify(d.file);
    if (place.kind === 'role') names.add(place.name);
    if (place.kind === 'grant' && place.role !== undefined) names.add(place.role);
  }
  for (const grant of repo.grants) names.add(grant.role);
  return [...names].filter((name) => !repo.roles.has(roleName(name))).sort();
}

/**
 * For each name, the newest version in `history` (oldest commit first) that loads. A deletion is
 * not a version: the one before it is what was last planned from.
 */
export function standInsFrom(history: History, names: readonly string[], notFound: (name: string) => string): StandIns {
  const wanted = new Set(names);
  const roles = new Map<string, StandIn>();
  for (let i = history.commits.length - 1; i >= 0 && roles.size < wanted.size; i--) {
    const commit = history.commits[i]!;
    for (const change of commit.changes) {
      if (!change.newBlob) continue;
      const place = classify(change.path);
      if (place.kind !== 'role' || !wanted.has(place.name) || roles.has(place.name)) continue;
      const bytes = history.blobs.get(change.newBlob);
      const loaded = bytes === undefined ? undefined : loadFile(change.path, bytes, parseYamlText);
      if (loaded?.kind === 'role' && loaded.value && loaded.value.name === place.name) roles.set(place.name, { role: loaded.value, path: change.path, commit: commit.sha });
    }
  }
  const unknown = new Map<string, string>();
  for (const name of names) if (!roles.has(name)) unknown.set(name, notFound(name));
  return { roles, unknown };
}

/** The repo with each role that does not load replaced by the version that stands in for it. */
export function withStandIns(repo: AccessRepo, standIns: StandIns | undefined): AccessRepo {
  if (!standIns || standIns.roles.size === 0) return repo;
  const roles = new Map(repo.roles);
  for (const [name, standIn] of standIns.roles) if (!roles.has(roleName(name))) roles.set(roleName(name), standIn.role);
  return { ...repo, roles };
}

/** One line for people per role that does not load, saying where its targets were taken from, if anywhere. */
export function standInNotes(standIns: StandIns): string[] {
  const notes: string[] = [];
  for (const [name, standIn] of [...standIns.roles].sort(([a], [b]) => compareText(a, b))) {
    notes.push(`role ${name} does not load: its grants' bindings are looked for on the targets its last version on main that loads names (${standIn.path} at ${standIn.commit.slice(0, 12)})`);
  }
  for (const [name, why] of [...standIns.unknown].sort(([a], [b]) => compareText(a, b))) notes.push(unknownRoleReason(name, why));
  return notes;
}

export function unknownRoleReason(name: string, why: string): string {
  return `role ${name} does not load and ${why}, so the targets only it names were not read: fix the role, or check out main with its full history (fetch-depth: 0)`;
}
