/** Reading one issue with its author: request forms and the issue behind a bot-opened grant PR. */
import type { GitHubClient } from './client.js';
import { toUser } from './pull-requests.js';
import type { GitHubUser, Issue, RepoRef } from '../../core/gate/github-types.js';

export interface AuthoredIssue extends Issue {
  author: GitHubUser;
}

export interface IssueReader {
  /** Undefined when there is no such issue, or the number is a pull request. */
  issue(number: number): Promise<AuthoredIssue | undefined>;
}

export function octokitIssueReader(octokit: GitHubClient, repo: RepoRef): IssueReader {
  return {
    async issue(number) {
      try {
        const { data } = await octokit.rest.issues.get({ ...repo, issue_number: number });
        if (data.pull_request) return undefined;
        return {
          number: data.number,
          title: data.title,
          body: data.body ?? '',
          state: data.state === 'closed' ? 'closed' : 'open',
          labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
          assignees: (data.assignees ?? []).map((a) => a.login),
          url: data.html_url,
          author: toUser(data.user),
        };
      } catch (error) {
        if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 410) return undefined;
        throw error;
      }
    },
  };
}
