/**
 * Reads the access files of a repository from disk. The only file-system code of the model:
 * everything after it works on bytes.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export interface RepoFile {
  path: string;
  bytes: Uint8Array;
}

const TOP_FOLDERS = ['policies', 'roles', 'grants'] as const;

/**
 * `include` narrows which repo-relative paths are read (for `--changed-since`); it is also asked
 * about each `grants/<role>/` folder, as that path with a trailing slash.
 */
export function readRepoFiles(root: string, include?: (path: string) => boolean): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const files: RepoFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const realRoot = realpathSync(root);
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        // A narrowed read (--changed-since) does not even list the grant folders of other roles.
        if (dir === 'grants' && include && !include(`${path}/`)) continue;
        if (depth < 3) walk(path, depth + 1);
        else diagnostics.push(problem(path, 'FILE_MISPLACED', 'folder is nested too deep to hold access files', 'grants live at grants/<role>/<name>.yaml'));
        continue;
      }
      if (include && !include(path)) continue;
      const absolute = join(root, path);
      if (entry.isSymbolicLink()) {
        const target = safeRealpath(absolute);
        // A link out of the repo would let a PR make gitgrant read (and echo) any file on the runner.
        if (!target || !isInside(realRoot, target)) {
          diagnostics.push(problem(path, 'FILE_SYMLINK_OUTSIDE_REPO', 'symbolic link points outside the repository', 'replace the link with the file itself'));
          continue;
        }
        if (!statSync(target).isFile()) continue;
      } else if (!entry.isFile() && !lstatSync(absolute).isFile()) continue;
      files.push({ path, bytes: readFileSync(absolute) });
    }
  };
  for (const top of TOP_FOLDERS) walk(top, 1);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
}

function problem(file: string, code: string, summary: string, hint: string): Diagnostic {
  return { severity: 'error', code, summary, hint, file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
}
