import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { fingerprintMarker } from '../../../src/core/gate/markers.js';
import { cliEnv, GITHUB_REPO, useGitHubDouble } from '../github-cli/harness.js';
import { runCli } from '../../support/run-cli.js';
import { buildFixture, type Fixture } from './fixture-history.js';

const double = useGitHubDouble();
let fixture: Fixture;

beforeAll(() => {
  fixture = buildFixture();
  const gh = double();
  // The fixture's PRs #1 to #9, in order, so GitHub's numbers are the ones in the commit subjects.
  const authors = ['alice', 'bob', 'bob', 'carol', 'carol', 'carol', 'sam', 'frank', 'sam'];
  for (const author of authors) gh.seedPullRequest({ repo: GITHUB_REPO, author });
  // Each merged as the commit of the fixture whose subject names it: GitHub's answer counts for that commit only.
  const c = fixture.commits;
  [c.aliceMerge, c.bob, c.bobExtend, c.carol, c.carolRename, c.carolRevoke, c.legacyRemoved, c.frank, c.roleChange]
    .forEach((sha, i) => gh.mergePull(GITHUB_REPO, i + 1, { sha, by: authors[i]! }));
  gh.seedReview({ repo: GITHUB_REPO, pull: 2, login: 'dana', state: 'APPROVED' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 3, login: 'dana', state: 'CHANGES_REQUESTED' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 3, login: 'dana', state: 'APPROVED' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 4, login: 'erin', state: 'APPROVED' });
  gh.seedReview({ repo: GITHUB_REPO, pull: 4, login: 'erin', state: 'CHANGES_REQUESTED' });
  gh.seedIssue({ repo: GITHUB_REPO, title: 'Post-incident review: dave broke glass', labels: ['break-glass-review'], state: 'closed', body: `${fingerprintMarker('break-glass:dave:dave-inc-900')}\nReview the use.` });
  gh.seedIssue({ repo: GITHUB_REPO, title: 'bob@example.com holds prod-db-admin but moved to Sales', labels: ['gitgrant-exception'], body: 'HR finding' });
  gh.seedIssue({ repo: GITHUB_REPO, title: 'Unrelated bug', labels: ['bug'] });
});
afterAll(() => fixture.repo.dispose());

describe('gitgrant audit with a GitHub token', () => {
  it('takes each PR\'s approvers from its reviews, a reviewer\'s latest verdict counting', async () => {
    const run = await runCli(['audit', '--format', 'json'], { cwd: fixture.repo.root, env: cliEnv(double()) });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditJson;
    const byFile = Object.fromEntries(report.grants.map((g) => [g.path.split('/').pop(), [g.approval.source, g.approval.approvers.map((a) => a.login), g.changes.map((c) => c.approval.approvers.map((a) => a.login))]]));
    expect(byFile).toEqual({
      'ops-legacy.yaml': ['unrecorded', [], []],
      'alice-inc-100.yaml': ['github', [], []],
      'bob-chg-200.yaml': ['github', ['@dana'], [['@dana']]],
      'carol-trace.yaml': ['github', [], [[]]],
      'dave-inc-900.yaml': ['unrecorded', [], []],
      'erin-40.yaml': ['unrecorded', [], []],
      'frank-trace.yaml': ['github', [], []],
    });
  });

  it('reports the break-glass review and the exception issues with their resolution', async () => {
    const run = await runCli(['audit'], { cwd: fixture.repo.root, env: cliEnv(double()) });
    expect(run.stdout).toMatch(/incident INC&#45;900, ended 2026-11-03T22:03:00Z; review issue #\d+ closed \S+/);
    expect(run.stdout).toMatch(/## Exception issues\n\n- #\d+ bob&#64;example&#46;com holds prod&#45;db&#45;admin but moved to Sales: open\n/);
    expect(run.stdout).toContain('- 1 exception issue(s), 1 open.');
  });

  it('reads only: every call it made was a GET', () => {
    expect(double().calls('pulls/get')).toBeGreaterThan(0);
    expect(double().calls('issues/create') + double().calls('issues/update') + double().calls('pulls/update')).toBe(0);
  });
});
