/**
 * The file system under an access repo's root, for `gitgrant init`. Nothing is followed: entries
 * are listed with lstat, and a write or removal whose path passes through a symbolic link is refused
 * (a link could point the write outside the repo).
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrgFolder } from '../../core/policy/org-init.js';
import { compareText } from '../../core/text/compare-text.js';

export class UnsafePathError extends Error {}

export function diskOrgFolder(root: string): OrgFolder {
  const absolute = (path: string): string => {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new UnsafePathError(`${path} is not a plain path`);
    // Every folder on the way must be a real folder (or not exist yet), never a link.
    for (let i = 1; i < parts.length; i++) {
      const stat = lstatSync(join(root, ...parts.slice(0, i)), { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) throw new UnsafePathError(`${parts.slice(0, i).join('/')} is not a folder (a link?): refusing to write through it`);
    }
    return join(root, ...parts);
  };
  return {
    entries(dir) {
      const top = lstatSync(join(root, dir), { throwIfNoEntry: false });
      if (!top) return [];
      if (!top.isDirectory()) return [{ path: dir, regular: false }];
      return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => !e.isDirectory())
        .map((e) => ({ path: `${dir}/${join(e.parentPath, e.name).slice(join(root, dir).length + 1).split('\\').join('/')}`, regular: e.isFile() }))
        .sort((a, b) => compareText(a.path, b.path));
    },
    read(path) {
      const file = absolute(path);
      const stat = lstatSync(file, { throwIfNoEntry: false });
      return stat?.isFile() ? readFileSync(file) : undefined;
    },
    write(path, text) {
      const file = absolute(path);
      const stat = lstatSync(file, { throwIfNoEntry: false });
      if (stat && !stat.isFile()) throw new UnsafePathError(`${path} exists and is not a regular file: refusing to write it`);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
    },
    remove(path) {
      rmSync(absolute(path), { force: true });
    },
  };
}
