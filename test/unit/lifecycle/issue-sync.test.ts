import { describe, expect, it } from 'vitest';
import { exceptionDraft } from '../../../src/core/jobs/exception-issue.js';
import { fingerprint, type Finding } from '../../../src/core/jobs/findings.js';
import { planIssueSync, RESOLVED_LABEL, type KnownIssue } from '../../../src/core/jobs/issue-sync.js';
import { gitHubPrincipal, roleName } from '../../../src/core/model/types.js';

const LABEL = 'gitgrant-exception';

function aFinding(kind: Finding['kind'], who: string, fields: Partial<Finding> = {}): Finding {
  return {
    kind, source: kind.startsWith('HR_') ? 'hr' : 'reconcile', fingerprint: fingerprint(kind, who), summary: `${who} ${kind.toLowerCase()}`,
    details: ['Look into it.'], outcome: 'reported', role: roleName('db'), grants: [], notify: [gitHubPrincipal('@org/db'), gitHubPrincipal('@dana')], ...fields,
  };
}

function issueFor(finding: Finding, number: number, fields: Partial<KnownIssue> = {}): KnownIssue {
  const draft = exceptionDraft(finding, LABEL);
  return { number, title: draft.title, body: draft.body, state: 'open', labels: draft.labels, fingerprint: finding.fingerprint, ...fields };
}

const ALL = new Set(['expire', 'reconcile', 'hr', 'anomalies'] as const);
const bob = aFinding('HR_GRANTEE_TERMINATED', 'bob');
const mallory = aFinding('UNMANAGED_ACCESS', 'mallory');

describe('syncing exception issues', () => {
  it('opens an issue for a finding that has none, assigning people and mentioning teams', () => {
    const plan = planIssueSync([bob], [], ALL, LABEL);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]!.draft).toMatchObject({ labels: ['exception:hr-grantee-terminated', LABEL], assignees: ['dana'] });
    expect(plan.create[0]!.draft.body).toContain('For: @org/db @dana');
  });

  it('leaves an issue alone when its finding is unchanged', () => {
    expect(planIssueSync([bob], [issueFor(bob, 1)], ALL, LABEL)).toMatchObject({ create: [], update: [], close: [], reopen: [], unchanged: [1] });
  });

  it('edits only what changed when the finding changed', () => {
    const plan = planIssueSync([{ ...bob, details: ['Now with more detail.'] }], [issueFor(bob, 1)], ALL, LABEL);
    expect(plan.update.map((u) => Object.keys(u.change))).toEqual([['body']]);
  });

  it('closes an open issue whose finding is gone, marking it resolved, but only when its source completed', () => {
    const issues = [issueFor(bob, 1), issueFor(mallory, 2)];
    const plan = planIssueSync([bob], issues, ALL, LABEL);
    expect(plan.close.map((c) => [c.issue.number, c.labels])).toEqual([[2, ['exception:unmanaged-access', RESOLVED_LABEL, LABEL].sort()]]);
    expect(planIssueSync([bob], issues, new Set(['hr', 'expire', 'anomalies'] as const), LABEL).close).toEqual([]);
  });

  it('reopens an issue gitgrant resolved when the finding comes back, and respects one a person closed', () => {
    const resolved = issueFor(mallory, 2, { state: 'closed', labels: ['exception:unmanaged-access', RESOLVED_LABEL, LABEL] });
    const handled = issueFor(bob, 1, { state: 'closed' });
    const plan = planIssueSync([bob, mallory], [resolved, handled], ALL, LABEL);
    expect(plan.reopen.map((r) => r.issue.number)).toEqual([2]);
    expect(plan.handled).toEqual([1]);
    expect(plan.create).toEqual([]);
  });

  it('never touches an issue without gitgrant\'s fingerprint', () => {
    const human: KnownIssue = { number: 9, title: 'Please review access', body: 'by hand', state: 'open', labels: [LABEL, 'exception:unmanaged-access'] };
    expect(planIssueSync([], [human], ALL, LABEL)).toMatchObject({ close: [], update: [] });
  });
});
