/**
 * Reads the access files of a repository from disk. The only file-system code of the model:
 * everything after it works on bytes.
 *
 * Nothing is followed: a symbolic link (or any other non-regular entry) in policies/, roles/,
 * grants/, hr/ or .github/ is refused with a diagnostic and never read. A link would let one grant's
 * edit silently rewrite another role's grant that links to it, approved only by the first role's
 * owners (issue 9, finding 4); a link out of the repo would let a PR make gitgrant read any file
 * on the runner.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { ACCESS_FOLDERS, notRegular, refusalDiagnostic, REGULAR_ONLY_FOLDERS } from '../../core/model/repo-paths.js';

export interface RepoFile {
  path: string;
  bytes: Uint8Array;
}

/** Folders whose entries are checked for type but not read here (hr/ is read by the HR adapter). */
const CHECKED_ONLY = REGULAR_ONLY_FOLDERS.filter((f) => !(ACCESS_FOLDERS as readonly string[]).includes(f));
/** How deep the type check goes in hr/ and .github/; deeper folders are reported, not walked. */
const CHECK_DEPTH = 16;

/**
 * `include` narrows which repo-relative paths are read (for `--changed-since`); it is also asked
 * about each access folder (`roles/`, `grants/`) and each `grants/<role>/` folder, as that path
 * with a trailing slash, and a folder it turns down is not listed at all.
 */
export function readRepoFiles(root: string, include?: (path: string) => boolean): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const { paths, diagnostics } = listRepoFiles(root, include);
  const read = readListedFiles(root, paths);
  return { files: read.files, diagnostics: [...diagnostics, ...read.diagnostics] };
}

/** Reads listed paths, in their order. */
export function readListedFiles(root: string, paths: readonly string[]): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const files: RepoFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const bytes = readRegular(join(root, path));
    if (bytes) files.push({ path, bytes });
    else diagnostics.push(changedWhileRead(path));
  }
  return { files, diagnostics };
}

/** A file that turned into a link between listing and reading: refused, never followed. */
export function changedWhileRead(path: string): Diagnostic {
  return refusalDiagnostic(path, notRegular('entry that changed while it was read'));
}

/**
 * The regular files to read, sorted by path, and the refusals of everything else (links, pipes,
 * misplaced folders): the walk of `readRepoFiles` without the reading.
 */
export function listRepoFiles(root: string, include?: (path: string) => boolean): { paths: string[]; diagnostics: Diagnostic[] } {
  const paths: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const refuse = (path: string, what: string) => diagnostics.push(refusalDiagnostic(path, notRegular(what)));

  const walk = (dir: string, depth: number, read: boolean): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!read) {
          if (depth < CHECK_DEPTH) walk(path, depth + 1, false);
          else diagnostics.push(problem(path, 'FILE_MISPLACED', 'folder is nested too deep', 'flatten it'));
          continue;
        }
        // A narrowed read (--changed-since) does not even list the grant folders of other roles.
        if (dir === 'grants' && include && !include(`${path}/`)) continue;
        if (depth < 3) walk(path, depth + 1, true);
        else diagnostics.push(problem(path, 'FILE_MISPLACED', 'folder is nested too deep to hold access files', 'grants live at grants/<role>/<name>.yaml'));
        continue;
      }
      if (!entry.isFile()) {
        if (!read || !include || include(path)) refuse(path, kindOf(entry));
        continue;
      }
      if (!read || (include && !include(path))) continue;
      paths.push(path);
    }
  };

  for (const top of REGULAR_ONLY_FOLDERS) {
    let stat;
    try {
      stat = lstatSync(join(root, top));
    } catch {
      continue;
    }
    if (stat.isDirectory()) {
      const read = !CHECKED_ONLY.includes(top);
      // A narrowed read (policies only, or --changed-since) does not list the folders it cannot use.
      if (read && include && !include(`${top}/`)) continue;
      walk(top, 1, read);
    }
    else if (!stat.isFile()) refuse(top, kindOf(stat));
    else if ((ACCESS_FOLDERS as readonly string[]).includes(top)) diagnostics.push(problem(top, 'FILE_MISPLACED', `${top}/ must be a folder`, 'move or delete it'));
  }
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { paths, diagnostics };
}

/** Reads a file without following a link in its last component, should one appear after listing (undefined then). */
function readRegular(absolute: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw error;
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function kindOf(entry: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (entry.isSymbolicLink()) return 'symbolic link';
  if (entry.isFIFO()) return 'named pipe';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'device';
  return 'special file';
}

function problem(file: string, code: string, summary: string, hint: string): Diagnostic {
  return { severity: 'error', code, summary, hint, file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
}
