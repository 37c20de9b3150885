/**
 * Issues gitgrant raises (exceptions, break-glass reviews), found again by a hidden fingerprint so
 * the same finding never opens two issues.
 */
import type { GitHubClient } from './client.js';
import { readFingerprint, withFingerprint } from '../../core/gate/markers.js';
import type { Issue, RepoRef } from '../../core/gate/github-types.js';

export interface IssueDraft {
  title: string;
  body: string;
  labels?: string[];
  assignees?: string[];
}

export interface TrackedIssue extends Issue {
  fingerprint?: string;
}

export interface IssueTracker {
  /** Every issue, open or closed, that carries `label`; pull requests are left out. */
  list(label: string): Promise<TrackedIssue[]>;
  /** The open issue with this fingerprint, else the most recently updated closed one. */
  findByFingerprint(fingerprint: string, options?: { label?: string }): Promise<TrackedIssue | undefined>;
  create(fingerprint: string, draft: IssueDraft): Promise<TrackedIssue>;
  /** Changes what is given; a new body keeps the issue's fingerprint. */
  update(issue: TrackedIssue, change: Partial<IssueDraft>): Promise<TrackedIssue>;
  comment(issueNumber: number, body: string): Promise<void>;
  /** Comments first (when given), so the reason is visible next to the close event. */
  close(issueNumber: number, options?: { comment?: string; reason?: 'completed' | 'not_planned' }): Promise<TrackedIssue>;
  reopen(issueNumber: number, options?: { comment?: string }): Promise<TrackedIssue>;
}

interface IssueData {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  labels: Array<string | { name?: string }>;
  assignees?: Array<{ login: string }> | null;
  html_url: string;
}

function toIssue(data: IssueData): TrackedIssue {
  const { text, fingerprint } = readFingerprint(data.body ?? '');
  return {
    number: data.number,
    title: data.title,
    body: text,
    state: data.state === 'closed' ? 'closed' : 'open',
    labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    assignees: (data.assignees ?? []).map((a) => a.login),
    url: data.html_url,
    ...(fingerprint ? { fingerprint } : {}),
  };
}

export function octokitIssueTracker(octokit: GitHubClient, repo: RepoRef): IssueTracker {
  /** Issues (not PRs) page by page, so a search can stop at the first page that answers it. */
  async function* issues(options: { label?: string; newestFirst?: boolean }): AsyncGenerator<TrackedIssue> {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...repo,
      state: 'all',
      per_page: 100,
      ...(options.newestFirst ? { sort: 'updated', direction: 'desc' } : {}),
      ...(options.label ? { labels: options.label } : {}),
    });
    for await (const page of pages) {
      for (const data of page.data) if (!data.pull_request) yield toIssue(data);
    }
  }

  return {
    async list(label) {
      const listed: TrackedIssue[] = [];
      for await (const issue of issues({ label })) listed.push(issue);
      return listed;
    },
    async findByFingerprint(fingerprint, options = {}) {
      let closed: TrackedIssue | undefined;
      for await (const issue of issues({ ...options, newestFirst: true })) {
        if (issue.fingerprint !== fingerprint) continue;
        if (issue.state === 'open') return issue;
        closed ??= issue;
      }
      return closed;
    },
    async create(fingerprint, draft) {
      const { data } = await octokit.rest.issues.create({
        ...repo,
        title: draft.title,
        body: withFingerprint(fingerprint, draft.body),
        ...(draft.labels ? { labels: draft.labels } : {}),
        ...(draft.assignees ? { assignees: draft.assignees } : {}),
      });
      return toIssue(data);
    },
    async update(issue, change) {
      if (change.body !== undefined && !issue.fingerprint) {
        throw new Error(`Issue #${issue.number} has no gitgrant fingerprint; refusing to rewrite a body gitgrant does not own.`);
      }
      const { data } = await octokit.rest.issues.update({
        ...repo,
        issue_number: issue.number,
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.body !== undefined ? { body: withFingerprint(issue.fingerprint!, change.body) } : {}),
        ...(change.labels ? { labels: change.labels } : {}),
        ...(change.assignees ? { assignees: change.assignees } : {}),
      });
      return toIssue(data);
    },
    async comment(issueNumber, body) {
      await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
    },
    async close(issueNumber, options = {}) {
      if (options.comment) await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: options.comment });
      const { data } = await octokit.rest.issues.update({
        ...repo,
        issue_number: issueNumber,
        state: 'closed',
        state_reason: options.reason ?? 'completed',
      });
      return toIssue(data);
    },
    async reopen(issueNumber, options = {}) {
      if (options.comment) await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: options.comment });
      const { data } = await octokit.rest.issues.update({ ...repo, issue_number: issueNumber, state: 'open' });
      return toIssue(data);
    },
  };
}
