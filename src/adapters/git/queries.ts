/**
 * The git questions about one checkout: which files changed since a ref, what a commit's tree
 * holds, the contents of blobs, the tree of a merge. Objects only: nothing here checks out,
 * builds or runs anything of the commits it reads (the gate reads pull request heads this way).
 */
import { catFileSync, GitError, GitObjectError, gitExitAsync, gitSucceeds, gitText, gitTextAsync, revisionArgs } from './run.js';

/** A revision a person or a payload named is not a commit here; the CLI says which flag it came from. */
export class UnknownRevisionError extends GitError {
  constructor(readonly revision: string) {
    super(`${revision} is not a commit in this repository`, 'fetch it first (e.g. git fetch origin main) or name another ref');
  }
}

/** Whether `rev` names a commit whose objects are in this repository (e.g. a fetched PR head). */
export function hasCommit(repo: string, rev: string): boolean {
  return gitSucceeds(repo, ['cat-file', '-e', ...revisionArgs(`${rev}^{commit}`)]);
}

/** The full commit id `rev` names; `UnknownRevisionError` when it names no commit. */
export function commitOf(repo: string, rev: string): string {
  const sha = gitText(repo, ['rev-parse', '--verify', '--quiet', ...revisionArgs(`${rev}^{commit}`)], {}, () => new UnknownRevisionError(rev));
  return sha.trim();
}

/** Files added, modified or deleted since `ref` (committed or not), plus untracked files. */
export async function changedFilesSince(repo: string, ref: string): Promise<{ changed: string[]; deleted: string[] }> {
  // Two git processes, not four, side by side (each reads the index and scans the checkout, ~50 ms
  // on 10,000 files): `diff --merge-base` finds the merge base itself. Only when it fails (no such
  // commit, no common history, a git older than 2.30) are the separate questions asked, to say which.
  const diff = ['diff', '-z', '--name-status', '--no-renames'];
  const [merged, untracked] = await Promise.all([
    gitExitAsync(repo, [...diff, '--merge-base', ...revisionArgs(ref), '--']),
    gitTextAsync(repo, ['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  let listing: string;
  if (merged.status === 0) listing = merged.stdout.toString('utf8');
  else {
    const commit = commitOf(repo, ref);
    const base = gitText(repo, ['merge-base', ...revisionArgs(commit, 'HEAD')]).trim() || commit;
    listing = gitText(repo, [...diff, ...revisionArgs(base), '--']);
  }
  const changed = new Set<string>();
  const deleted = new Set<string>();
  // -z: paths exactly as stored, never quoted (a quoted non-ASCII name would match no file and
  // leave a hostile grant name unvalidated).
  const fields = listing.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status, path] = [fields[i]!, fields[i + 1]!];
    if (!status || !path) continue;
    (status.startsWith('D') ? deleted : changed).add(path);
  }
  for (const path of untracked.split('\0')) if (path) changed.add(path);
  return { changed: [...changed].sort(), deleted: [...deleted].sort() };
}

/** One entry of a git tree, as `git ls-tree` shows it. */
export interface TreeEntry {
  /** `100644`/`100755` regular file, `120000` symbolic link, `160000` submodule. */
  mode: string;
  oid: string;
  path: string;
}

/** Every entry under `folders` of a commit or tree, with its mode; nothing is checked out. */
export function treeEntries(repo: string, treeish: string, folders: readonly string[]): TreeEntry[] {
  const listing = gitText(repo, ['ls-tree', '-r', '-z', '--full-tree', ...revisionArgs(treeish), '--', ...folders]);
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
  return catFileSync(repo, oids, (oid, type) => new GitObjectError(`git cat-file: ${oid} is ${type || 'missing'}, not a file`, 'fetch the pull request head again', oid, type));
}

/**
 * The tree GitHub's merge of `head` into `base` would have, computed from objects only
 * (`git merge-tree --write-tree`, git 2.38+): no working tree, no hooks, nothing of the PR runs.
 */
export function mergeTree(repo: string, base: string, head: string): string {
  const args = ['merge-tree', '--write-tree', '--no-messages', ...revisionArgs(base, head)];
  return gitText(repo, args, {}, (exit) => {
    // 1 is a conflict, or (with something on stderr) a name git cannot merge: not the same message.
    if (exit.status === 1 && exit.stderr.trim() === '') return new GitError(`the pull request head ${head.slice(0, 12)} conflicts with ${base}`, 'rebase the pull request on main; the gate judges it once it merges cleanly');
    return new GitError(`git merge-tree failed: ${exit.stderr.trim().split('\n')[0] ?? ''}`, 'the runner needs git 2.38 or later and the history of main (checkout with fetch-depth: 0)');
  }).split('\n')[0]!.trim();
}
