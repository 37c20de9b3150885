/**
 * Post-incident review issues for break-glass: one per use, labelled, found again by a hidden
 * fingerprint naming the actor, so an open review can block the next use by the same person.
 */
import type { GitHubClient } from '../client.js';
import { octokitIssueTracker, type IssueDraft, type TrackedIssue } from '../issues.js';
import { readFingerprint } from '../markers.js';
import type { RepoRef } from '../types.js';

export interface BreakGlassReviews {
  /** The actor's open review issues. */
  openFor(actor: string): Promise<TrackedIssue[]>;
  /** `key` tells this use from the actor's others (e.g. the grant file's name). */
  open(actor: string, key: string, draft: IssueDraft): Promise<TrackedIssue>;
}

const SAFE = /[^A-Za-z0-9._-]+/g;

function prefixFor(actor: string): string {
  return `break-glass:${actor.toLowerCase().replace(SAFE, '-')}:`;
}

export function octokitBreakGlassReviews(octokit: GitHubClient, repo: RepoRef, label: string): BreakGlassReviews {
  const tracker = octokitIssueTracker(octokit, repo);
  return {
    async openFor(actor) {
      const prefix = prefixFor(actor);
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'open', labels: label, per_page: 100 });
      return issues
        .filter((data) => !data.pull_request && readFingerprint(data.body ?? '').fingerprint?.startsWith(prefix))
        .map((data) => ({ number: data.number, title: data.title, body: data.body ?? '', state: 'open' as const, labels: [label], assignees: [], url: data.html_url }));
    },
    open(actor, key, draft) {
      return tracker.create(`${prefixFor(actor)}${key.replace(SAFE, '-')}`, { ...draft, labels: [...new Set([label, ...(draft.labels ?? [])])] });
    },
  };
}
