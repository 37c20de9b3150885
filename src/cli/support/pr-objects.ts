/**
 * A pull request read as data: its files come from git objects fetched into the trusted checkout
 * (`git fetch origin <head sha>`), never from a working tree, so nothing of the PR is checked out,
 * built or run. Modes come with the listing: a symbolic link or a submodule is refused here, where
 * it can be seen, instead of being followed.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { judgedFiles } from '../../adapters/github/rules-from-base.js';
import { loadRepoFromFiles, type LoadedRepo } from '../../adapters/fs/load-repo.js';
import { readRepoFiles, type RepoFile } from '../../adapters/fs/read-repo.js';
import { ACCESS_FOLDERS, classifyPath, isRegularMode, refusalDiagnostic, REGULAR_ONLY_FOLDERS } from '../../core/model/repo-paths.js';
import { hasCommit, mergeTree, readBlobs, treeEntries } from '../../adapters/git/queries.js';
import { git } from './git.js';
import { CommandFailure } from './io.js';

/**
 * The regular files under the access folders of a commit or tree. Every entry of the folders where
 * only regular files may be is judged by the one path classifier; what it refuses is a finding.
 */
export function filesInTree(root: string, treeish: string): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const entries = treeEntries(root, treeish, REGULAR_ONLY_FOLDERS);
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries.filter((e) => !isRegularMode(e.mode))) {
    const judged = classifyPath(entry.path, entry.mode);
    if (judged.kind === 'refused') diagnostics.push(refusalDiagnostic(entry.path, judged));
  }
  const loaded = entries.filter((e) => isRegularMode(e.mode) && (ACCESS_FOLDERS as readonly string[]).includes(e.path.split('/')[0]!));
  const blobs = readBlobs(root, [...new Set(loaded.map((entry) => entry.oid))]);
  return { files: loaded.map((entry) => ({ path: entry.path, bytes: blobs.get(entry.oid)! })), diagnostics };
}

/**
 * What the gate judges for a PR head: roles and policies from `baseRef` (the rules the PR may be
 * trying to change are not its own judge), grants from the merge of the head into `baseRef`, as
 * GitHub would merge it, computed from objects only.
 */
export function judgedFromObjects(root: string, baseRef: string, headSha: string): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  if (!hasCommit(root, headSha)) {
    throw new CommandFailure(`the pull request head ${headSha} is not in this repository`, `fetch it first, without checking it out: git fetch origin ${headSha}`);
  }
  const base = filesInTree(root, baseRef);
  const merged = filesInTree(root, mergeTree(root, baseRef, headSha));
  return { files: judgedFiles(base.files, merged.files), diagnostics: [...base.diagnostics, ...merged.diagnostics] };
}

/**
 * The repo a pull request is judged as. With `headSha`: the PR head read from git objects, merged
 * into the base in memory. Without it, everything comes from the working tree (local use), or with
 * `baseRef` the rules come from the base.
 */
export function judgedRepo(root: string, baseRef: string | undefined, headSha: string | undefined): LoadedRepo {
  if (headSha !== undefined) {
    const { files, diagnostics } = judgedFromObjects(root, baseRef ?? 'HEAD', headSha);
    return loadRepoFromFiles(files, diagnostics);
  }
  const { files, diagnostics } = readRepoFiles(root);
  if (baseRef === undefined) return loadRepoFromFiles(files, diagnostics);
  const base = ruleFilesAt(root, baseRef);
  return loadRepoFromFiles(judgedFiles(base.files, files), [...diagnostics, ...base.diagnostics]);
}

/** The rule files at `ref`, by their git modes: a symbolic link is refused, never read through. */
function ruleFilesAt(root: string, ref: string): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const listing = git(root, ['ls-tree', '-r', '-z', '--end-of-options', `${ref}^{commit}`, '--', 'policies', 'roles']);
  const files: RepoFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of listing.split('\0').filter(Boolean)) {
    const tab = entry.indexOf('\t');
    const [mode, , object] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    const kind = classifyPath(path, mode);
    if (kind.kind === 'refused') diagnostics.push(refusalDiagnostic(path, kind));
    else files.push({ path, bytes: new TextEncoder().encode(git(root, ['cat-file', 'blob', object!])) });
  }
  return { files, diagnostics };
}
