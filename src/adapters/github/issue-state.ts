/** Issues as a ticket source: a grant whose ticket issue is closed is due for revocation. */
import type { GitHubClient } from './client.js';
import type { TicketSource } from '../../core/jobs/tickets.js';
import { parseIssueRef } from './repo-ref.js';
import type { IssueRef, IssueStatus, RepoRef } from '../../core/gate/github-types.js';

export interface IssueState {
  status(issue: IssueRef): Promise<IssueStatus>;
}

export function octokitIssueState(octokit: GitHubClient): IssueState {
  return {
    async status(issue) {
      try {
        const { data } = await octokit.rest.issues.get({ owner: issue.owner, repo: issue.repo, issue_number: issue.number });
        if (data.state !== 'closed') return { state: 'open' };
        return { state: 'closed', ...(data.closed_at ? { closedAt: Date.parse(data.closed_at) } : {}) };
      } catch (error) {
        // Deleted or transferred away (404/410): reported so the sweep can raise a finding, not guess.
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 410) return { state: 'not-found' };
        throw error;
      }
    },
  };
}

/** `#123` and `owner/repo#123` are GitHub issues; `#123` lives in the access repo itself. */
export function gitHubTicketSource(issues: IssueState, home: RepoRef): TicketSource {
  return {
    async status(ticket) {
      const ref = parseIssueRef(ticket, home);
      return ref ? issues.status(ref) : undefined;
    },
  };
}
