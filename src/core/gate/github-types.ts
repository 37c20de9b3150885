/**
 * The GitHub facts gitgrant works with, in its own words: plain data, independent of Octokit's
 * generated types, so the pure gate and its tests never import an HTTP client.
 */
import type { Instant } from '../model/types.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  number: number;
}

export interface GitHubUser {
  login: string;
  /** `User`, `Bot` or `Organization`, as GitHub reports it. */
  type: string;
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  author: GitHubUser;
  /** The commit approvals must be given on to count. */
  headSha: string;
  headRef: string;
  baseRef: string;
  state: 'open' | 'closed';
  merged: boolean;
  url: string;
  /** How many files GitHub says the PR changes; its files API lists at most 3,000 of them. */
  changedFiles?: number;
  /** How many commits GitHub says the PR has; its commits API lists at most 250 of them. */
  commitCount?: number;
}

export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface PullRequestFile {
  path: string;
  status: FileStatus;
  /** For renames: where the file was before. */
  previousPath?: string;
  /**
   * The git mode at the head (`100644`, `120000` for a symbolic link...), when the reader knows it:
   * git trees have it, GitHub's pull request files API does not.
   */
  mode?: string;
}

export interface PullRequestCommit {
  sha: string;
  message: string;
  /** GitHub login of the commit's author, when GitHub could link it to an account. */
  authorLogin?: string;
  /** GitHub login of the commit's committer, when GitHub could link it to an account. */
  committerLogin?: string;
  /** The author's and committer's email as written in the commit: anyone can write any. */
  authorEmail?: string;
  committerEmail?: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  /** Absent for reviews by deleted accounts ("ghost"). */
  user?: GitHubUser;
  state: ReviewState;
  /** The head commit the review was given on; absent for very old reviews. */
  commitId?: string;
  submittedAt?: Instant;
}

/**
 * A dismissed review, as the PR's `review_dismissed` issue event records it: the reviews API then
 * shows only DISMISSED, not what the review said nor who dismissed it.
 */
export interface ReviewDismissal {
  reviewId: number;
  /** Who dismissed it: the event's actor (for a stale approval dismissed by a push, the pusher). */
  by: GitHubUser;
  /** The review's state before it was dismissed (`changes_requested` → CHANGES_REQUESTED). */
  previousState: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
  url: string;
}

export interface IssueStatus {
  state: 'open' | 'closed' | 'not-found';
  closedAt?: Instant;
}

/** The pull request that landed a commit, as the approval note records it. */
export interface LandedPullRequest {
  number: number;
  author: string;
  openedAt?: Instant;
  mergedBy?: string;
}
