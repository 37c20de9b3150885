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
import type { GitHubApproval } from '../../core/audit/lifecycle.js';
import type { GitHubFacts, IssueFact } from '../../core/audit/audit-report.js';

export interface GitHubQuestions {
  prs: readonly number[];
  /**
   * The break-glass grants whose review issues to find: by the number the automation's commit names
   * (`review`) when it names one, else (uses from before that trailer) by the marker in issue bodies.
   */
  breakGlass: readonly { path: string; review?: number }[];
  reviewLabel: string;
  exceptionLabel: string;
}

export interface GitHubAnswers {
  /** Each PR's approvals, with the commit GitHub says it landed as (`merge_commit_sha` of a merged PR). */
  approvals: Map<number, GitHubApproval>;
  facts: GitHubFacts;
}

const CONCURRENCY = 8;

export async function readGitHubFacts(octokit: GitHubClient, repo: RepoRef, questions: GitHubQuestions): Promise<GitHubAnswers> {
  const limit = pLimit(CONCURRENCY);
  const numbers = [...new Set(questions.breakGlass.flatMap((q) => (q.review === undefined ? [] : [q.review])))];
  const [approvals, reviews, exceptions, named] = await Promise.all([
    Promise.all(questions.prs.map((pr) => limit(async () => [pr, await approvalOf(octokit, repo, pr)] as const))),
    labelledIssues(octokit, repo, questions.reviewLabel),
    labelledIssues(octokit, repo, questions.exceptionLabel),
    Promise.all(numbers.map((n) => limit(async () => [n, await issueByNumber(octokit, repo, n)] as const))),
  ]);
  return {
    approvals: new Map(approvals),
    facts: { reviews: reviewsByGrant(reviews, questions.breakGlass, new Map(named)), exceptions: exceptions.map(({ fact }) => fact) },
  };
}

async function approvalOf(octokit: GitHubClient, repo: RepoRef, pr: number): Promise<GitHubApproval> {
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
    ...(data.merged && data.merge_commit_sha ? { landed: data.merge_commit_sha } : {}),
  };
}

async function labelledIssues(octokit: GitHubClient, repo: RepoRef, label: string): Promise<{ fact: IssueFact; fingerprint?: string }[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', labels: label, per_page: 100 });
  return issues.filter((issue) => !issue.pull_request).map((issue) => ({ fingerprint: readFingerprint(issue.body ?? '').fingerprint, fact: issueFact(issue) }));
}

interface IssueData {
  number: number;
  title: string;
  state: string;
  html_url: string;
  closed_at: string | null;
  state_reason?: string | null;
}

function issueFact(issue: IssueData): IssueFact {
  return {
    number: issue.number,
    title: issue.title,
    state: issue.state === 'closed' ? 'closed' : 'open',
    url: issue.html_url,
    ...(issue.closed_at ? { closedAt: Date.parse(issue.closed_at) } : {}),
    ...(issue.state === 'closed' && issue.state_reason ? { resolution: issue.state_reason } : {}),
  };
}

/** The issue the automation's commit names, whatever its labels and body now say; undefined when it is gone. */
async function issueByNumber(octokit: GitHubClient, repo: RepoRef, issueNumber: number): Promise<IssueFact | undefined> {
  try {
    const { data } = await octokit.rest.issues.get({ ...repo, issue_number: issueNumber });
    return data.pull_request || data.number !== issueNumber ? undefined : issueFact(data);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410) return undefined;
    throw error;
  }
}

/**
 * A use whose commit names its review gets that issue, and a marker elsewhere counts for nothing
 * (anyone with write access can move one). Older uses: the break-glass workflow fingerprinted each
 * review `break-glass:<actor>:<grant file name>`.
 */
function reviewsByGrant(issues: readonly { fact: IssueFact; fingerprint?: string }[], uses: GitHubQuestions['breakGlass'], named: ReadonlyMap<number, IssueFact | undefined>): Map<string, IssueFact> {
  const byKey = new Map<string, IssueFact>();
  for (const { fact, fingerprint } of issues) {
    const key = fingerprint?.startsWith('break-glass:') ? fingerprint.slice(fingerprint.lastIndexOf(':') + 1) : undefined;
    if (key) byKey.set(key, fact);
  }
  const reviews = new Map<string, IssueFact>();
  for (const { path, review } of uses) {
    const key = (path.split('/').pop() ?? '').replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
    const fact = review === undefined ? byKey.get(key) : named.get(review);
    if (fact) reviews.set(path, fact);
  }
  return reviews;
}
