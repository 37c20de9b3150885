import { describe, expect, it } from 'vitest';
import { aRepo } from '../../support/builders.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, withBareOrigin, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();

const accessRepo = () => gitRepo(aRepo().with(accessPolicy(), appReadonly().exempting('@alice')).specs());
const REASON = 'Investigate the slow checkout queries';

function issueForm(fields: { role?: string; duration?: string; reason?: string; ticket?: string }): string {
  const section = (label: string, value: string | undefined) => `### ${label}\n\n${value ?? '_No response_'}`;
  return [section('Role', fields.role), section('Duration', fields.duration), section('Start (optional)', undefined), section('Reason', fields.reason), section('Ticket', fields.ticket)].join('\n\n');
}

const openPulls = (gh: GitHubDouble) => [...gh.state.findRepo(GITHUB_REPO)!.pulls.values()];

describe('gitgrant request', () => {
  it('writes the grant on a new branch, pushes it to origin and opens the pull request', async () => {
    const gh = double();
    const repo = accessRepo();
    const origin = withBareOrigin(repo);

    const run = await gitgrant(gh, repo, ['request', '--role', 'app-readonly', '--duration', '4h', '--reason', REASON, '--ticket', 'INC-1234', '--grantee', 'bob@example.com', '--now', NOW]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const branch = 'access-request/app-readonly/bob-inc-1234';
    const path = 'grants/app-readonly/bob-inc-1234.yaml';
    expect(origin.git('show', `${branch}:${path}`)).toContain('grantee: bob@example.com\nreason: Investigate the slow checkout queries\nticket: INC-1234\nexpires: 2026-11-23T14:00:00Z\n');
    expect(origin.git('log', '-1', '--format=%s', branch).trim()).toBe('Request app-readonly for bob@example.com');
    // The person's checkout is back where it was, without the request's file.
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(repo.git('status', '--porcelain')).toBe('');

    const pull = openPulls(gh).find((p) => p.headRef === branch)!;
    expect(pull).toMatchObject({ baseRef: 'main' });
    const issue = gh.issue(GITHUB_REPO, pull.number);
    expect(issue.title).toBe('Request app-readonly for bob@example.com (4h)');
    expect(issue.body).toContain('| Reason | Investigate the slow checkout queries |');
    expect(issue.body).toContain('| Grant file | <code>grants/app&#45;readonly/bob&#45;inc&#45;1234&#46;yaml</code> |');
    expect(run.stdout).toBe(`gitgrant request: pushed ${branch} with ${path} (4h); pull request #${pull.number} opened: https://github.invalid/acme/access/pull/${pull.number}\n`);
  });

  it('refuses a request that would not validate, and pushes nothing', async () => {
    const gh = double();
    const repo = accessRepo();
    const origin = withBareOrigin(repo);
    const pullsBefore = openPulls(gh).length;

    const run = await gitgrant(gh, repo, ['request', '--role', 'app-readonly', '--duration', '40d', '--reason', REASON, '--grantee', 'bob@example.com', '--now', NOW]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error GRANT_DURATION_OVER');
    expect(run.stdout).toContain('gitgrant request: the grant would not pass validation; nothing pushed');
    expect(origin.git('branch', '--list').trim()).toBe('* main');
    expect(openPulls(gh)).toHaveLength(pullsBefore);
  });

  it('cleans up after a failed push, so the same request can simply be run again', async () => {
    const gh = double();
    const repo = accessRepo();
    const args = ['request', '--role', 'app-readonly', '--reason', REASON, '--ticket', 'INC-88', '--grantee', 'carol@example.com', '--now', NOW];

    const failed = await gitgrant(gh, repo, args);

    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('gitgrant: git push failed:');
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(repo.git('branch', '--list').trim()).toBe('* main');

    const origin = withBareOrigin(repo);
    const retried = await gitgrant(gh, repo, args);
    expect(retried.code, retried.stderr).toBe(0);
    expect(origin.git('branch', '--list', 'access-request/*').trim()).toBe('access-request/app-readonly/carol-inc-88');
  });

  describe('--from-issue', () => {
    it("opens the PR for the issue's author, links it on the issue, and the gate treats the author as the requester", async () => {
      const gh = double();
      gh.seedTeam(TEAMS.appOwners, {});
      const repo = accessRepo();
      withBareOrigin(repo);
      const issue = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request: app-readonly', author: 'alice', labels: ['access-request'], body: issueForm({ role: 'app-readonly', duration: '2h', reason: REASON, ticket: 'INC-77' }) });

      const run = await gitgrant(gh, repo, ['request', '--from-issue', String(issue), '--now', NOW]);

      expect(run.code, run.stdout + run.stderr).toBe(0);
      const pull = openPulls(gh).find((p) => p.headRef === 'access-request/app-readonly/alice-inc-77')!;
      const pr = gh.issue(GITHUB_REPO, pull.number);
      expect(pr.user.login).toBe('gitgrant[bot]');
      expect(pr.body).toContain(`Closes #${issue}\n<!-- gitgrant:from-issue:${issue} -->`);
      expect(gh.issue(GITHUB_REPO, issue).comments.map((c) => c.body)).toEqual([
        `<!-- gitgrant:request -->\nOpened https://github.invalid/acme/access/pull/${pull.number} for this request. Follow the approvals there.`,
      ]);

      // The PR's author is the app; alice asked, and alice is on the role's exempt list.
      pull.files.push({ filename: 'grants/app-readonly/alice-inc-77.yaml', status: 'added' });
      repo.git('switch', '-q', pull.headRef);
      const gate = await gitgrant(gh, repo, ['gate', '--pr', String(pull.number), '--now', NOW]);
      expect(gate.code, gate.stdout).toBe(0);
      expect(gate.stdout).toContain("approval waived (exempt): @alice is on role app-readonly's exempt list");
    });

    it('fails clearly, and says so on the issue, when the author has no grantee email', async () => {
      const gh = double();
      const repo = accessRepo();
      withBareOrigin(repo);
      const issue = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request', author: 'stranger', labels: ['access-request'], body: issueForm({ role: 'app-readonly', reason: REASON }) });

      const run = await gitgrant(gh, repo, ['request', '--from-issue', String(issue), '--now', NOW]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`gitgrant: cannot request access from issue #${issue}: GitHub user stranger is not mapped to a grantee email`);
      const [comment] = gh.issue(GITHUB_REPO, issue).comments;
      expect(comment!.body).toContain('This request cannot become a pull request yet:');
      expect(comment!.body).toContain('GitHub user stranger is not mapped to a grantee email');
    });
  });
});
