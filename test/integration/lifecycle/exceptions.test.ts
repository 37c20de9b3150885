import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aGrant, aPolicy, type FileSpec } from '../../support/builders/model.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';
import { cli, gcpRole, gitRepo, PROJECT, startWorld, type World } from './harness.js';

const NOW = '2026-11-23T10:00:00Z';
const REPO = 'example-org/access';
const HR_POLICY: FileSpec = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }], onTerminated: 'report' }).build();
const PEOPLE: FileSpec = { path: 'hr/people.json', text: JSON.stringify([{ email: 'alice@example.com', status: 'active' }, { email: 'bob@example.com', status: 'terminated' }]) };

describe('gitgrant exceptions', () => {
  let world: World;
  let github: GitHubDouble;
  beforeEach(async () => {
    github = await startGitHubDouble();
    github.state.repo(REPO);
    world = await startWorld({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'test-token', GITGRANT_GITHUB_THROTTLE: 'off', GITHUB_REPOSITORY: REPO });
    world.gcp.seedPolicy(PROJECT, { version: 1, bindings: [{ role: 'roles/viewer', members: ['user:mallory@example.com'] }] });
  });
  afterEach(async () => {
    expect(github.violations()).toEqual([]);
    await world.close();
    await github.close();
  });

  const repoWithFindings = () =>
    gitRepo([HR_POLICY, PEOPLE, gcpRole(), aGrant().for('alice@example.com').named('alice-1').build(), aGrant().for('bob@example.com').named('bob-1').build()]);
  const writes = () => github.calls('issues/create') + github.calls('issues/update') + github.calls('issues/create-comment');

  it('opens one labelled issue per finding, with the fingerprint hidden in the body and the owners named', async () => {
    const repo = repoWithFindings();

    const run = await cli(world, repo, 'exceptions', '--now', NOW);

    expect(run.code).toBe(1);
    expect(run.lines.at(-1)).toBe('gitgrant exceptions: 2 findings; issues: 2 opened, 0 updated, 0 reopened, 0 closed, 0 unchanged');
    const issues = github.issues(REPO).map((i) => ({ title: i.title, labels: [...i.labels].sort(), hidden: /<!-- gitgrant:fingerprint:[0-9a-f]+ -->/.test(i.body), owners: i.body.includes('@example-org/owners') }));
    expect(issues).toEqual([
      { title: 'gitgrant: bob@example.com is terminated in HR but holds 1 grant for role app-readonly', labels: ['exception:hr-grantee-terminated', 'gitgrant-exception'], hidden: true, owners: true },
      { title: expect.stringContaining('user:mallory@example.com has roles/viewer on gcp:projects/acme-test outside gitgrant'), labels: ['exception:unmanaged-access', 'gitgrant-exception'], hidden: true, owners: true },
    ].sort((a, b) => (a.labels[0]! < b.labels[0]! ? -1 : 1)));
  });

  it('opens nothing new and edits nothing when a second nightly run finds the same', async () => {
    const repo = repoWithFindings();
    await cli(world, repo, 'exceptions', '--now', NOW);
    const before = writes();

    const run = await cli(world, repo, 'exceptions', '--now', NOW);

    expect(run.lines.at(-1)).toBe('gitgrant exceptions: 2 findings; issues: 0 opened, 0 updated, 0 reopened, 0 closed, 2 unchanged');
    expect(writes()).toBe(before);
    expect(github.issues(REPO)).toHaveLength(2);
  });

  it('closes, with a comment, the issue of a finding that is gone, and leaves the others', async () => {
    const repo = repoWithFindings();
    await cli(world, repo, 'exceptions', '--now', NOW);
    // Someone removes mallory's hand-made binding.
    world.gcp.seedPolicy(PROJECT, { version: 1, bindings: [] });

    const run = await cli(world, repo, 'exceptions', '--now', NOW);

    expect(run.lines.at(-1)).toBe('gitgrant exceptions: 1 finding; issues: 0 opened, 0 updated, 0 reopened, 1 closed, 1 unchanged');
    const unmanaged = github.issues(REPO).find((i) => i.labels.includes('exception:unmanaged-access'))!;
    expect(unmanaged.state).toBe('closed');
    expect(unmanaged.labels).toContain('exception:resolved');
    expect(unmanaged.comments.map((c) => c.body)).toEqual(['The nightly run no longer finds this; closing. gitgrant reopens it if the situation comes back.']);
    expect(github.issues(REPO).find((i) => i.labels.includes('exception:hr-grantee-terminated'))!.state).toBe('open');
  });

  it('closes nothing for a source that could not run', async () => {
    const repo = repoWithFindings();
    await cli(world, repo, 'exceptions', '--now', NOW);
    repo.remove('hr/people.json').commitAll('HR export missing');

    const run = await cli(world, repo, 'exceptions', '--now', NOW);

    expect(run.stdout).toContain('hr did not complete: its open issues are left as they are');
    expect(github.issues(REPO).every((i) => i.state === 'open')).toBe(true);
  });

  it('touches no issue on a dry run', async () => {
    const run = await cli(world, repoWithFindings(), 'exceptions', '--now', NOW, '--dry-run');
    expect(run.lines.at(-1)).toBe('gitgrant exceptions: 2 findings; dry run: no issue touched');
    expect(github.calls()).toBe(0);
  });
});
