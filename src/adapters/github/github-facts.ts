/**
 * What only GitHub knows, read for the audit when a token is available (adapter): who approved
 * each grant PR and when, the break-glass post-incident review issues, and the exception issues
 * with their resolution. Read-only: every call is a GET.
 */
import pLimit from 'p-limit';
import type { GitHubClient } from './client.js';
import { readFingerprint } from '../../core/gate/markers.js';
import { octokitPullRequestReader } from './pull-requests.js';
import type { RepoRef } from '../../core/gate/github-types.js';
import type { ApprovalRecord } from '../../core/audit/approval-note.js';
import type { GitHubFacts, IssueFact } from '../../core/audit/audit-report.js';

export interface GitHubQuestions {
  prs: readonly number[];
  /** Paths of the break-glass grants whose review issues to find. */
  breakGlass: readonly string[];
  reviewLabel: string;
  exceptionLabel: string;
}

export interface GitHubAnswers {
  approvals: Map<number, ApprovalRecord>;
  facts: GitHubFacts;
}

const CONCURRENCY = 8;

export async function readGitHubFacts(octokit: GitHubClient, repo: RepoRef, questions: GitHubQuestions): Promise<GitHubAnswers> {
  const limit = pLimit(CONCURRENCY);
  const [approvals, reviews, exceptions] = await Promise.all([
    Promise.all(questions.prs.map((pr) => limit(async () => [pr, await approvalOf(octokit, repo, pr)] as const))),
    labelledIssues(octokit, repo, questions.reviewLabel),
    labelledIssues(octokit, repo, questions.exceptionLabel),
  ]);
  return {
    approvals: new Map(approvals),
    facts: { reviews: reviewsByGrant(reviews, questions.breakGlass), exceptions: exceptions.map(({ fact }) => fact) },
  };
}

async function approvalOf(octokit: GitHubClient, repo: RepoRef, pr: number): Promise<ApprovalRecord> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr });
  const reviews = await octokitPullRequestReader(octokit, repo).reviews(pr);
  // A reviewer's latest review is their verdict: an approval later dismissed or overturned does not count.
  const latest = new Map<string, (typeof reviews)[number]>();
  for (const review of reviews) if (review.user && review.state !== 'COMMENTED' && review.state !== 'PENDING') latest.set(review.user.login.toLowerCase(), review);
  return {
    pr,
    openedAt: Date.parse(data.created_at),
    author: data.user ? `@${data.user.login}` : undefined,
    mergedBy: data.merged_by ? `@${data.merged_by.login}` : undefined,
    approvers: [...latest.values()].filter((r) => r.state === 'APPROVED').map((r) => ({ login: `@${r.user!.login}`, at: r.submittedAt })),
  };
}

async function labelledIssues(octokit: GitHubClient, repo: RepoRef, label: string): Promise<{ fact: IssueFact; fingerprint?: string }[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', labels: label, per_page: 100 });
  return issues.filter((issue) => !issue.pull_request).map((issue) => ({
    fingerprint: readFingerprint(issue.body ?? '').fingerprint,
    fact: {
      number: issue.number,
      title: issue.title,
      state: issue.state === 'closed' ? 'closed' : 'open',
      url: issue.html_url,
      ...(issue.closed_at ? { closedAt: Date.parse(issue.closed_at) } : {}),
      ...(issue.state === 'closed' && issue.state_reason ? { resolution: issue.state_reason } : {}),
    },
  }));
}

/** The break-glass workflow fingerprints each review `break-glass:<actor>:<grant file name>`. */
function reviewsByGrant(issues: readonly { fact: IssueFact; fingerprint?: string }[], paths: readonly string[]): Map<string, IssueFact> {
  const byKey = new Map<string, IssueFact>();
  for (const { fact, fingerprint } of issues) {
    const key = fingerprint?.startsWith('break-glass:') ? fingerprint.slice(fingerprint.lastIndexOf(':') + 1) : undefined;
    if (key) byKey.set(key, fact);
  }
  const reviews = new Map<string, IssueFact>();
  for (const path of paths) {
    const key = (path.split('/').pop() ?? '').replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
    const fact = byKey.get(key);
    if (fact) reviews.set(path, fact);
  }
  return reviews;
}
