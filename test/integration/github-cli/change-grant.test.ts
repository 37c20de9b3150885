import { describe, expect, it } from 'vitest';
import { aGrant, aRepo } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, withBareOrigin, useGitHubDouble } from './harness.js';
import { accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();

const PATH = 'grants/app-readonly/bob-inc-1234.yaml';
const bobsGrant = () => aGrant().for('bob@example.com').withTicket('INC-1234').startingAt('2026-11-23T09:00:00Z').expiringAt('2026-11-23T13:00:00Z').named('bob-inc-1234');
const accessRepo = () => {
  const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly(), bobsGrant()).specs());
  return { repo, origin: withBareOrigin(repo) };
};
const pullFor = (gh: GitHubDouble, branch: string) => [...gh.state.findRepo(GITHUB_REPO)!.pulls.values()].find((p) => p.headRef === branch)!;

describe('gitgrant revoke', () => {
  it('deletes the grant file on a branch and opens the pull request, leaving the checkout as it was', async () => {
    const gh = double();
    const { repo, origin } = accessRepo();

    const run = await gitgrant(gh, repo, ['revoke', 'bob-inc-1234', '--reason', 'incident closed <b>@acme/all</b>', '--now', NOW]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const branch = 'revoke/app-readonly/bob-inc-1234';
    expect(origin.git('ls-tree', '--name-only', '-r', branch)).not.toContain(PATH);
    expect(origin.git('ls-tree', '--name-only', '-r', 'main')).toContain(PATH);
    expect(repo.git('status', '--porcelain')).toBe('');
    const pull = pullFor(gh, branch);
    const issue = gh.issue(GITHUB_REPO, pull.number);
    expect(issue.title).toBe('Revoke app-readonly for bob@example.com');
    // The reason is the requester's text: it must not mention a team or inject HTML.
    expect(issue.body).toContain('Reason: incident closed &#60;b&#62;&#64;acme/all&#60;/b&#62;');
    expect(run.stdout).toBe(`gitgrant revoke: pushed ${branch}, which removes ${PATH}; pull request #${pull.number} opened: https://github.invalid/acme/access/pull/${pull.number}\n`);
  });

  it('only deletes the file with --no-pr', async () => {
    const gh = double();
    const { repo } = accessRepo();
    const run = await gitgrant(gh, repo, ['revoke', 'app-readonly/bob-inc-1234.yaml', '--no-pr', '--now', NOW]);
    expect(run.code).toBe(0);
    expect(repo.git('status', '--porcelain').trim()).toBe(`D ${PATH}`);
    expect(run.stdout).toBe(`gitgrant revoke: removed ${PATH}; commit it and open a pull request to make it take effect\n`);
  });
});

describe('gitgrant extend', () => {
  it('moves only `expires`, keeping the rest of the file, and opens the pull request for fresh approval', async () => {
    const gh = double();
    const { repo, origin } = accessRepo();
    const before = repo.read(PATH);

    const run = await gitgrant(gh, repo, ['extend', PATH, '--by', '2h', '--now', NOW]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const branch = 'extend/app-readonly/bob-inc-1234';
    expect(origin.git('show', `${branch}:${PATH}`)).toBe(before.replace('expires: 2026-11-23T13:00:00Z', 'expires: 2026-11-23T15:00:00Z'));
    expect(gh.issue(GITHUB_REPO, pullFor(gh, branch).number).title).toBe('Extend app-readonly for bob@example.com by 2h');
  });

  it('refuses an extension over the role cap, and pushes nothing', async () => {
    const gh = double();
    const { repo, origin } = accessRepo();
    const run = await gitgrant(gh, repo, ['extend', 'bob-inc-1234', '--by', '60d', '--now', NOW]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error GRANT_DURATION_OVER');
    expect(run.stdout).toContain('gitgrant extend: grants/app-readonly/bob-inc-1234.yaml until 2027-01-22T13:00:00Z would not pass validation; nothing changed');
    expect(origin.git('branch', '--list').trim()).toBe('* main');
  });

  it('will not bring an expired grant back to life', async () => {
    const gh = double();
    const { repo } = accessRepo();
    const run = await gitgrant(gh, repo, ['extend', 'bob-inc-1234', '--by', '2h', '--no-pr', '--now', '2026-11-23T14:00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gitgrant: grants/app-readonly/bob-inc-1234.yaml expired at 2026-11-23T13:00:00Z\nhint: request a new grant: gitgrant request\n');
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
