/** Opening a PR from a branch someone already pushed (requests, HR standing access, expiry). */
import type { GitHubClient } from './client.js';
import type { RepoRef } from './types.js';

export interface PullRequestDraft {
  /** Branch name in the same repository. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
  created: boolean;
}

export interface PullRequestOpener {
  /** Creates the PR, or updates title and body of the open one from the same branch. */
  openOrUpdate(draft: PullRequestDraft): Promise<OpenedPullRequest>;
}

export function octokitPullRequestOpener(octokit: GitHubClient, repo: RepoRef): PullRequestOpener {
  return {
    async openOrUpdate(draft) {
      const open = await octokit.paginate(octokit.rest.pulls.list, {
        ...repo,
        state: 'open',
        head: `${repo.owner}:${draft.head}`,
        base: draft.base,
        per_page: 100,
      });
      const existing = open[0];
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
  };
}
