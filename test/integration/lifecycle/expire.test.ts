import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../../src/core/audit/trailers.js';
import { aGrant } from '../../support/builders/model.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';
import { awsRole, cli, gcpRole, gitRepo, membersOf, startWorld, type World } from './harness.js';

const T0 = '2026-11-23T10:00:00Z';
const T1 = '2026-11-23T13:00:00Z';

describe('gitgrant expire', () => {
  let world: World;
  beforeEach(async () => void (world = await startWorld()));
  afterEach(() => world.close());

  const alice = aGrant().for('alice@example.com').ofRole('app-readonly').named('alice-1').expiringAt('2026-11-23T12:00:00Z');
  const bob = aGrant().for('bob@example.com').ofRole('app-readonly').named('bob-1').expiringAt('2026-11-23T18:00:00Z');

  it('revokes an expired grant in the cloud and deletes its file in one commit with trailers', async () => {
    const repo = gitRepo([gcpRole(), alice.build(), bob.build()]);
    expect((await cli(world, repo, 'apply', '--now', T0)).code).toBe(0);
    expect(membersOf(world)).toEqual(['user:alice@example.com', 'user:bob@example.com']);

    const run = await cli(world, repo, 'expire', '--now', T1);

    expect(run.code).toBe(0);
    expect(membersOf(world)).toEqual(['user:bob@example.com']);
    expect(repo.git('ls-files', 'grants').trim().split('\n')).toEqual(['grants/app-readonly/bob-1.yaml']);
    const message = repo.git('log', '-1', '--format=%B');
    expect(message.split('\n')[0]).toBe('Expire 1 grant: alice@example.com app-readonly');
    expect(parseTrailers(message)).toEqual({
      action: 'expire',
      grants: [{ grant: 'grants/app-readonly/alice-1.yaml', role: 'app-readonly', grantee: 'alice@example.com', expiredAt: Date.parse('2026-11-23T12:00:00Z'), revokedAt: Date.parse(T1) }],
    });
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('leaves the file of a grant whose revocation fails, raises exactly one finding, exits 1, and converges on the next run', async () => {
    const stuck = aGrant().for('carol@example.com').ofRole('aws-admin').named('carol-1').expiringAt('2026-11-23T12:00:00Z');
    const repo = gitRepo([gcpRole(), awsRole('aws-admin'), alice.build(), stuck.build()]);
    expect((await cli(world, repo, 'apply', '--now', T0)).code).toBe(1); // the AWS account cannot be reached

    const run = await cli(world, repo, 'expire', '--now', T1, '--json');

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { revoked: string[]; findings: { kind: string; grants: string[] }[] };
    expect(result.revoked).toEqual(['grants/app-readonly/alice-1.yaml']);
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['EXPIRY_FAILED', ['grants/aws-admin/carol-1.yaml']]]);
    expect(repo.git('ls-files', 'grants').trim().split('\n')).toEqual(['grants/aws-admin/carol-1.yaml']);
    expect(membersOf(world)).toEqual([]);

    const again = await cli(world, repo, 'expire', '--now', T1, '--json');
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as { findings: { fingerprint: string }[] }).findings.map((f) => f.fingerprint)).toEqual(result.findings.map((f) => (f as unknown as { fingerprint: string }).fingerprint));
  });

  it('changes nothing on a dry run', async () => {
    const repo = gitRepo([gcpRole(), alice.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    const head = repo.git('rev-parse', 'HEAD');

    const run = await cli(world, repo, 'expire', '--now', T1, '--dry-run');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('would revoke grants/app-readonly/alice-1.yaml');
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('does nothing, and says so, when nothing has expired', async () => {
    const repo = gitRepo([gcpRole(), bob.build()]);
    const run = await cli(world, repo, 'expire', '--now', T1);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('gitgrant expire: nothing to revoke at 2026-11-23T13:00:00Z\n');
    expect(world.gcp.calls()).toBe(0);
  });
});

describe('gitgrant expire with ticket closure', () => {
  let world: World;
  let github: GitHubDouble;
  beforeEach(async () => {
    github = await startGitHubDouble();
    world = await startWorld({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'test-token', GITGRANT_GITHUB_THROTTLE: 'off', GITHUB_REPOSITORY: 'example-org/access' });
  });
  afterEach(async () => {
    await world.close();
    await github.close();
  });

  it('revokes a live grant whose GitHub issue ticket was closed, and keeps one whose issue is open', async () => {
    const closed = github.seedIssue({ repo: 'example-org/access', title: 'Debug checkout', state: 'closed' });
    const open = github.seedIssue({ repo: 'example-org/access', title: 'Debug search' });
    const done = aGrant().for('alice@example.com').named('alice-t').withTicket(`#${closed}`).expiringAt('2026-11-23T18:00:00Z');
    const ongoing = aGrant().for('bob@example.com').named('bob-t').withTicket(`#${open}`).expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([gcpRole(), done.build(), ongoing.build()]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'expire', '--now', T0);

    expect(run.code).toBe(0);
    expect(membersOf(world)).toEqual(['user:bob@example.com']);
    const trailers = parseTrailers(repo.git('log', '-1', '--format=%B'));
    expect(trailers?.action).toBe('revoke-ticket');
    expect(trailers?.grants.map((g) => [g.grant, g.reason])).toEqual([['grants/app-readonly/alice-t.yaml', `ticket #${closed} was closed`]]);
    expect(github.violations()).toEqual([]);
  });

  it('keeps a grant whose ticket issue no longer exists, and reports it', async () => {
    github.seedIssue({ repo: 'example-org/access', title: 'Some other issue' });
    const orphaned = aGrant().for('carol@example.com').named('carol-t').withTicket('#404').expiringAt('2026-11-23T18:00:00Z');
    const repo = gitRepo([gcpRole(), orphaned.build()]);

    const run = await cli(world, repo, 'expire', '--now', T0, '--json');

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { findings: { kind: string; grants: string[] }[] };
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['TICKET_NOT_FOUND', [orphaned.path]]]);
    expect(repo.git('ls-files', 'grants').trim()).toBe(orphaned.path);
  });
});
