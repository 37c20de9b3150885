import { describe, expect, it } from 'vitest';
import type { IssueDraft, IssueTracker, TrackedIssue } from '../../../src/adapters/github/issues.js';
import { executeIssueSync } from '../../../src/adapters/github/exception-issues-github.js';
import type { IssueSyncPlan } from '../../../src/core/jobs/issue-sync.js';

/** A tracker that refuses assignees GitHub would refuse, and records what was created. */
function strictTracker(created: IssueDraft[]): IssueTracker {
  const refuse = () => Promise.reject(new Error('not used'));
  return {
    list: refuse, findByFingerprint: refuse, update: refuse, comment: refuse, close: refuse, reopen: refuse,
    async create(_fingerprint, draft) {
      if ((draft.assignees ?? []).includes('outsider')) throw Object.assign(new Error('Validation Failed'), { status: 422 });
      created.push(draft);
      return { number: created.length, title: draft.title, body: draft.body, state: 'open', labels: draft.labels ?? [], assignees: draft.assignees ?? [], url: '' } satisfies TrackedIssue;
    },
  };
}

const plan = (assignees: string[]): IssueSyncPlan => ({
  create: [{ fingerprint: 'abc', draft: { title: 'gitgrant: finding', body: 'For: @outsider', labels: ['gitgrant-exception'], assignees } }],
  update: [], close: [], reopen: [], unchanged: [], handled: [],
});

describe('opening exception issues', () => {
  it('opens the issue unassigned when GitHub refuses an assignee, rather than losing the finding', async () => {
    const created: IssueDraft[] = [];
    const result = await executeIssueSync(strictTracker(created), plan(['outsider']));
    expect(result.created).toEqual([1]);
    expect(created.map((d) => d.assignees)).toEqual([[]]);
  });

  it('assigns when GitHub accepts the assignees', async () => {
    const created: IssueDraft[] = [];
    await executeIssueSync(strictTracker(created), plan(['dana']));
    expect(created.map((d) => d.assignees)).toEqual([['dana']]);
  });
});
