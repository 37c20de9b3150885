/** The exception issues on GitHub, changed as the sync plan says. */
import type { IssueTracker, TrackedIssue } from './issues.js';
import type { ExceptionDraft } from '../../core/jobs/exception-issue.js';
import type { IssueSyncPlan, KnownIssue } from '../../core/jobs/issue-sync.js';

function tracked(issue: KnownIssue): TrackedIssue {
  return { ...issue, assignees: [], url: '' };
}

/**
 * GitHub refuses (422) an issue whose assignee cannot be assigned in the repository, e.g. an owner
 * without access to it. The finding must still be raised: then it is opened unassigned, and the
 * body still names everyone.
 */
async function createAssigningIfAllowed(tracker: IssueTracker, fingerprint: string, draft: ExceptionDraft): Promise<TrackedIssue> {
  try {
    return await tracker.create(fingerprint, draft);
  } catch (error) {
    if ((error as { status?: number }).status !== 422 || draft.assignees.length === 0) throw error;
    return tracker.create(fingerprint, { ...draft, assignees: [] });
  }
}

export interface IssueSyncResult {
  created: number[];
  updated: number[];
  closed: number[];
  reopened: number[];
}

export async function executeIssueSync(tracker: IssueTracker, plan: IssueSyncPlan): Promise<IssueSyncResult> {
  const result: IssueSyncResult = { created: [], updated: [], closed: [], reopened: [] };
  for (const { fingerprint, draft } of plan.create) result.created.push((await createAssigningIfAllowed(tracker, fingerprint, draft)).number);
  for (const { issue, change } of plan.update) result.updated.push((await tracker.update(tracked(issue), change)).number);
  for (const { issue, draft, comment } of plan.reopen) {
    await tracker.reopen(issue.number, { comment });
    await tracker.update(tracked(issue), { title: draft.title, body: draft.body, labels: draft.labels });
    result.reopened.push(issue.number);
  }
  for (const { issue, comment, labels } of plan.close) {
    await tracker.update(tracked(issue), { labels });
    await tracker.close(issue.number, { comment });
    result.closed.push(issue.number);
  }
  return result;
}
