/**
 * The repo a PR is judged by: roles and policies as they are on the base commit, grants as the PR
 * has them. A PR that loosens a role or a policy is judged by the rules it is trying to change.
 */
import type { RepoFile } from '../fs/read-repo.js';

const RULE_FOLDERS = ['policies/', 'roles/'];

export function isRuleFile(path: string): boolean {
  return RULE_FOLDERS.some((folder) => path.startsWith(folder));
}

export function judgedFiles(baseFiles: readonly RepoFile[], prFiles: readonly RepoFile[]): RepoFile[] {
  return [...baseFiles.filter((f) => isRuleFile(f.path)), ...prFiles.filter((f) => !isRuleFile(f.path))].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
}
