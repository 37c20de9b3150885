/** Reading a pull request: what the gate and the PR comment need, every list fully paginated. */
import type { GitHubClient } from './client.js';
import type { FileStatus, GitHubUser, PullRequest, PullRequestCommit, PullRequestFile, RepoRef, Review, ReviewDismissal, ReviewState } from '../../core/gate/github-types.js';

export interface PullRequestReader {
  pull(number: number): Promise<PullRequest>;
  files(number: number): Promise<PullRequestFile[]>;
  reviews(number: number): Promise<Review[]>;
  commits(number: number): Promise<PullRequestCommit[]>;
  /**
   * Who dismissed which review, from the `review_dismissed` events of the PR's timeline (readable
   * with the pull requests permission the gate's and apply's tokens have). Throws
   * `TimelineTruncated` when the timeline has more events than are read.
   */
  dismissals(number: number): Promise<ReviewDismissal[]>;
}

/** Pages of 100 timeline events read per PR: a grant PR with more than 1,000 is judged closed. */
export const MAX_TIMELINE_PAGES = 10;

/** The PR's timeline has more events than gitgrant reads: a dismissal among the rest would go unseen. */
export class TimelineTruncated extends Error {
  constructor(readonly read: number) {
    super(`the pull request's timeline has more than ${read} events, and gitgrant reads ${read}`);
    this.name = 'TimelineTruncated';
  }
}

export function octokitPullRequestReader(octokit: GitHubClient, repo: RepoRef): PullRequestReader {
  return {
    async pull(number) {
      const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
      return {
        number: data.number,
        title: data.title,
        body: data.body ?? '',
        author: toUser(data.user),
        headSha: data.head.sha,
        headRef: data.head.ref,
        baseRef: data.base.ref,
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: data.merged,
        url: data.html_url,
        changedFiles: data.changed_files,
        commitCount: data.commits,
      };
    },
    async files(number) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: number, per_page: 100 });
      return files.map((f) => ({
        path: f.filename,
        status: f.status as FileStatus,
        ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      }));
    },
    async reviews(number) {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 });
      return reviews.map((r) => ({
        id: r.id,
        ...(r.user ? { user: toUser(r.user) } : {}),
        state: r.state as ReviewState,
        ...(r.commit_id ? { commitId: r.commit_id } : {}),
        ...(r.submitted_at ? { submittedAt: Date.parse(r.submitted_at) } : {}),
      }));
    },
    async dismissals(number) {
      const found: ReviewDismissal[] = [];
      let pages = 0;
      const events = octokit.paginate.iterator(octokit.rest.issues.listEventsForTimeline, { ...repo, issue_number: number, per_page: 100 });
      for await (const { data, headers } of events) {
        pages += 1;
        for (const event of data) {
          if (event.event !== 'review_dismissed' || !('dismissed_review' in event) || !event.dismissed_review) continue;
          const { review_id: reviewId, state } = event.dismissed_review;
          found.push({ reviewId, by: toUser('actor' in event ? event.actor : undefined), previousState: state.toUpperCase() });
        }
        // Oldest first: the events left unread are the latest ones, where a dismissal is likeliest.
        if (pages >= MAX_TIMELINE_PAGES && /\brel="next"/.test(headers.link ?? '')) throw new TimelineTruncated(pages * 100);
      }
      return found;
    },
    async commits(number) {
      const commits = await octokit.paginate(octokit.rest.pulls.listCommits, { ...repo, pull_number: number, per_page: 100 });
      return commits.map((c) => ({
        sha: c.sha,
        message: c.commit.message,
        ...(c.author?.login ? { authorLogin: c.author.login } : {}),
        ...(c.committer?.login ? { committerLogin: c.committer.login } : {}),
        ...(c.commit.author?.email ? { authorEmail: c.commit.author.email } : {}),
        ...(c.commit.committer?.email ? { committerEmail: c.commit.committer.email } : {}),
      }));
    },
  };
}

export function toUser(user: { login: string; type: string } | null | undefined): GitHubUser {
  // A deleted account shows as GitHub's "ghost" user; it can never approve anything.
  return user ? { login: user.login, type: user.type } : { login: 'ghost', type: 'User' };
}

/** An open pull request whose head is a given commit: where it goes and where the head was pushed. */
export interface PullAtHead {
  number: number;
  base: string;
  /** `owner/name` of the head's repository (a fork for outside contributors); absent when GitHub no longer knows it. */
  headRepo?: string;
}

/**
 * Every open pull request whose head is exactly `sha`, into any base branch and from any head
 * repository: GitHub shows a commit's check runs on all of them, so the gate must know them all.
 * Found through the API from the commit alone: a branch name from an untrusted run is never used.
 */
export async function openPullsAtHead(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<PullAtHead[]> {
  const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', per_page: 100 });
  return pulls
    .filter((pull) => pull.head.sha === sha)
    .map((pull) => ({ number: pull.number, base: pull.base.ref, ...(pull.head.repo ? { headRepo: pull.head.repo.full_name } : {}) }))
    .sort((a, b) => a.number - b.number);
}
