/**
 * Finding 8 of issue 9: one file that does not validate on main used to stop every apply, so an
 * early revocation (a deleted grant file) stopped taking effect while main was broken. On an
 * invalid main, apply holds back every addition and change, still makes every removal, and keeps
 * the bindings of grant files that do not validate exactly as they are. Against moto and the GCP
 * double, through `main([...])`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Instant } from '../../../src/core/model/types.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { aGrant, type FileSpec } from '../../support/builders/model.js';
import { aTargetedRole } from '../../support/builders/plan.js';
import { ALICE, BOB, PROJECT, T0, managedOf, seedScenario, type Scenario } from './scenario.js';

let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

/** A quarter of an hour after the first apply, while every grant of the scenario is still on. */
const LATER = T0 + 15 * 60_000;
const bobPath = () => scenario.grants.bob.path;
const apply = (files: FileSpec[], now: Instant) => cloud.run(['apply', '--repo', scenario.repo(files).root], now);

async function grantStatements(userName: string) {
  const stored = (await cloud.iamPolicies('/gitgrant/')).find((p) => p.name === `gitgrant-${userName}`);
  return stored ? (JSON.parse(stored.document) as { Statement: Record<string, unknown>[] }).Statement : [];
}

const gcpMembers = async () => managedOf(await cloud.gcpBindings(PROJECT)).map((b) => b.members![0]).sort();

/** Bob's file edited on main so that it does not validate, asking for a longer window than was approved. */
const bobInvalidWider = (): FileSpec => ({
  path: scenario.grants.bob.path,
  text: scenario.grants.bob.text.replace(/^reason: .*$/m, 'reason: later').replace('2026-11-23T15:00:00Z', '2026-11-24T15:00:00Z'),
});
const bobUnreadable = (): FileSpec => ({ path: scenario.grants.bob.path, text: 'grantee: [bob@example.com\nexpires: 2026-11-24T15:00:00Z\n' });
const carol = aGrant().for('carol@example.com').ofRole('db-readonly').expiringAt('2026-11-23T12:00:00Z').build();

describe('apply on a main that does not validate', () => {
  it.each([
    // Carol's two bindings are held back; so is the wider window bob's broken edit asks for, in both clouds.
    ['an edit that breaks the policy', bobInvalidWider, '2 additions, 2 changes'],
    ['a file that does not parse', bobUnreadable, '2 additions, 0 changes'],
  ])('still revokes a deleted grant, holds back a new one, and keeps the grant of %s as it was', async (_, brokenBob, heldBack) => {
    expect((await apply(scenario.files, T0)).code).toBe(0);
    const bobBefore = { gcp: managedOf(await cloud.gcpBindings(PROJECT)).find((b) => b.members![0] === `user:${BOB}`), iam: await grantStatements(BOB) };

    // Main now: alice's grant deleted (an early revocation), bob's file broken, carol's grant new.
    const files = [...scenario.files.filter((f) => f !== scenario.grants.alice && f !== scenario.grants.bob), brokenBob(), carol];
    const run = await apply(files, LATER);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`${scenario.grants.bob.path}:\\d+:\\d+: error `));
    expect(run.stdout).toContain(`gitgrant apply: the repository does not validate: additions and changes are held back (${heldBack}); removals still apply`);
    expect(run.stdout).toContain('gitgrant apply: 2 of 2 changes applied on 2 targets (0 added, 0 changed, 2 removed); 0 failures');
    // Alice's access is gone in both clouds; carol got nothing; bob's stayed exactly as it was approved.
    expect(await gcpMembers()).toEqual([`user:${BOB}`]);
    expect(await grantStatements(ALICE)).toEqual([]);
    expect(await grantStatements('carol@example.com')).toEqual([]);
    expect(managedOf(await cloud.gcpBindings(PROJECT)).find((b) => b.members![0] === `user:${BOB}`)).toEqual(bobBefore.gcp);
    expect(await grantStatements(BOB)).toEqual(bobBefore.iam);
  });

  it('holds back only the removals a grant of a role that does not load may stand for: every other early revocation goes ahead', async () => {
    // Another role on the same project, with a grant: the project is read whichever role loads.
    const viewer = aTargetedRole('project-viewer').onGcp(PROJECT, 'roles/viewer').build();
    const dave = aGrant().for('dave@example.com').ofRole('project-viewer').expiringAt('2026-11-23T12:00:00Z').build();
    expect((await apply([...scenario.files, viewer, dave], T0)).code).toBe(0);
    expect(await gcpMembers()).toEqual([`user:${ALICE}`, `user:${BOB}`, 'user:dave@example.com']);
    const brokenRole = scenario.files.find((f) => f.path === 'roles/db-readonly.yaml')!;

    // Main now: db-readonly does not load; dave's grant (of a role that loads) and alice's (of the broken one) are deleted.
    const files = [...scenario.files.filter((f) => f !== scenario.grants.alice).map((f) => (f === brokenRole ? { path: f.path, text: `${f.text}\nunknownKey: 1\n` } : f)), viewer];
    const run = await apply(files, LATER);

    expect(run.code, run.stdout).toBe(1);
    // Only bob's is held: his file is still on main, and his role cannot say what it stands for.
    expect(run.stdout).toContain(`gitgrant apply: held back 1 removal of bindings that grants of role db-readonly stand for (${bobPath()}): the role does not load, so they stay as they are until it does, unless the cloud has already ended them`);
    expect(run.stdout).toContain('gitgrant apply: 2 of 2 changes applied on 1 target (0 added, 0 changed, 2 removed); 0 failures');
    expect(await gcpMembers()).toEqual([`user:${BOB}`]);
  });

  it.each([
    ['a value its schema refuses', `apply:\n  protected: ["user:${ALICE}"]\n  protect: []\n`],
    ['YAML that does not parse', `apply:\n  protected: ["user:${ALICE}"\n`],
  ])('removes nothing the cloud has not ended when the file setting the protected principals has %s, and says why', async (_, text) => {
    const protectedFile = { path: 'policies/apply.yaml', text: `apply:\n  protected: ["user:${ALICE}"]\n` };
    expect((await apply([...scenario.files, protectedFile], T0)).code).toBe(0);
    // Main now: alice's grant deleted, and the file that protects her access broken.
    const files = [...scenario.files.filter((f) => f !== scenario.grants.alice), { path: protectedFile.path, text }];

    const run = await apply(files, LATER);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/policies\/apply\.yaml:\d+:\d+: error /);
    expect(run.stdout).toContain('gitgrant apply: held back 2 removals: the protected principals (apply.protected) did not load, so any removal could be of one; a removal goes ahead only where the cloud has already ended the access');
    expect(await gcpMembers()).toEqual([`user:${ALICE}`, `user:${BOB}`]);
    expect(await grantStatements(ALICE)).not.toEqual([]);
  });

  it('plan says the same, and exits 1', async () => {
    expect((await apply(scenario.files, T0)).code).toBe(0);
    const files = [...scenario.files.filter((f) => f !== scenario.grants.alice && f !== scenario.grants.bob), bobInvalidWider(), carol];
    const run = await cloud.run(['plan', '--repo', scenario.repo(files).root], LATER);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('gitgrant plan: the repository does not validate: additions and changes are held back (2 additions, 2 changes); removals still apply');
    expect(run.stdout).toContain('Plan: 0 to add, 0 to change, 2 to remove');
  });
});
