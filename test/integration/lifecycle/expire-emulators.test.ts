/**
 * The sweep against both emulators at once: moto (IAM and Identity Center, through the fault proxy)
 * and the GCP double, on the plan suite's scenario. At T1 alice's grant (GCP + IAM) and heidi's
 * (Identity Center) have expired; bob's is still on.
 */
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../../src/core/audit/trailers.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import type { TempRepo } from '../../support/temp-repo.js';
import type { FileSpec } from '../../support/builders/model.js';
import { ALICE, BOB, HEIDI, PROJECT, T0, T1, managedOf, seedScenario, type Scenario } from '../plan/scenario.js';

let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => void (cloud = await startTestCloud()));
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

function gitScenario(extra: FileSpec[] = []): TempRepo {
  const repo = scenario.repo([...scenario.files, ...extra]).initGit();
  repo.git('config', 'user.name', 'gitgrant-test[bot]');
  repo.git('config', 'user.email', 'bot@example.com');
  return repo;
}

async function iamStatements(userName: string): Promise<unknown[]> {
  const stored = (await cloud.iamPolicies('/gitgrant/')).find((p) => p.name === `gitgrant-${userName}`);
  return stored ? (JSON.parse(stored.document) as { Statement: unknown[] }).Statement : [];
}

async function assignedUsers(): Promise<string[]> {
  const listed = await cloud.aws.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: scenario.instanceArn, AccountId: scenario.account, PermissionSetArn: scenario.permissionSetArn }));
  return (listed.AccountAssignments ?? []).map((a) => a.PrincipalId!);
}

describe('gitgrant expire against moto and the GCP double', () => {
  it('removes expired access from GCP, IAM and Identity Center, and the files from main in one commit', async () => {
    const repo = gitScenario();
    expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(0);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);

    const run = await cloud.run(['expire', '--repo', repo.root], T1);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(managedOf(await cloud.gcpBindings(PROJECT)).flatMap((b) => b.members)).toEqual([`user:${BOB}`]);
    expect(await iamStatements(ALICE)).toEqual([]);
    expect(await iamStatements(BOB)).toHaveLength(1);
    expect(await assignedUsers()).toEqual([]);
    expect(repo.git('ls-files', 'grants').trim().split('\n')).toEqual([scenario.grants.bob.path]);
    const trailers = parseTrailers(repo.git('log', '-1', '--format=%B'));
    expect(trailers?.grants.map((g) => g.grantee).sort()).toEqual([ALICE, HEIDI]);
  });

  it('keeps the file of a grant whose IAM revocation fails, revokes the rest, and converges on the next run', async () => {
    const repo = gitScenario();
    await cloud.run(['apply', '--repo', repo.root], T0);
    // The IAM account cannot be read however often the SDK retries.
    cloud.proxy.setRates([{ fault: 'server-error', rate: 1, action: 'GetAccountAuthorizationDetails' }]);

    const run = await cloud.run(['expire', '--repo', repo.root, '--json'], T1);

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { revoked: string[]; findings: { kind: string; grants: string[] }[] };
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['EXPIRY_FAILED', [scenario.grants.alice.path]]]);
    expect(result.revoked).toEqual([scenario.grants.heidi.path]);
    expect(repo.git('ls-files', 'grants').trim().split('\n').sort()).toEqual([scenario.grants.alice.path, scenario.grants.bob.path].sort());

    // The account recovers: the next run finishes the job.
    cloud.proxy.setRates([]);
    const next = await cloud.run(['expire', '--repo', repo.root, '--json'], T1);

    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as { revoked: string[] }).revoked).toEqual([scenario.grants.alice.path]);
    expect(await iamStatements(ALICE)).toEqual([]);
    expect(repo.git('ls-files', 'grants').trim()).toBe(scenario.grants.bob.path);
  });

  // Attack: a requester writes a short grant naming a protected principal (here heidi's Identity
  // Center user, standing in for the automation's or a break-glass user) on a role whose permission
  // set that principal is assigned. Apply never removes it; the expiry sweep did, because the
  // assignment's id names the user, not the grant.
  it('never removes a protected principal\'s Identity Center assignment: the grant stays, with a finding, and the run exits 1', async () => {
    const repo = gitScenario([{ path: 'policies/apply.yaml', text: `apply:\n  protected: [${JSON.stringify(scenario.heidiId)}]\n` }]);
    expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(0);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);

    const preview = await cloud.run(['expire', '--repo', repo.root, '--json', '--dry-run'], T1);
    expect(preview.code).toBe(1);
    expect((JSON.parse(preview.stdout) as { failed: { grant: string }[] }).failed.map((f) => f.grant)).toEqual([scenario.grants.heidi.path]);

    const run = await cloud.run(['expire', '--repo', repo.root, '--json'], T1);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as { revoked: string[]; failed: { grant: string; causes: string[] }[]; findings: { kind: string; grants: string[]; details: string[] }[] };
    expect(await assignedUsers()).toEqual([scenario.heidiId]);
    expect(result.revoked).toEqual([scenario.grants.alice.path]);
    expect(result.failed.map((f) => f.grant)).toEqual([scenario.grants.heidi.path]);
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['EXPIRY_FAILED', [scenario.grants.heidi.path]]]);
    expect(result.findings[0]!.details.join('\n')).toContain(`held: removing ${scenario.heidiId}'s ${scenario.permissionSetArn} would take away a protected principal's access (policies: apply.protected)`);
    expect(repo.git('ls-files', 'grants').trim().split('\n').sort()).toEqual([scenario.grants.bob.path, scenario.grants.heidi.path].sort());
    // Everyone else's expiry went ahead: alice's GCP binding and IAM statement are gone.
    expect(managedOf(await cloud.gcpBindings(PROJECT)).flatMap((b) => b.members)).toEqual([`user:${BOB}`]);
    expect(await iamStatements(ALICE)).toEqual([]);
  });

  // Attack: a policy owner breaks the file that sets apply.protected, so the list reads as empty.
  it('when apply.protected does not load, still expires GCP and IAM grants but holds Identity Center removals, naming the file', async () => {
    const repo = gitScenario([{ path: 'policies/apply.yaml', text: `apply:\n  protected: [${JSON.stringify(scenario.heidiId)}]\n  protect: []\n` }]);
    expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(1);
    expect(await assignedUsers()).toEqual([]);
    // The assignment exists (made while the list loaded, or by hand for the automation).
    const valid = gitScenario([{ path: 'policies/apply.yaml', text: `apply:\n  protected: [${JSON.stringify(scenario.heidiId)}]\n` }]);
    expect((await cloud.run(['apply', '--repo', valid.root], T0)).code).toBe(0);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);

    const run = await cloud.run(['expire', '--repo', repo.root, '--json'], T1);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as { revoked: string[]; findings: { kind: string; grants: string[]; details: string[] }[] };
    expect(result.revoked).toEqual([scenario.grants.alice.path]);
    expect(await iamStatements(ALICE)).toEqual([]);
    expect(managedOf(await cloud.gcpBindings(PROJECT)).flatMap((b) => b.members)).toEqual([`user:${BOB}`]);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);
    expect(result.findings.map((f) => [f.kind, f.grants])).toEqual([['EXPIRY_FAILED', [scenario.grants.heidi.path]]]);
    expect(result.findings[0]!.details.join('\n')).toMatch(/held: the protected principals \(apply\.protected\) did not load.*\(fix policies\/apply\.yaml:3:\d+\)/);
  });
});
