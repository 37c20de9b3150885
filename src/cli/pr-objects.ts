/**
 * A pull request read as data: its files come from git objects fetched into the trusted checkout
 * (`git fetch origin <head sha>`), never from a working tree, so nothing of the PR is checked out,
 * built or run. Modes come with the listing: a symbolic link or a submodule is refused here, where
 * it can be seen, instead of being followed.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { judgedFiles } from '../github/commands/rules-from-base.js';
import type { RepoFile } from '../model/read-repo.js';
import { hasCommit, mergeTree, readBlobs, treeEntries } from './git.js';
import { CommandFailure } from './io.js';

const ACCESS_FOLDERS = ['policies', 'roles', 'grants'];
const REGULAR_FILE = new Set(['100644', '100755']);

/** The regular files under the access folders of a commit or tree; anything else is a finding. */
export function filesInTree(root: string, treeish: string): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const entries = treeEntries(root, treeish, ACCESS_FOLDERS);
  const regular = entries.filter((entry) => REGULAR_FILE.has(entry.mode));
  const blobs = readBlobs(root, [...new Set(regular.map((entry) => entry.oid))]);
  const files = regular.map((entry) => ({ path: entry.path, bytes: blobs.get(entry.oid)! }));
  const diagnostics = entries
    .filter((entry) => !REGULAR_FILE.has(entry.mode))
    .map((entry): Diagnostic => ({
      severity: 'error',
      code: 'FILE_NOT_REGULAR',
      summary: entry.mode === '120000' ? 'symbolic link: access files must be regular files' : `not a regular file (git mode ${entry.mode})`,
      hint: 'replace it with the file itself',
      file: entry.path,
      start: { line: 1, col: 1 },
      end: { line: 1, col: 1 },
    }));
  return { files, diagnostics };
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
