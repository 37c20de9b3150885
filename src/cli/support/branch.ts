/** Changes the CLI proposes by pull request: committed on their own branch and pushed to `origin`. */
import { git } from './git.js';

export interface BranchChange {
  branch: string;
  message: string;
  /** The repo-relative paths the change writes or deletes. */
  paths: string[];
  /** Writes (or deletes) the files, on the new branch. */
  write: () => void;
}

/**
 * Commits the change on its own branch and pushes it, leaving the person's checkout on the branch
 * it was on. A failed attempt removes the branch again, so running the same command twice works.
 */
export function pushChangeBranch(root: string, change: BranchChange): void {
  const previous = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
  const back = () => {
    if (previous !== 'HEAD') git(root, ['switch', '-q', previous]);
  };
  git(root, ['switch', '-q', '-c', change.branch]);
  try {
    change.write();
    git(root, ['add', '-A', '--', ...change.paths]);
    git(root, ['commit', '-q', '-m', change.message, '--', ...change.paths]);
    git(root, ['push', '-q', 'origin', `${change.branch}:refs/heads/${change.branch}`]);
  } catch (error) {
    back();
    git(root, ['branch', '-q', '-D', change.branch]);
    throw error;
  }
  back();
}
