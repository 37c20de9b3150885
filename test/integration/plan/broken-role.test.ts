/**
 * A role file that does not load on main (a merge that breaks it, or its owner's edit) used to make
 * the targets only that role names invisible: `plan` and `apply` did not read them, so a deleted
 * grant's binding there stayed without a word, every Identity Center removal in the organisation
 * waited for the role, and `expire` left an expired grant's access in place. The run now takes the
 * role's targets from its last version on main's first-parent history that loads: it reads them,
 * says what it keeps and why, removes what no grant on main stands for, and never adds anything
 * for the broken role. Against moto and the GCP double, with the repo as a git history.
 */
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Instant } from '../../../src/core/model/types.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { aGrant, type FileSpec } from '../../support/builders/model.js';
import type { TempRepo } from '../../support/temp-repo.js';
import { ALICE, BOB, PROJECT, T0, T1, managedOf, seedScenario, type Scenario } from './scenario.js';

let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => void (cloud = await startTestCloud()));
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

/** A quarter of an hour after the first apply, while every grant of the scenario is still on. */
const LATER = T0 + 15 * 60_000;
const IVAN = 'ivan@example.com';

/** The scenario committed on main, as the apply workflow checks it out (full history). */
function mainRepo(): TempRepo {
  const repo = scenario.repo().initGit('The organisation');
  repo.git('config', 'user.name', 'gitgrant-test[bot]');
  repo.git('config', 'user.email', 'bot@example.com');
  return repo;
}

const roleFile = (name: string) => scenario.files.find((f) => f.path === `roles/${name}.yaml`)!;
/** The role's file as a merge left it: a key its schema refuses, so the role does not load. */
const broken = (name: string): FileSpec => ({ path: roleFile(name).path, text: `${roleFile(name).text}\nunknownKey: 1\n` });

const run = (repo: TempRepo, command: string, now: Instant, ...args: string[]) => cloud.run([command, '--repo', repo.root, ...args], now);
const gcpMembers = async () => managedOf(await cloud.gcpBindings(PROJECT)).map((b) => b.members![0]).sort();

async function iamStatements(userName: string): Promise<unknown[]> {
  const stored = (await cloud.iamPolicies('/gitgrant/')).find((p) => p.name === `gitgrant-${userName}`);
  return stored ? (JSON.parse(stored.document) as { Statement: unknown[] }).Statement : [];
}

async function assignedUsers(): Promise<string[]> {
  const listed = await cloud.aws.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: scenario.instanceArn, AccountId: scenario.account, PermissionSetArn: scenario.permissionSetArn }));
  return (listed.AccountAssignments ?? []).map((a) => a.PrincipalId!).sort();
}

describe('apply while a role does not load', () => {
  it('reads the targets only the broken role names, removes a deleted grant\'s access there, and keeps the rest as it is', async () => {
    const repo = mainRepo();
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    const lastLoaded = repo.git('log', '-1', '--format=%H', '--', 'roles/db-readonly.yaml').trim();
    const bobBefore = { gcp: managedOf(await cloud.gcpBindings(PROJECT)).find((b) => b.members![0] === `user:${BOB}`), iam: await iamStatements(BOB) };
    expect(await gcpMembers()).toEqual([`user:${ALICE}`, `user:${BOB}`]);

    // Main now: db-readonly broken by a merge, and alice's grant deleted (an early revocation).
    repo.write(broken('db-readonly')).remove(scenario.grants.alice.path).commitAll('Merge two pull requests');
    const result = await run(repo, 'apply', LATER);

    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/roles\/db-readonly\.yaml:\d+:\d+: error /);
    // Alice's access is gone from the project and the account only the broken role names.
    expect(await gcpMembers()).toEqual([`user:${BOB}`]);
    expect(await iamStatements(ALICE)).toEqual([]);
    // Bob's grant is still on main: his access stays exactly as it was approved.
    expect(managedOf(await cloud.gcpBindings(PROJECT)).find((b) => b.members![0] === `user:${BOB}`)).toEqual(bobBefore.gcp);
    expect(await iamStatements(BOB)).toEqual(bobBefore.iam);
    // And the run says what it read, from where, and what it kept.
    expect(result.stdout).toContain(
      `gitgrant apply: role db-readonly does not load: its targets (aws:iam:${scenario.account}, gcp:${PROJECT}) were read as its last version on main that loads names them (roles/db-readonly.yaml at ${lastLoaded.slice(0, 12)}); `
      + 'kept 2 bindings its grants on main stand for as they are, held back 0 additions or changes for it; removals of its deleted or expired grants go ahead',
    );
    expect(result.stdout).toContain('gitgrant apply: 2 of 2 changes applied on 2 targets (0 added, 0 changed, 2 removed); 0 failures');
  });

  it('does not hold another role\'s Identity Center removal because some role does not load', async () => {
    const repo = mainRepo();
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);

    // Main now: db-readonly broken, and heidi's ops grant deleted.
    repo.write(broken('db-readonly')).remove(scenario.grants.heidi.path).commitAll('Merge two pull requests');
    const result = await run(repo, 'apply', LATER);

    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).not.toContain('Identity Center removal');
    expect(await assignedUsers()).toEqual([]);
  });

  it('removes an expired grant\'s assignment on a target only the broken Identity Center role names, keeps a live one, and adds nothing for it', async () => {
    const ivanId = await cloud.createIdentityStoreUser(IVAN);
    const ivan = aGrant().for(IVAN).ofRole('ops').expiringAt('2026-11-23T18:00:00Z').build();
    const repo = mainRepo();
    repo.write(ivan).commitAll('Ivan gets ops');
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    expect(await assignedUsers()).toEqual([scenario.heidiId, ivanId].sort());

    // Main now: ops broken, and a new grant of it for judy (added before the merge that broke it).
    const judyId = await cloud.createIdentityStoreUser('judy@example.com');
    const judy = aGrant().for('judy@example.com').ofRole('ops').expiringAt('2026-11-23T18:00:00Z').build();
    repo.write(judy).commitAll('Judy gets ops');
    repo.write(broken('ops')).commitAll('Merge a pull request that breaks ops');
    // After heidi's grant has expired.
    const result = await run(repo, 'apply', T1);

    expect(result.code, result.stdout).toBe(1);
    const assigned = await assignedUsers();
    expect(assigned).not.toContain(scenario.heidiId);
    expect(assigned).toContain(ivanId);
    expect(assigned).not.toContain(judyId);
    expect(result.stdout).toContain('kept 1 binding its grants on main stand for as it is, held back 1 addition or change for it');
  });

  it('plan reads and says the same without changing anything', async () => {
    const repo = mainRepo();
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    repo.write(broken('db-readonly')).remove(scenario.grants.alice.path).commitAll('Merge two pull requests');

    const result = await run(repo, 'plan', LATER);

    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain('Plan: 0 to add, 0 to change, 2 to remove');
    expect(result.stdout).toContain('gitgrant plan: role db-readonly does not load: its targets');
    expect(await gcpMembers()).toEqual([`user:${ALICE}`, `user:${BOB}`]);
  });

  it('says so and holds as before when no version of the role on main loads', async () => {
    const repo = mainRepo();
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    // A checkout without the history (here: the role broken since the commit that added it).
    const fresh = scenario.repo([...scenario.files.filter((f) => f !== scenario.grants.alice && f.path !== 'roles/db-readonly.yaml'), broken('db-readonly')]).initGit('Broken from the start');

    const result = await run(fresh, 'apply', LATER);

    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain('gitgrant apply: role db-readonly does not load and no version of roles/db-readonly.yaml on main\'s first-parent history loads, so the targets only it names were not read: fix the role, or check out main with its full history (fetch-depth: 0)');
    expect(await gcpMembers()).toEqual([`user:${ALICE}`, `user:${BOB}`]);
  });
});

describe('expire while a role does not load', () => {
  it('still removes an expired grant\'s bindings on the targets of the role\'s last loading version, in every cloud', async () => {
    const repo = mainRepo();
    expect((await run(repo, 'apply', T0)).code).toBe(0);
    const lastLoaded = repo.git('log', '-1', '--format=%H').trim();
    repo.write(broken('db-readonly'), broken('ops')).commitAll('Merge a pull request that breaks both roles');

    // T1: alice's (GCP + IAM) and heidi's (Identity Center) grants have expired; bob's is on.
    const preview = await run(repo, 'expire', T1, '--dry-run');
    expect(preview.stdout).toContain(`gitgrant expire: role ops does not load: its grants' bindings are looked for on the targets its last version on main that loads names (roles/ops.yaml at ${lastLoaded.slice(0, 12)})`);
    expect(preview.stdout).toContain('gitgrant expire: 3 bindings to remove in 3 targets');
    expect(await assignedUsers()).toEqual([scenario.heidiId]);
    const result = await run(repo, 'expire', T1, '--json');

    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { revoked: string[]; failed: unknown[] };
    expect(out.failed).toEqual([]);
    expect(out.revoked.sort()).toEqual([scenario.grants.alice.path, scenario.grants.heidi.path].sort());
    expect(await gcpMembers()).toEqual([`user:${BOB}`]);
    expect(await iamStatements(ALICE)).toEqual([]);
    expect(await iamStatements(BOB)).toHaveLength(1);
    expect(await assignedUsers()).toEqual([]);
    expect(repo.git('ls-files', 'grants').trim().split('\n')).toEqual([scenario.grants.bob.path]);
  });

  it('keeps the file and says why when the role has no version that loads', async () => {
    const fresh = scenario.repo([...scenario.files.filter((f) => f.path !== 'roles/ops.yaml'), broken('ops')]).initGit('Broken from the start');
    fresh.git('config', 'user.name', 'gitgrant-test[bot]');
    fresh.git('config', 'user.email', 'bot@example.com');

    const result = await run(fresh, 'expire', T1, '--json');

    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { failed: { grant: string; causes: string[] }[] };
    expect(out.failed.map((f) => f.grant)).toEqual([scenario.grants.heidi.path]);
    expect(out.failed[0]!.causes[0]).toContain('role ops does not load');
  });
});
