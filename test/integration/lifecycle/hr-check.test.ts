import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import { STANDING_PR_CLOSED_COMMENT } from '../../../src/app/standing-access.js';
import { parseTrailers } from '../../../src/core/audit/trailers.js';
import { aGrant, aPolicy, instant, lineContaining, type FileSpec } from '../../support/builders/model.js';
import { loadRepo } from '../../../src/adapters/fs/load-repo.js';
import { previewHrCheck } from '../../../src/app/hr-check.js';
import { historyReader, hrRecordsReader } from '../../../src/cli/support/job-adapters.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';
import { startScimServer } from '../../support/scim-server.js';
import { runCli } from '../../support/run-cli.js';
import type { TempRepo } from '../../support/temp-repo.js';
import { cli, gcpRole, gitRepo, membersOf, roleYaml, startWorld, type World } from './harness.js';

const T0 = '2026-11-23T10:00:00Z';
const HR_POLICY: FileSpec = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }] }).build();

function people(...rows: { email: string; department?: string; status?: string }[]): FileSpec {
  return { path: 'hr/people.json', text: JSON.stringify(rows.map((r) => ({ status: 'active', department: 'Engineering', ...r })), null, 2) };
}

describe('gitgrant hr-check: leavers', () => {
  let world: World;
  beforeEach(async () => void (world = await startWorld()));
  afterEach(() => world.close());

  it('revokes a terminated employee\'s grants in the cloud and on main, and reports it', async () => {
    const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-23T18:00:00Z');
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([HR_POLICY, gcpRole(), alice.build(), bob.build(), people({ email: 'alice@example.com' }, { email: 'bob@example.com', status: 'terminated' })]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; revoked: string[] };
    expect(result.findings.map((f) => [f.kind, f.outcome, f.grants])).toEqual([['HR_GRANTEE_TERMINATED', 'revoked', [bob.path]]]);
    expect(result.revoked).toEqual([bob.path]);
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
    const trailers = parseTrailers(repo.git('log', '-1', '--format=%B'));
    expect(trailers?.action).toBe('revoke-hr');
    expect(trailers?.grants.map((g) => [g.grant, g.grantee])).toEqual([[bob.path, 'bob@example.com']]);
  });

  // Attack: a grant names a protected principal (the automation's own access) as grantee; HR lists
  // that address as gone (or a requester gets it listed so), and the nightly sweep removed the access
  // apply is forbidden to remove.
  it('never removes a protected principal\'s binding, even a leaver\'s: the grant stays with a finding, exit 1', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const guarded = aPolicy().inFile('apply').withoutOwners().withSection('apply', { protected: ['user:bob@example.com'] }).build();
    const repo = gitRepo([HR_POLICY, guarded, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);
    expect((await cli(world, repo, 'apply', '--now', T0)).code).toBe(0);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; revoked: string[] };
    expect(result.revoked).toEqual([]);
    expect(membersOf(world)).toEqual(['user:bob@example.com']);
    expect(repo.git('ls-files', 'grants').trim()).toBe(bob.path);
    expect(result.findings.map((f) => [f.kind, f.outcome, f.grants])).toEqual([['EXPIRY_FAILED', 'failed', [bob.path]], ['HR_GRANTEE_TERMINATED', 'failed', [bob.path]]]);
    expect(result.findings[0]!.details.join('\n')).toContain("held: removing user:bob@example.com's roles/viewer would take away a protected principal's access (policies: apply.protected)");
  });

  it('still revokes a leaver\'s GCP binding when apply.protected does not load: deadlines come first', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const broken = aPolicy().inFile('apply').withoutOwners().withSection('apply', { protected: ['user:alice@example.com'], protect: [] }).build();
    const repo = gitRepo([HR_POLICY, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);
    await cli(world, repo, 'apply', '--now', T0);
    repo.write(broken).commitAll('A typo in the protected list');

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[]; revoked: string[] };
    expect(result.revoked).toEqual([bob.path]);
    expect(membersOf(world)).toEqual([]);
  });

  it('reports an approver of a live grant who has left, reading approvals from the notes on main', async () => {
    const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-23T18:00:00Z');
    const identities = aPolicy().inFile('identities').withoutOwners().withSection('identities', { people: { 'carol@example.com': { github: 'carol-gh' } } }).build();
    const repo = gitRepo([HR_POLICY, identities, gcpRole(), people({ email: 'alice@example.com' }, { email: 'carol@example.com', status: 'terminated' })]);
    repo.write(alice.build()).commitAll('Grant alice (#12)');
    repo.git('notes', '--ref=gitgrant', 'add', '-m', 'Gitgrant-Record: approval\nPull-Request: 12\nAuthor: @alice-gh\nApproved-By: @carol-gh 2026-11-20T11:00:00Z', 'HEAD');

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--dry-run', '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[]; notes: string[] };
    expect(result.findings.map((f) => [f.kind, f.summary, f.grants])).toEqual([['HR_APPROVER_LEFT', 'carol@example.com approved 1 live grant for role app-readonly and is terminated in HR', [alice.path]]]);
    expect(result.notes).toEqual([]);
  });

  it('reads the SCIM service the nightly workflow names in GITGRANT_SCIM_URL and GITGRANT_SCIM_TOKEN', async () => {
    const scim = await startScimServer({
      token: 'scim-secret',
      users: [
        { id: '1', userName: 'alice@example.com', active: true, emails: [{ value: 'alice@example.com', primary: true }] },
        { id: '2', userName: 'bob@example.com', active: false, emails: [{ value: 'bob@example.com', primary: true }] },
      ],
    });
    onTestFinished(() => scim.close());
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([gcpRole(), bob.build()]);
    const env = { ...world.env, GITGRANT_SCIM_URL: scim.url, GITGRANT_SCIM_TOKEN: 'scim-secret' };

    const run = await runCli(['hr-check', '--repo', repo.root, '--now', T0, '--dry-run', '--json'], { cwd: repo.root, env });

    expect((JSON.parse(run.stdout) as { findings: Finding[] }).findings.map((f) => [f.kind, f.grants])).toEqual([['HR_GRANTEE_TERMINATED', [bob.path]]]);
    expect(scim.requests.every((r) => r.authorized)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain('scim-secret');
  });

  it('compares nothing when HR cannot be read, and keeps --json output parseable', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([HR_POLICY, gcpRole(), bob.build()]);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ complete: false, findings: [], revoked: [] });
    expect(run.stderr).toContain('HR_SOURCE_MISSING');
  });

  it('reports an hr section that does not load at its file:line:col, compares nothing and exits 1', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const broken = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }], onTerminated: 'revok' }).build();
    const repo = gitRepo([HR_POLICY, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);
    await cli(world, repo, 'apply', '--now', T0);
    repo.write(broken).commitAll('A typo in the HR policy');

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`policies/hr\\.yaml:${lineContaining(broken, 'onTerminated')}:\\d+: error `));
    expect(run.stderr).not.toContain('POLICY_SECTION_NOT_LOADED');
    expect(JSON.parse(run.stdout)).toMatchObject({ complete: false, findings: [], revoked: [] });
    expect(membersOf(world)).toEqual(['user:bob@example.com']);
  });

  it('reports an automation section that does not load at its file:line:col and skips the approver checks that read history, still revoking leavers', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const automation = aPolicy().inFile('automation').withoutOwners().withSection('automation', { nam: 'acme-access[bot]' }).build();
    const repo = gitRepo([HR_POLICY, automation, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`policies/automation\\.yaml:${lineContaining(automation, 'nam:')}:\\d+: error `));
    const result = JSON.parse(run.stdout) as { complete: boolean; notes: string[]; revoked: string[] };
    expect(result.complete).toBe(false);
    expect(result.notes).toContain('approver checks skipped: the automation section of the policy did not load, so whose commits history can trust is unknown');
    expect(result.revoked).toEqual([bob.path]);
  });

  it('reads history as the policy\'s automation identity, as audit does', async () => {
    const identity = { name: 'acme-access[bot]', email: '41+acme-access[bot]@users.noreply.github.com' };
    const repo = gitRepo([HR_POLICY, aPolicy().inFile('automation').withoutOwners().withSection('automation', identity).build(), gcpRole(), people({ email: 'alice@example.com' })]);
    const { repo: loaded, diagnostics } = loadRepo(repo.root);
    const asked: unknown[] = [];
    const history = historyReader(repo.root);

    const run = await previewHrCheck({ hr: hrRecordsReader(world.env, repo.root), history: { read: (automation) => (asked.push(automation), history.read(automation)) } }, { repo: loaded, now: instant(T0), loadDiagnostics: diagnostics });

    expect(run.diagnostics).toEqual([]);
    expect(asked).toEqual([identity]);
  });

  it('revokes nothing on a dry run, and says it would revoke what the real run revokes, not "reported"', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([HR_POLICY, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--dry-run');
    const json = await cli(world, repo, 'hr-check', '--now', T0, '--dry-run', '--json');

    expect(run.stdout).toContain('finding HR_GRANTEE_TERMINATED (would be revoked)');
    expect(run.stdout).not.toContain('(reported)');
    expect(run.lines).toContain(`gitgrant hr-check: dry run: would revoke ${bob.path}; nothing revoked`);
    expect((JSON.parse(json.stdout) as { findings: Finding[] }).findings.map((f) => [f.kind, f.outcome, f.grants])).toEqual([['HR_GRANTEE_TERMINATED', 'would-revoke', [bob.path]]]);
    expect(membersOf(world)).toEqual(['user:bob@example.com']);
    expect(repo.git('ls-files', 'grants').trim()).toBe(bob.path);

    // What the dry run said it would revoke is what the real run revokes.
    const real = await cli(world, repo, 'hr-check', '--now', T0, '--json');
    expect((JSON.parse(real.stdout) as { findings: Finding[]; revoked: string[] }).revoked).toEqual([bob.path]);
    expect(membersOf(world)).toEqual([]);
  });

  it('reports on a dry run what the policy says to report, with no "would revoke" line', async () => {
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const reportOnly = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }], onTerminated: 'report' }).build();
    const repo = gitRepo([reportOnly, gcpRole(), bob.build(), people({ email: 'bob@example.com', status: 'terminated' })]);

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--dry-run');

    expect(run.stdout).toContain('finding HR_GRANTEE_TERMINATED (reported)');
    expect(run.stdout).not.toContain('would revoke');
  });
});

describe('gitgrant hr-check: the standing-access pull request', () => {
  let world: World;
  let github: GitHubDouble;
  beforeEach(async () => {
    github = await startGitHubDouble();
    github.state.repo('example-org/access');
    world = await startWorld({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'test-token', GITGRANT_GITHUB_THROTTLE: 'off', GITHUB_REPOSITORY: 'example-org/access' });
  });
  afterEach(async () => {
    await world.close();
    await github.close();
  });

  const warehouse: FileSpec = { path: 'roles/warehouse.yaml', text: roleYaml('warehouse', [{ gcp: { resource: 'projects/acme-analytics', role: 'roles/bigquery.dataViewer' } }], 'standing:\n  departments: [Data]') };
  const gusStanding: FileSpec = { path: 'grants/warehouse/gus-standing.yaml', text: 'grantee: gus@example.com\nreason: "Standing access from HR: department Data"\nexpires: 2026-12-20T00:00:00Z\nstanding: true\n' };

  function withOrigin(repo: TempRepo): string {
    const bare = mkdtempSync(join(tmpdir(), 'gitgrant-origin-'));
    onTestFinished(() => rmSync(bare, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main');
    return bare;
  }

  const branchFiles = (bare: string) =>
    execFileSync('git', ['--git-dir', bare, 'ls-tree', '-r', '--name-only', 'gitgrant/standing-access', 'grants/warehouse'], { encoding: 'utf8' }).trim().split('\n');

  it('proposes the right files, follows an HR change in the same pull request, and does nothing when nothing changed', async () => {
    const repo = gitRepo([HR_POLICY, warehouse, gusStanding, people({ email: 'dana@example.com', department: 'Data' }, { email: 'erik@example.com', department: 'Data' }, { email: 'gus@example.com', department: 'Sales' })]);
    const bare = withOrigin(repo);

    const first = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(branchFiles(bare)).toEqual(['grants/warehouse/dana-standing.yaml', 'grants/warehouse/erik-standing.yaml']);
    const pulls = () => [...github.issues('example-org/access')].length + github.state.findRepo('example-org/access')!.pulls.size;
    const opened = (JSON.parse(first.stdout) as { standing: { pullRequest: number; created: boolean; files: string[] } }).standing;
    expect(opened).toMatchObject({ created: true, files: ['A grants/warehouse/dana-standing.yaml', 'A grants/warehouse/erik-standing.yaml', 'D grants/warehouse/gus-standing.yaml'] });
    expect(github.pull('example-org/access', opened.pullRequest).headRef).toBe('gitgrant/standing-access');

    // Erik moves to Sales, Fay joins Data.
    repo.write(people({ email: 'dana@example.com', department: 'Data' }, { email: 'erik@example.com', department: 'Sales' }, { email: 'fay@example.com', department: 'Data' }, { email: 'gus@example.com', department: 'Sales' }));
    repo.commitAll('HR export');
    const second = JSON.parse((await cli(world, repo, 'hr-check', '--now', T0, '--json')).stdout) as { standing: { pullRequest: number; created: boolean } };

    expect(second.standing).toMatchObject({ pullRequest: opened.pullRequest, created: false });
    expect(branchFiles(bare)).toEqual(['grants/warehouse/dana-standing.yaml', 'grants/warehouse/fay-standing.yaml']);
    const writes = github.calls('pulls/create') + github.calls('pulls/update');
    const count = pulls();

    const third = JSON.parse((await cli(world, repo, 'hr-check', '--now', T0, '--json')).stdout) as { standing: { unchanged: boolean } };

    expect(third.standing.unchanged).toBe(true);
    expect(github.calls('pulls/create') + github.calls('pulls/update')).toBe(writes);
    expect(pulls()).toBe(count);
    expect(github.violations()).toEqual([]);
  });

  it('closes the pull request with a comment, and deletes its branch, once HR calls for no change', async () => {
    const repo = gitRepo([HR_POLICY, warehouse, people({ email: 'dana@example.com', department: 'Data' })]);
    const bare = withOrigin(repo);
    const opened = (JSON.parse((await cli(world, repo, 'hr-check', '--now', T0, '--json')).stdout) as { standing: { pullRequest: number } }).standing;

    // Dana moves to Sales: nobody should hold the role standing, and nobody does.
    repo.write(people({ email: 'dana@example.com', department: 'Sales' })).commitAll('HR export');
    const run = await cli(world, repo, 'hr-check', '--now', T0);

    expect(run.stdout).toContain(`pull request #${opened.pullRequest} closed`);
    const pull = github.issue('example-org/access', opened.pullRequest);
    expect(pull.state).toBe('closed');
    expect(pull.comments.map((c) => c.body)).toEqual([STANDING_PR_CLOSED_COMMENT]);
    expect(execFileSync('git', ['--git-dir', bare, 'branch', '--list', 'gitgrant/standing-access'], { encoding: 'utf8' })).toBe('');
    const writes = github.calls('pulls/update') + github.calls('issues/create-comment');

    const again = JSON.parse((await cli(world, repo, 'hr-check', '--now', T0, '--json')).stdout) as { standing?: unknown };

    expect(again.standing).toBeUndefined();
    expect(github.calls('pulls/update') + github.calls('issues/create-comment')).toBe(writes);
    expect(github.violations()).toEqual([]);
  });

  it('closes the pull request when GitHub has already deleted its branch', async () => {
    const repo = gitRepo([HR_POLICY, warehouse, people({ email: 'dana@example.com', department: 'Data' })]);
    const bare = withOrigin(repo);
    const opened = (JSON.parse((await cli(world, repo, 'hr-check', '--now', T0, '--json')).stdout) as { standing: { pullRequest: number } }).standing;
    execFileSync('git', ['--git-dir', bare, 'branch', '-D', 'gitgrant/standing-access']);

    repo.write(people({ email: 'dana@example.com', department: 'Sales' })).commitAll('HR export');
    const run = await cli(world, repo, 'hr-check', '--now', T0);

    expect(run.code, run.stderr).toBe(0);
    expect(github.issue('example-org/access', opened.pullRequest).state).toBe('closed');
  });
});
