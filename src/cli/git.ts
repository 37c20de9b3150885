/** The git questions the CLI asks: which files changed since a ref. */
import { execFileSync } from 'node:child_process';
import { CommandFailure, UsageError } from './io.js';

export function git(repo: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(error);
    throw new CommandFailure(`git ${args[0]} failed: ${stderr}`, 'run it inside a git checkout of the access repo');
  }
}

/** Files added, modified or deleted since `ref` (committed or not), plus untracked files. */
export function changedFilesSince(repo: string, ref: string): { changed: string[]; deleted: string[] } {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, stdio: 'ignore' });
  } catch {
    throw new UsageError(`--changed-since ${ref} is not a commit in this repository`, 'fetch it first (e.g. git fetch origin main) or name another ref');
  }
  const base = git(repo, ['merge-base', ref, 'HEAD']).trim() || ref;
  const changed = new Set<string>();
  const deleted = new Set<string>();
  // -z: paths exactly as stored, never quoted (a quoted non-ASCII name would match no file and
  // leave a hostile grant name unvalidated).
  const fields = git(repo, ['diff', '-z', '--name-status', '--no-renames', base]).split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status, path] = [fields[i]!, fields[i + 1]!];
    if (!status || !path) continue;
    (status.startsWith('D') ? deleted : changed).add(path);
  }
  for (const path of git(repo, ['ls-files', '-z', '--others', '--exclude-standard']).split('\0')) if (path) changed.add(path);
  return { changed: [...changed].sort(), deleted: [...deleted].sort() };
}

/** One entry of a git tree, as `git ls-tree` shows it. */
export interface TreeEntry {
  /** `100644`/`100755` regular file, `120000` symbolic link, `160000` submodule. */
  mode: string;
  oid: string;
  path: string;
}

/** Whether `rev` names a commit whose objects are in this repository (e.g. a fetched PR head). */
export function hasCommit(repo: string, rev: string): boolean {
  try {
    execFileSync('git', ['cat-file', '-e', `${rev}^{commit}`], { cwd: repo, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every entry under `folders` of a commit or tree, with its mode; nothing is checked out. */
export function treeEntries(repo: string, treeish: string, folders: readonly string[]): TreeEntry[] {
  const listing = git(repo, ['ls-tree', '-r', '-z', '--full-tree', treeish, '--', ...folders]);
  return listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', , oid = ''] = line.slice(0, tab).split(' ');
      return { mode, oid, path: line.slice(tab + 1) };
    });
}

/** The contents of blobs, read in one `git cat-file --batch`; keyed by object id. */
export function readBlobs(repo: string, oids: readonly string[]): Map<string, Uint8Array> {
  const blobs = new Map<string, Uint8Array>();
  if (oids.length === 0) return blobs;
  const output = execFileSync('git', ['cat-file', '--batch'], { cwd: repo, input: oids.join('\n') + '\n', maxBuffer: 256 * 1024 * 1024 });
  let at = 0;
  while (at < output.length) {
    const newline = output.indexOf(0x0a, at);
    const [oid = '', type = '', size = ''] = output.subarray(at, newline).toString('utf8').split(' ');
    if (type !== 'blob') throw new CommandFailure(`git cat-file: ${oid} is ${type || 'missing'}, not a file`, 'fetch the pull request head again');
    const start = newline + 1;
    blobs.set(oid, new Uint8Array(output.subarray(start, start + Number(size))));
    at = start + Number(size) + 1;
  }
  return blobs;
}

/**
 * The tree GitHub's merge of `head` into `base` would have, computed from objects only
 * (`git merge-tree --write-tree`, git 2.38+): no working tree, no hooks, nothing of the PR runs.
 */
export function mergeTree(repo: string, base: string, head: string): string {
  try {
    return execFileSync('git', ['merge-tree', '--write-tree', '--no-messages', base, head], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 1) throw new CommandFailure(`the pull request head ${head.slice(0, 12)} conflicts with ${base}`, 'rebase the pull request on main; the gate judges it once it merges cleanly');
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(error);
    throw new CommandFailure(`git merge-tree failed: ${stderr}`, 'the runner needs git 2.38 or later and the history of main (checkout with fetch-depth: 0)');
  }
}
