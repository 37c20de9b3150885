/**
 * Post-incident review issues for break-glass: one per use, labelled, with a hidden fingerprint
 * naming the actor and the use. The automation's commit of the use names its issue by number
 * (`Break-Glass-Review: #N`), and `get` reads that issue whatever its body now says: the body can
 * be edited by anyone with write access, the number in main's history only by the automation. The
 * fingerprint still finds the actor's reviews (`of`), which is what binds uses from before the
 * trailer, and any open review of theirs blocks. Who opened an issue and when comes from the issue,
 * who closed it and why from its events: GitHub records them, nobody edits them.
 */
import type { GitHubClient } from './client.js';
import { octokitIssueTracker, type IssueDraft, type IssueTracker, type TrackedIssue } from './issues.js';
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
  /** Who opened it (the issue's `user`): the App's bot for a real review. */
  openedBy: string;
  /** For a closed issue: who closed it last (the events API's `closed` actor); undefined if GitHub does not say. */
  closedBy?: string;
  /** For a closed issue: `completed`, `not_planned`, or null when GitHub gives none. */
  stateReason?: string | null;
}

export interface BreakGlassReviews {
  /** Every review issue of the actor, open or closed. */
  of(actor: string): Promise<ReviewIssue[]>;
  /**
   * The issue with this number, found by number alone (its body and labels play no part); undefined
   * when GitHub has no such issue in the repository (deleted, transferred) or it is a pull request.
   */
  get(issueNumber: number): Promise<Omit<ReviewIssue, 'key'> | undefined>;
  /** `key` tells this use from the actor's others (e.g. the grant file's name). */
  open(actor: string, key: string, draft: IssueDraft): Promise<TrackedIssue>;
  /** Rewrites a review the automation opened (e.g. its status once the grant is committed and applied). */
  update(issue: TrackedIssue, draft: IssueDraft): Promise<void>;
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
  const tracker: IssueTracker = octokitIssueTracker(octokit, repo);
  return {
    async of(actor) {
      const prefix = prefixFor(actor);
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', labels: label, per_page: 100 });
      const reviews: ReviewIssue[] = [];
      for (const data of issues) {
        const fingerprint = data.pull_request ? undefined : readFingerprint(data.body ?? '').fingerprint;
        if (!fingerprint?.startsWith(prefix)) continue;
        reviews.push({ ...(await describe(octokit, repo, data)), key: fingerprint.slice(prefix.length) });
      }
      return reviews;
    },
    async get(issueNumber) {
      let data: IssueData;
      try {
        ({ data } = await octokit.rest.issues.get({ ...repo, issue_number: issueNumber }));
      } catch (error) {
        // Gone (deleted: 410) or not here (404, also after a transfer to another repository): no review.
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 410) return undefined;
        throw error;
      }
      // A transferred issue answers with a redirect to another repository's issue: not this review.
      return data.pull_request || data.number !== issueNumber ? undefined : describe(octokit, repo, data);
    },
    open(actor, key, draft) {
      return tracker.create(`${prefixFor(actor)}${reviewKey(key)}`, { ...draft, labels: [...new Set([label, ...(draft.labels ?? [])])] });
    },
    async update(issue, draft) {
      await tracker.update(issue, { title: draft.title, body: draft.body });
    },
  };
}

interface IssueData {
  number: number;
  title: string;
  html_url: string;
  state: string;
  created_at: string;
  state_reason?: string | null;
  user: { login: string } | null;
  pull_request?: unknown;
}

async function describe(octokit: GitHubClient, repo: RepoRef, data: IssueData): Promise<Omit<ReviewIssue, 'key'>> {
  const review: Omit<ReviewIssue, 'key'> = {
    number: data.number,
    title: data.title,
    url: data.html_url,
    state: data.state === 'closed' ? 'closed' : 'open',
    createdAt: Date.parse(data.created_at),
    openedBy: data.user?.login ?? '',
  };
  if (review.state === 'closed') Object.assign(review, await lastClose(octokit, repo, data.number, data.state_reason ?? null));
  return review;
}

/** The last `closed` event: who, and with which reason (falling back to the issue's own). */
async function lastClose(octokit: GitHubClient, repo: RepoRef, issueNumber: number, issueReason: string | null): Promise<Pick<ReviewIssue, 'closedBy' | 'stateReason'>> {
  const events = await octokit.paginate(octokit.rest.issues.listEvents, { ...repo, issue_number: issueNumber, per_page: 100 });
  const closed = events.filter((e) => e.event === 'closed').pop() as { actor?: { login?: string } | null; state_reason?: string | null } | undefined;
  return { closedBy: closed?.actor?.login ?? undefined, stateReason: closed?.state_reason ?? issueReason };
}
