import { describe, expect, it } from 'vitest';
import { aRepo } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { runCli } from '../../support/run-cli.js';
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

  describe('--dry-run', () => {
    it('prints the grant file and the pull request it would open, and writes, pushes and opens nothing', async () => {
      const gh = double();
      const repo = accessRepo();
      const origin = withBareOrigin(repo);
      const pullsBefore = openPulls(gh).length;

      const run = await gitgrant(gh, repo, ['request', '--dry-run', '--role', 'app-readonly', '--duration', '4h', '--reason', REASON, '--ticket', 'INC-1234', '--grantee', 'bob@example.com', '--now', NOW]);

      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.lines).toEqual([
        'gitgrant request --dry-run: would write grants/app-readonly/bob-inc-1234.yaml (4h):',
        '  # yaml-language-server: $schema=../../schemas/grant.schema.json',
        '  grantee: bob@example.com',
        '  reason: Investigate the slow checkout queries',
        '  ticket: INC-1234',
        '  expires: 2026-11-23T14:00:00Z',
        'gitgrant request --dry-run: would push branch access-request/app-readonly/bob-inc-1234 and open a pull request into main:',
        '  title: Request app-readonly for bob@example.com (4h)',
        '  body:',
        expect.stringMatching(/^ {4}Requests role <code>app&#45;readonly<\/code> for /),
        '    ',
        '    | | |',
        '    | --- | --- |',
        '    | Grant file | <code>grants/app&#45;readonly/bob&#45;inc&#45;1234&#46;yaml</code> |',
        '    | Reason | Investigate the slow checkout queries |',
        '    | Ticket | INC&#45;1234 |',
        '    | Starts | on merge |',
        '    | Expires | <code>2026&#45;11&#45;23T14&#58;00&#58;00Z</code> |',
        '    ',
        "    The role's owners approve this pull request; the `gate` check shows who is still needed.",
        'gitgrant request --dry-run: nothing written, pushed or opened',
      ]);
      // Nothing in the checkout, no branch here or on origin, no pull request.
      expect(repo.git('status', '--porcelain')).toBe('');
      expect(repo.git('branch', '--list').trim()).toBe('* main');
      expect(origin.git('branch', '--list').trim()).toBe('* main');
      expect(openPulls(gh)).toHaveLength(pullsBefore);
    });

    it('needs no GitHub at all for a request from flags', async () => {
      const repo = accessRepo();

      const run = await runCli(['request', '--dry-run', '--role', 'app-readonly', '--reason', REASON, '--ticket', 'INC-5', '--grantee', 'bob@example.com', '--now', NOW], { cwd: repo.root, env: {} });

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('would write grants/app-readonly/bob-inc-5.yaml');
      expect(repo.git('branch', '--list').trim()).toBe('* main');
    });

    it('strips escape sequences from the terminal, and reports a request that would not validate without pushing', async () => {
      const gh = double();
      const repo = accessRepo();
      const origin = withBareOrigin(repo);

      const refused = await gitgrant(gh, repo, ['request', '--dry-run', '--role', 'app-readonly', '--duration', '40d', '--reason', REASON, '--grantee', 'bob@example.com', '--now', NOW]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('gitgrant request: the grant would not pass validation; nothing pushed');

      const sneaky = await gitgrant(gh, repo, ['request', '--dry-run', '--role', 'app-readonly', '--reason', 'Fix it\u001b]0;pwned\u0007\u001b[2J now', '--ticket', 'INC-6', '--grantee', 'bob@example.com', '--now', NOW]);
      expect(sneaky.code, sneaky.stderr).toBe(0);
      expect(sneaky.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      // The file as it would be written (YAML escapes), the body as GitHub would get it (stripped, then entities).
      expect(sneaky.lines).toContain('  reason: "Fix it\\e]0;pwned\\a\\e[2J now"');
      expect(sneaky.lines).toContain('    | Reason | Fix it&#93;0;pwned&#91;2J now |');
      expect(origin.git('branch', '--list').trim()).toBe('* main');
    });

    it('with --from-issue reads the issue but neither comments on it nor opens the pull request', async () => {
      const gh = double();
      const repo = accessRepo();
      const origin = withBareOrigin(repo);
      const issue = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request: app-readonly', author: 'alice', labels: ['access-request'], body: issueForm({ role: 'app-readonly', duration: '2h', reason: REASON, ticket: 'INC-77' }) });
      const stranger = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request', author: 'stranger', labels: ['access-request'], body: issueForm({ role: 'app-readonly', reason: REASON }) });
      const pullsBefore = openPulls(gh).length;

      const run = await gitgrant(gh, repo, ['request', '--dry-run', '--from-issue', String(issue), '--now', NOW]);
      const refused = await gitgrant(gh, repo, ['request', '--dry-run', '--from-issue', String(stranger), '--now', NOW]);

      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(`would push branch access-request/app-readonly/alice-inc-77 and open a pull request into main, and link it on issue #${issue}:`);
      expect(run.stdout).toContain(`    Closes #${issue}`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('GitHub user stranger is not mapped to a grantee email');
      expect(gh.issue(GITHUB_REPO, issue).comments).toEqual([]);
      expect(gh.issue(GITHUB_REPO, stranger).comments).toEqual([]);
      expect(openPulls(gh)).toHaveLength(pullsBefore);
      expect(origin.git('branch', '--list').trim()).toBe('* main');
    });
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
