/**
 * The one classifier of repository paths. The loader reads, `validate` reports, the gate judges and
 * the planner applies by what this says a path is, so they cannot disagree about which files are
 * grants (issue 9, finding 2: a grant named `.yaml` was loaded and applied but never judged).
 *
 * Pure: a path and, when the caller knows it, the git file mode. GitHub's pull request files API
 * has no modes; a reader of git trees (`git ls-tree`, the trusted gate) has them and passes them.
 *
 * The rules, in one place:
 * - Only a grant file is not policy-owned. A grant file is `grants/<role>/<name>.yaml` (or `.yml`),
 *   a regular file, `<role>` a role name (lower-case letters, digits, dashes) and `<name>` lower-case
 *   letters, digits, `.`, `_` and `-`, starting with a letter or digit. Everything else in the
 *   repository (roles, policies, schemas, hr/, .github/, code, build files, docs, notes in grants/)
 *   is approved by the policy owners: an allowlist, not a list of sensitive folders.
 * - A file under grants/ that is not a loadable grant file (wrong name, case or depth) is refused
 *   with a diagnostic at `path:1:1`; so are non-regular files (symbolic links, submodules) anywhere
 *   in policies/, roles/, grants/, hr/ and .github/, and paths that are not plain (`..`, `.`, empty
 *   segments, backslashes, control characters).
 * - A deleted grant file is a revocation and needs no approval. A rename is the deletion of the old
 *   path and the addition of the new one, judged like any new grant (by the new role's owners).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** A git tree entry's mode: `100644` and `100755` are regular files, `120000` a symbolic link, `160000` a submodule. */
export type GitMode = string;

export type RefusalCode = 'FILE_NOT_REGULAR' | 'FILE_NAME_INVALID' | 'FILE_MISPLACED' | 'PATH_INVALID';

export interface Refusal {
  kind: 'refused';
  code: RefusalCode;
  reason: string;
  hint: string;
}

export type RepoPath =
  /** Loaded as a grant of `role`; the role's owners approve it. */
  | { kind: 'grant'; role: string; name: string }
  /** Loaded as a role (`roles/<name>.yaml`). */
  | { kind: 'role'; name: string }
  /** Loaded as part of the policy (`policies/<name>.yaml`). */
  | { kind: 'policy'; name: string }
  /** README.md or .gitkeep inside policies/, roles/ or grants/: not loaded, never an error. */
  | { kind: 'note' }
  | { kind: 'schema' }
  | { kind: 'hr' }
  /** Workflows, CODEOWNERS, issue forms: what runs with credentials and who reviews. */
  | { kind: 'github' }
  /** Code, build and package files, docs, anything else. */
  | { kind: 'other' }
  | Refusal;

/** Folders where only regular files may be: the loader, `validate` and the gate refuse anything else. */
export const REGULAR_ONLY_FOLDERS = ['policies', 'roles', 'grants', 'hr', '.github'] as const;

/** The folders the loader reads access files from. */
export const ACCESS_FOLDERS = ['policies', 'roles', 'grants'] as const;

const ROLE_FOLDER = /^[a-z0-9][a-z0-9-]{0,62}$/;
const GRANT_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const YAML = /\.ya?ml$/;
const NOTE = /^(README\.md|\.gitkeep)$/i;
/** C0 and C1 controls, DEL, zero-width and bidi controls: never part of a name anyone reviews. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

const GRANT_PLACE = 'a grant lives at grants/<role>/<name>.yaml';
const GRANT_NAME_RULE = 'a grant file is named <name>.yaml or <name>.yml, <name> being lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit';
const ROLE_FOLDER_RULE = 'the folder of a grant is its role\'s name: lower-case letters, digits and dashes';

export function isRegularMode(mode: GitMode): boolean {
  return mode === '100644' || mode === '100755';
}

function modeWord(mode: GitMode): string {
  if (mode === '120000') return 'symbolic link';
  if (mode === '160000') return 'submodule';
  if (mode === '040000' || mode === '40000') return 'folder';
  return `file of mode ${mode}`;
}

function refused(code: RefusalCode, reason: string, hint: string): Refusal {
  return { kind: 'refused', code, reason, hint };
}

/** A non-regular entry (from a git mode or from `lstat`) where only regular files may be. */
export function notRegular(what: string): Refusal {
  return refused('FILE_NOT_REGULAR', `${what} where only regular files are allowed`, 'replace it with the file itself; gitgrant never follows links');
}

export function classifyPath(path: string, mode?: GitMode): RepoPath {
  const parts = path.split('/');
  if (path === '' || UNSAFE.test(path) || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    return refused('PATH_INVALID', 'not a plain repository path (empty, `.` or `..` segments, backslashes or control characters)', 'rename it');
  }
  const top = parts[0]!;
  if (mode !== undefined && !isRegularMode(mode)) {
    return (REGULAR_ONLY_FOLDERS as readonly string[]).includes(top) ? notRegular(modeWord(mode)) : { kind: 'other' };
  }
  switch (top) {
    case 'grants':
      return grantPath(parts);
    case 'roles':
    case 'policies':
      return rulePath(top, parts);
    case 'schemas':
      return { kind: 'schema' };
    case 'hr':
      return { kind: 'hr' };
    case '.github':
      return { kind: 'github' };
    default:
      return { kind: 'other' };
  }
}

function grantPath(parts: string[]): RepoPath {
  const base = parts[parts.length - 1]!;
  if (parts.length === 1) return refused('FILE_MISPLACED', 'grants/ must be a folder', 'move or delete it');
  if (!YAML.test(base)) return NOTE.test(base) ? { kind: 'note' } : refused('FILE_MISPLACED', 'only .yaml or .yml files belong here', 'move or delete it');
  if (parts.length !== 3) return refused('FILE_MISPLACED', GRANT_PLACE, 'move or delete it');
  const role = parts[1]!;
  if (!ROLE_FOLDER.test(role)) return refused('FILE_NAME_INVALID', ROLE_FOLDER_RULE, 'move it into the folder named after its role');
  const name = base.replace(YAML, '');
  if (!GRANT_NAME.test(name)) return refused('FILE_NAME_INVALID', GRANT_NAME_RULE, 'rename it, e.g. alice-inc-1234.yaml');
  return { kind: 'grant', role, name };
}

function rulePath(top: 'roles' | 'policies', parts: string[]): RepoPath {
  const base = parts[parts.length - 1]!;
  if (parts.length === 1) return refused('FILE_MISPLACED', `${top}/ must be a folder`, 'move or delete it');
  if (!YAML.test(base)) return NOTE.test(base) ? { kind: 'note' } : refused('FILE_MISPLACED', 'only .yaml or .yml files belong here', 'move or delete it');
  if (parts.length !== 2) return refused('FILE_MISPLACED', `${top}/ holds files directly, without subfolders`, 'move or delete it');
  // Role and policy names are checked where they are read (ROLE_NAME_INVALID); these files are policy-owned anyway.
  const name = base.replace(YAML, '');
  return top === 'roles' ? { kind: 'role', name } : { kind: 'policy', name };
}

/** Everything but a loadable grant file is the policy owners' to approve. */
export function isPolicyOwned(kind: RepoPath): boolean {
  return kind.kind !== 'grant';
}

/** The kind of access file the loader makes of this path, if any. */
export function loadsAs(kind: RepoPath): 'grant' | 'role' | 'policy' | undefined {
  return kind.kind === 'grant' || kind.kind === 'role' || kind.kind === 'policy' ? kind.kind : undefined;
}

/** A grant id (`grants/<role>/<name>.yaml`) that is a loadable grant file of `role`. */
export function isGrantPathOf(path: string, role: string): boolean {
  const kind = classifyPath(path);
  return kind.kind === 'grant' && kind.role === role;
}

/** The summary `validate` and the gate print for a refused path; the message names the rule broken. */
export function refusalSummary(refusal: Refusal): string {
  return refusal.code === 'FILE_MISPLACED' ? `file is not where gitgrant reads access files: ${refusal.reason}` : refusal.reason;
}

export function refusalDiagnostic(path: string, refusal: Refusal): Diagnostic {
  return { severity: 'error', code: refusal.code, summary: refusalSummary(refusal), hint: refusal.hint, file: path, start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
}
