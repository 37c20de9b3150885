/**
 * How a use case proposes a change to the access repo: a commit on its own branch, pushed, and a
 * pull request from it. This is the applier: a dry run is never handed one.
 */
import type { OpenedPullRequest, PullRequestDraft } from '../adapters/github/pull-request-opener.js';

export interface BranchChange {
  branch: string;
  message: string;
  /** The repo-relative paths the change writes or deletes. */
  paths: string[];
  /** Writes (or deletes) the files, on the new branch. */
  write: () => void;
}

export interface BranchProposer {
  /** Commits the change on its own branch and pushes it; the checkout stays on the branch it was on. */
  pushBranch(change: BranchChange): void;
  openOrUpdate(draft: PullRequestDraft): Promise<OpenedPullRequest>;
}
