/**
 * With a GitHub token, `audit` asks GitHub who approved the pull request a landed commit names. The
 * number came from the commit's subject (`… (#N)`, `Merge pull request #N …`), which whoever merges
 * writes: GitHub lets the merger edit a squash or merge commit's message. So a requester merging
 * their own approved PR could end its subject with `(#1)`, an older PR approved by a director, and
 * the audit showed the director's approval as GitHub's record of this grant, even over the
 * automation's record on main. GitHub's answer now counts only for the commit GitHub says that PR
 * landed as (`merge_commit_sha`); the automation's record names the PR before the subject does.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { approvalRecordPath, formatRecordCommitMessage } from '../../../src/core/audit/approval-evidence.js';
import { formatApprovalNote } from '../../../src/core/audit/approval-note.js';
import { instant } from '../../support/builders/model.js';
import { EXAMPLE_ORG } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { cliEnv, GITHUB_REPO, useGitHubDouble } from '../github-cli/harness.js';
import { BOT, GITHUB, HistoryRepo, grantText } from './fixture-history.js';

const SECURITY = { name: 'Sam Security', email: 'sam@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
const MALLORY = { name: 'Mallory', email: 'mallory@example.com' };
const BOB_GRANT = 'grants/prod-db-readonly/bob-inc-1.yaml';
const MALLORY_GRANT = 'grants/prod-db-readonly/mallory-inc-2.yaml';
const MALLORY_RECORDED = 'grants/prod-db-readonly/mallory-inc-3.yaml';

const double = useGitHubDouble();
let repo: HistoryRepo;

beforeAll(() => {
  repo = new HistoryRepo();
  for (const folder of ['policies', 'roles']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
  repo.commit(SECURITY, '2026-11-01T08:00:00Z', 'Set up the access repo');
  const gh = double();

  // PR #1: bob's grant, approved by dana, squash-merged.
  repo.write(BOB_GRANT, grantText({ grantee: 'bob@example.com', reason: 'Investigate the slow checkout queries', ticket: 'INC-1', expires: '2026-11-02T18:00:00Z' }));
  const bobLanded = repo.commit(BOB, '2026-11-02T09:00:00Z', 'Request read-only database access (#1)', GITHUB);
  gh.seedPullRequest({ repo: GITHUB_REPO, author: 'bob' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 1, login: 'dana', state: 'APPROVED' });
  gh.mergePull(GITHUB_REPO, 1, { sha: bobLanded, by: 'bob' });

  // PR #2: mallory's grant, approved by eve; mallory squash-merges it with the subject edited to name #1.
  repo.write(MALLORY_GRANT, grantText({ grantee: 'mallory@example.com', reason: 'Investigate the slow checkout queries', ticket: 'INC-2', expires: '2026-11-03T18:00:00Z' }));
  const malloryLanded = repo.commit(MALLORY, '2026-11-03T09:00:00Z', 'Request read-only database access (#1)', GITHUB);
  gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 2, login: 'eve', state: 'APPROVED' });
  gh.mergePull(GITHUB_REPO, 2, { sha: malloryLanded, by: 'mallory' });

  // PR #3: the same, but the automation recorded the approval of what really landed (PR #3).
  repo.write(MALLORY_RECORDED, grantText({ grantee: 'mallory@example.com', reason: 'Investigate the slow checkout queries', ticket: 'INC-3', expires: '2026-11-04T18:00:00Z' }));
  const recordedLanded = repo.commit(MALLORY, '2026-11-04T09:00:00Z', 'Request read-only database access (#1)', GITHUB);
  gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 3, login: 'eve', state: 'APPROVED' });
  gh.mergePull(GITHUB_REPO, 3, { sha: recordedLanded, by: 'mallory' });
  const record = { pr: 3, author: '@mallory', approvers: [{ login: '@eve', at: instant('2026-11-04T08:50:00Z') }] };
  repo.write(approvalRecordPath(recordedLanded, instant('2026-11-04T09:00:00Z')), formatApprovalNote(record));
  repo.commit(BOT, '2026-11-04T09:01:00Z', formatRecordCommitMessage(recordedLanded, record));
});
afterAll(() => repo.dispose());

async function approvals(): Promise<Record<string, [string, number | undefined, string[]]>> {
  const run = await runCli(['audit', '--format', 'json'], { cwd: repo.root, env: cliEnv(double()) });
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as AuditJson;
  return Object.fromEntries(report.grants.map((g) => [g.path, [g.approval.source, g.requested.pr, g.approval.approvers.map((a) => a.login)]]));
}

describe('a landed commit whose subject names another pull request', () => {
  it('does not get that pull request\'s approvals from GitHub', async () => {
    const byPath = await approvals();
    expect(byPath[BOB_GRANT]).toEqual(['github', 1, ['@dana']]);
    expect(byPath[MALLORY_GRANT]![2]).not.toContain('@dana');
    expect(byPath[MALLORY_GRANT]![0]).toBe('unrecorded');
  });

  it('is judged by the pull request the automation recorded, and GitHub is asked about that one', async () => {
    expect((await approvals())[MALLORY_RECORDED]).toEqual(['github', 3, ['@eve']]);
  });
});
