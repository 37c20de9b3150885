/**
 * Post-incident review issues for break-glass: one per use, labelled, found again by a hidden
 * fingerprint naming the actor and the use, so the actor's reviews can block their next use. Who
 * closed each one, and why, comes from the issue's events: GitHub records them, nobody edits them.
 */
import type { GitHubClient } from './client.js';
import { octokitIssueTracker, type IssueDraft, type TrackedIssue } from './issues.js';
import { readFingerprint } from '../../core/gate/markers.js';
import type { RepoRef } from '../../core/gate/github-types.js';

export interface ReviewIssue {
  number: number;
  title: string;
  url: string;
  state: 'open' | 'closed';
  /** Which use it reviews: the grant file's name, as `open` was given it. */
  key: string;
  /** When GitHub says the issue was opened: set by GitHub, not editable, unlike the body's marker. */
  createdAt: number;
  /** For a closed issue: who closed it last (the events API's `closed` actor); undefined if GitHub does not say. */
  closedBy?: string;
  /** For a closed issue: `completed`, `not_planned`, or null when GitHub gives none. */
  stateReason?: string | null;
}

export interface BreakGlassReviews {
  /** Every review issue of the actor, open or closed. */
  of(actor: string): Promise<ReviewIssue[]>;
  /** `key` tells this use from the actor's others (e.g. the grant file's name). */
  open(actor: string, key: string, draft: IssueDraft): Promise<TrackedIssue>;
}

const SAFE = /[^A-Za-z0-9._-]+/g;

/** The fingerprint part that names one use: the grant file's name, made safe. */
export function reviewKey(name: string): string {
  return name.replace(SAFE, '-');
}

function prefixFor(actor: string): string {
  return `break-glass:${actor.toLowerCase().replace(SAFE, '-')}:`;
}

export function octokitBreakGlassReviews(octokit: GitHubClient, repo: RepoRef, label: string): BreakGlassReviews {
  const tracker = octokitIssueTracker(octokit, repo);
  return {
    async of(actor) {
      const prefix = prefixFor(actor);
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', labels: label, per_page: 100 });
      const reviews: ReviewIssue[] = [];
      for (const data of issues) {
        const fingerprint = data.pull_request ? undefined : readFingerprint(data.body ?? '').fingerprint;
        if (!fingerprint?.startsWith(prefix)) continue;
        const review: ReviewIssue = { number: data.number, title: data.title, url: data.html_url, state: data.state === 'closed' ? 'closed' : 'open', key: fingerprint.slice(prefix.length), createdAt: Date.parse(data.created_at) };
        if (review.state === 'closed') Object.assign(review, await lastClose(octokit, repo, data.number, data.state_reason ?? null));
        reviews.push(review);
      }
      return reviews;
    },
    open(actor, key, draft) {
      return tracker.create(`${prefixFor(actor)}${reviewKey(key)}`, { ...draft, labels: [...new Set([label, ...(draft.labels ?? [])])] });
    },
  };
}

/** The last `closed` event: who, and with which reason (falling back to the issue's own). */
async function lastClose(octokit: GitHubClient, repo: RepoRef, issueNumber: number, issueReason: string | null): Promise<Pick<ReviewIssue, 'closedBy' | 'stateReason'>> {
  const events = await octokit.paginate(octokit.rest.issues.listEvents, { ...repo, issue_number: issueNumber, per_page: 100 });
  const closed = events.filter((e) => e.event === 'closed').pop() as { actor?: { login?: string } | null; state_reason?: string | null } | undefined;
  return { closedBy: closed?.actor?.login ?? undefined, stateReason: closed?.state_reason ?? issueReason };
}
