/** Opening a PR from a branch someone already pushed (requests, HR standing access, expiry). */
import type { GitHubClient } from './client.js';
import type { RepoRef } from '../../core/gate/github-types.js';

export interface PullRequestDraft {
  /** Branch name in the same repository. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

export interface OpenedPullRequest extends PullRequestRef {
  created: boolean;
}

export interface PullRequestOpener {
  /** The open PR from branch `head` into `base`, if there is one. */
  findOpen(head: string, base: string): Promise<PullRequestRef | undefined>;
  /** Creates the PR, or updates title and body of the open one from the same branch. */
  openOrUpdate(draft: PullRequestDraft): Promise<OpenedPullRequest>;
  /** Comments first, so the reason is visible next to the close event. */
  close(number: number, comment: string): Promise<void>;
}

export function octokitPullRequestOpener(octokit: GitHubClient, repo: RepoRef): PullRequestOpener {
  const findOpen = async (head: string, base: string): Promise<PullRequestRef | undefined> => {
    const open = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', head: `${repo.owner}:${head}`, base, per_page: 100 });
    return open[0] && { number: open[0].number, url: open[0].html_url };
  };
  return {
    findOpen,
    async openOrUpdate(draft) {
      const existing = await findOpen(draft.head, draft.base);
      if (existing) {
        const { data } = await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, title: draft.title, body: draft.body });
        return { number: data.number, url: data.html_url, created: false };
      }
      const { data } = await octokit.rest.pulls.create({
        ...repo,
        head: draft.head,
        base: draft.base,
        title: draft.title,
        body: draft.body,
        ...(draft.draft ? { draft: true } : {}),
      });
      return { number: data.number, url: data.html_url, created: true };
    },
    async close(number, comment) {
      await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: comment });
      await octokit.rest.pulls.update({ ...repo, pull_number: number, state: 'closed' });
    },
  };
}
