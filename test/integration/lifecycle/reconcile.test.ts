import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import { aGrant } from '../../support/builders/model.js';
import { cli, gcpRole, gitRepo, membersOf, PROJECT, roleYaml, startWorld, type World } from './harness.js';

const T0 = '2026-11-23T10:00:00Z';

describe('gitgrant reconcile', () => {
  let world: World;
  beforeEach(async () => void (world = await startWorld()));
  afterEach(() => world.close());

  const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-23T18:00:00Z');
  const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');

  it('removes a binding with gitgrant\'s marker that no grant asks for, and reports it', async () => {
    const repo = gitRepo([gcpRole(), alice.build(), bob.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    // bob's file disappears from main without the sweep (a bad merge, a manual delete): his binding is an orphan.
    repo.remove(bob.path).commitAll('Remove bob by hand');

    const run = await cli(world, repo, 'reconcile', '--now', T0, '--json');

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; removed: number; complete: boolean };
    expect(result.findings.map((f) => [f.kind, f.outcome])).toEqual([['ORPHAN_BINDING', 'removed']]);
    expect(result.findings[0]!.summary).toContain('user:bob@example.com has roles/viewer on gcp:projects/acme-test');
    expect(result).toMatchObject({ removed: 1, complete: true });
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
  });

  it('removes gitgrant\'s bindings from a target its role no longer names, found through the role\'s history', async () => {
    const RETIRED = 'projects/acme-retired';
    const twoTargets = roleYaml('app-readonly', [{ gcp: { resource: PROJECT, role: 'roles/viewer' } }, { gcp: { resource: RETIRED, role: 'roles/viewer' } }]);
    const repo = gitRepo([{ path: 'roles/app-readonly.yaml', text: twoTargets }, alice.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    expect(world.gcp.policy(RETIRED)?.bindings?.flatMap((b) => b.members)).toEqual(['user:alice@example.com']);
    // The role drops the second project; plan and apply never read that project again.
    repo.write(gcpRole()).commitAll('Stop granting on the retired project');
    expect(JSON.parse((await cli(world, repo, 'plan', '--now', T0, '--json')).stdout).totals.remove).toBe(0);

    const run = await cli(world, repo, 'reconcile', '--now', T0, '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[]; removed: number };
    expect(result.findings.map((f) => [f.kind, f.outcome, f.target])).toEqual([['ORPHAN_BINDING', 'removed', `gcp:${RETIRED}`]]);
    expect(result.removed).toBe(1);
    expect(world.gcp.policy(RETIRED)?.bindings ?? []).toEqual([]);
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
  });

  it('removes what an expired grant left behind', async () => {
    const repo = gitRepo([gcpRole(), alice.build()]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'reconcile', '--now', '2026-11-23T19:00:00Z', '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['EXPIRED_LEFTOVER', [alice.path]]]);
    expect(membersOf(world)).toEqual([]);
  });

  it('reports access to a role\'s permission that gitgrant did not make, and never touches it', async () => {
    world.gcp.seedPolicy(PROJECT, { version: 1, bindings: [{ role: 'roles/viewer', members: ['user:mallory@example.com'] }, { role: 'roles/owner', members: ['user:root@example.com'] }] });
    const repo = gitRepo([gcpRole(), alice.build()]);
    await cli(world, repo, 'apply', '--now', T0);

    const run = await cli(world, repo, 'reconcile', '--now', T0, '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(result.findings.map((f) => [f.kind, f.outcome, f.notify])).toEqual([['UNMANAGED_ACCESS', 'reported', ['@example-org/owners', '@example-org/security']]]);
    expect(result.findings[0]!.summary).toContain('user:mallory@example.com has roles/viewer');
    expect(membersOf(world)).toEqual(['user:alice@example.com', 'user:mallory@example.com']);
    expect(membersOf(world, 'roles/owner')).toEqual(['user:root@example.com']);
  });

  it('stops before removing more bindings than --max-removals allows, and says why', async () => {
    const repo = gitRepo([gcpRole(), alice.build(), bob.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    repo.remove(alice.path).remove(bob.path).commitAll('Every grant gone at once');

    const run = await cli(world, repo, 'reconcile', '--now', T0, '--max-removals', '1');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('stopped before any removal: the plan removes 2 bindings, more than the limit of 1');
    expect(membersOf(world)).toEqual(['user:alice@example.com', 'user:bob@example.com']);
  });

  it('removes nothing on a dry run, and reports what it would remove', async () => {
    const repo = gitRepo([gcpRole(), alice.build(), bob.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    repo.remove(bob.path).commitAll('Remove bob by hand');

    const run = await cli(world, repo, 'reconcile', '--now', T0, '--dry-run');

    expect(run.lines).toContain(`gitgrant reconcile: 1 finding, 0 bindings removed (dry run)`);
    // Not "reported": the real run removes it, and the dry run says so.
    expect(run.stdout).toContain('finding ORPHAN_BINDING (would be removed)');
    expect(run.stdout).not.toContain('(reported)');
    const json = await cli(world, repo, 'reconcile', '--now', T0, '--dry-run', '--json');
    expect((JSON.parse(json.stdout) as { findings: Finding[] }).findings.map((f) => [f.kind, f.outcome])).toEqual([['ORPHAN_BINDING', 'would-remove']]);
    expect(membersOf(world)).toEqual(['user:alice@example.com', 'user:bob@example.com']);
  });
});
