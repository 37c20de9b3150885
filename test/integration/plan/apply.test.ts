/**
 * plan and apply end to end: `main([...])` with real SDK clients against moto (through the fault
 * proxy) and real Resource Manager clients against the GCP double, the clock given by --now.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, DeleteUserCommand, DetachUserPolicyCommand, GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Instant } from '../../../src/core/model/types.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { aGrant, aPolicy } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { aTargetedRole } from '../../support/builders/plan.js';
import { ALICE, BOB, PROJECT, T0, T1, UNMANAGED_GCP, WINDOWS, managedOf, seedScenario, unmanagedOf, type Scenario } from './scenario.js';

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

const apply = (repo: TempRepo, now: Instant, ...flags: string[]) => cloud.run(['apply', '--repo', repo.root, ...flags], now);

async function planTotals(repo: TempRepo, now: Instant) {
  const result = await cloud.run(['plan', '--json', '--repo', repo.root], now);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout).totals as { add: number; update: number; remove: number; unmanaged: number; targets: number };
}

/** Everything that could change, read raw: the project's policy and every IAM policy with its version. */
async function cloudState() {
  return { gcp: JSON.stringify(await cloud.gcpBindings(PROJECT)), iam: await cloud.iamPolicies() };
}

async function grantStatements(userName: string) {
  const stored = (await cloud.iamPolicies('/gitgrant/')).find((p) => p.name === `gitgrant-${userName}`);
  return stored ? (JSON.parse(stored.document) as { Statement: Record<string, unknown>[] }).Statement : [];
}

async function assignedUsers(): Promise<string[]> {
  const listed = await cloud.aws.ssoAdmin.send(
    new ListAccountAssignmentsCommand({ InstanceArn: scenario.instanceArn, AccountId: scenario.account, PermissionSetArn: scenario.permissionSetArn }),
  );
  return (listed.AccountAssignments ?? []).map((a) => a.PrincipalId!);
}

const MUTATING = /^(Create|Delete|Attach|Detach|Put|Update|SetIamPolicy)/;
const writesThroughProxy = () => Object.keys(cloud.proxy.calls()).filter((action) => MUTATING.test(action));

describe('apply against the emulators', () => {
  it('applies every binding, and a second plan and apply find nothing to do', async () => {
    const repo = scenario.repo();
    const first = await apply(repo, T0);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toContain('0 failures');

    // Unmanaged: three GCP members, and alice's hand-made policy on the IAM role.
    expect(await planTotals(repo, T0)).toEqual({ add: 0, update: 0, remove: 0, unmanaged: 4, targets: 0 });
    cloud.proxy.resetCounts();
    const writesBefore = cloud.double.calls('setIamPolicy');
    const second = await apply(repo, T0);
    expect(second.stdout).toContain('No changes: the cloud matches the grants.');
    expect(second.stdout).toContain('gitgrant apply: 0 of 0 changes applied on 0 targets (0 added, 0 changed, 0 removed); 0 failures');
    expect(writesThroughProxy()).toEqual([]);
    expect(cloud.double.calls('setIamPolicy')).toBe(writesBefore);
  });

  it('writes the grant\'s exact window into the stored GCP condition and the AWS statement', async () => {
    const repo = scenario.repo();
    expect((await apply(repo, T0)).code).toBe(0);

    const managed = managedOf(await cloud.gcpBindings(PROJECT));
    const aliceBinding = managed.find((b) => b.members?.includes(`user:${ALICE}`));
    expect(aliceBinding).toMatchObject({
      role: 'roles/cloudsql.viewer',
      members: [`user:${ALICE}`],
      condition: {
        expression: `request.time >= timestamp("${WINDOWS.alice.starts}") && request.time < timestamp("${WINDOWS.alice.expires}")`,
        title: expect.stringMatching(/^gitgrant gg[0-9a-f]{24}$/),
        description: `Granted by gitgrant for ${scenario.grants.alice.path}; expires ${WINDOWS.alice.expires}`,
      },
    });
    expect(managed.map((b) => b.members)).toEqual([[`user:${ALICE}`], [`user:${BOB}`]]);

    const [statement] = await grantStatements(ALICE);
    expect(statement).toEqual({
      Sid: expect.stringMatching(/^gg[0-9a-f]{24}$/),
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: scenario.roleArn,
      Condition: {
        DateGreaterThan: { 'aws:CurrentTime': WINDOWS.alice.starts },
        DateLessThan: { 'aws:CurrentTime': WINDOWS.alice.expires },
        StringEquals: { 'sts:RoleSessionName': ALICE },
      },
    });
    expect((await grantStatements(BOB))[0]).toMatchObject({ Condition: { DateGreaterThan: { 'aws:CurrentTime': WINDOWS.bob.starts } } });
    expect(await assignedUsers()).toEqual([scenario.heidiId]);
  });

  it('leaves access it did not make exactly as it was, through grant and expiry', async () => {
    const repo = scenario.repo();
    const handMade = (await cloud.iamPolicies()).filter((p) => !p.arn.includes(':policy/gitgrant/'));
    expect(handMade.map((p) => p.name)).toEqual(['legacy-db-reader']);

    for (const now of [T0, T1]) {
      expect((await apply(repo, now)).code).toBe(0);
      expect(JSON.stringify(unmanagedOf(await cloud.gcpBindings(PROJECT)))).toBe(JSON.stringify(UNMANAGED_GCP));
      expect((await cloud.iamPolicies()).filter((p) => !p.arn.includes(':policy/gitgrant/'))).toEqual(handMade);
    }
  });

  it('reports access it did not make beside the plan, never as a change', async () => {
    const repo = scenario.repo();
    const plan = await cloud.run(['plan', '--repo', repo.root], T0);

    expect(plan.stdout).toContain('! unmanaged: user:legacy-admin@example.com  roles/owner  (no condition)');
    expect(plan.stdout).toContain('! unmanaged: user:contractor@example.com  roles/cloudsql.viewer  contract');
    expect((await apply(repo, T0)).code).toBe(0);
    // Hand-made IAM access is seen on the users gitgrant manages a policy for.
    const again = await cloud.run(['plan', '--repo', repo.root], T0);
    expect(again.stdout).toContain(`! unmanaged: ${scenario.aliceArn}  ${scenario.roleArn}  legacy-db-reader:ReadForever`);
  });

  it('removes expired grants\' bindings once the clock passes their end, and keeps the rest', async () => {
    const repo = scenario.repo();
    expect((await apply(repo, T0)).code).toBe(0);
    expect(await planTotals(repo, T1)).toMatchObject({ add: 0, update: 0, remove: 3 });

    const after = await apply(repo, T1);
    expect(after.code, after.stdout).toBe(0);
    expect(managedOf(await cloud.gcpBindings(PROJECT)).map((b) => b.members)).toEqual([[`user:${BOB}`]]);
    expect(await grantStatements(ALICE)).toEqual([]);
    expect(await grantStatements(BOB)).toHaveLength(1);
    expect(await assignedUsers()).toEqual([]);
    expect(await planTotals(repo, T1)).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('apply --dry-run shows the plan and changes nothing', async () => {
    const repo = scenario.repo();
    const before = await cloudState();
    cloud.proxy.resetCounts();
    const writesBefore = cloud.double.calls('setIamPolicy');

    const dry = await cloud.run(['apply', '--dry-run', '--repo', repo.root], T0);
    expect(dry.code, dry.stdout).toBe(0);
    expect(dry.stdout).toContain('Plan: 5 to add');
    expect(dry.stdout).toContain('dry run, nothing applied');
    expect(await cloudState()).toEqual(before);
    expect(writesThroughProxy()).toEqual([]);
    expect(cloud.double.calls('setIamPolicy')).toBe(writesBefore);
    expect(await assignedUsers()).toEqual([]);
  });

  it('--max-removals stops a run that would remove more, before any change', async () => {
    const full = scenario.repo();
    expect((await apply(full, T0)).code).toBe(0);
    // A broken checkout: the grants are gone.
    const broken = scenario.repo(scenario.files.filter((f) => !f.path.startsWith('grants/')));
    const before = await cloudState();
    cloud.proxy.resetCounts();
    const writesBefore = cloud.double.calls('setIamPolicy');

    const stopped = await apply(broken, T0, '--max-removals', '2');
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('gitgrant apply: stopped before any change: the plan removes 5 bindings, more than the limit of 2');
    expect(await cloudState()).toEqual(before);
    expect(writesThroughProxy()).toEqual([]);
    expect(cloud.double.calls('setIamPolicy')).toBe(writesBefore);
    expect(await assignedUsers()).toEqual([scenario.heidiId]);

    const percent = await apply(broken, T0, '--max-removals', '50%');
    expect(percent.stdout).toContain('more than the limit of 2 (50% of 5 managed bindings)');
    expect(await cloudState()).toEqual(before);
  });

  it('reports a failing target with its cause, exits 1, applies the others, and the next run converges', async () => {
    const repo = scenario.repo();
    cloud.proxy.script('CreatePolicy', {
      status: 403,
      headers: { 'content-type': 'text/xml' },
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>gitgrant-test is not allowed to iam:CreatePolicy</Message></Error><RequestId>1</RequestId></ErrorResponse>',
    });

    const failed = await apply(repo, T0);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`apply: aws:iam:${scenario.account}: 2 changes FAILED: .*not allowed to iam:CreatePolicy`));
    expect(failed.stdout).toContain('1 failure');
    // Every planned change is accounted for once: 3 applied + 2 failed = the 5 planned, and the headline says it is incomplete.
    expect(failed.stdout).toContain('gitgrant apply: incomplete: 3 of 5 changes applied on 2 targets (3 added, 0 changed, 0 removed); 2 failed, 0 not applied; 1 failure\n');
    expect(failed.stdout).toContain('hint: nothing is lost: the grant files stay, and the next run retries what failed');
    expect(managedOf(await cloud.gcpBindings(PROJECT))).toHaveLength(2);

    const next = await apply(repo, T0);
    expect(next.code, next.stdout).toBe(0);
    expect(await planTotals(repo, T0)).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('counts what a target over a provider limit did not apply, so the numbers still add up', async () => {
    const handMadeSet = await cloud.createPermissionSet('hand-made', false);
    const repo = scenario.repo([
      ...scenario.files,
      aTargetedRole('ops-legacy').onIdentityCenter(handMadeSet, { account: scenario.account, instanceArn: scenario.instanceArn }).build(),
      aGrant().for('heidi@example.com').ofRole('ops-legacy').expiringIn('2h').build(),
    ]);

    const run = await apply(repo, T0);

    expect(run.code).toBe(1);
    // The Identity Center target's two adds are blocked (one set is not gitgrant's): 4 applied, 0 failed, 2 not applied.
    expect(run.stdout).toContain('gitgrant apply: incomplete: 4 of 6 changes applied on 2 targets (4 added, 0 changed, 0 removed); 0 failed, 2 not applied; 1 failure\n');
  });

  it('plan warns when a grantee has no IAM user, and apply says what to fix instead of promising a retry', async () => {
    const carol = aGrant().for('carol@example.com').ofRole('db-readonly').expiringIn('2h').named('carol-no-user').build();
    const repo = scenario.repo([...scenario.files, carol]);

    const plan = await cloud.run(['plan', '--repo', repo.root], T0);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toContain(`${carol.path}:1:1: warning AWS_IAM_USER_MISSING: account ${scenario.account} has no IAM user carol@example.com, so this grant cannot take effect there`);

    const applied = await apply(repo, T0);
    expect(applied.code).toBe(1);
    expect(applied.stdout).toContain(`gitgrant apply: aws:iam:${scenario.account}: will fail again until fixed: ${carol.path}:1:1: warning AWS_IAM_USER_MISSING`);
    expect(applied.stdout).toContain('hint: retrying will not help there: create the missing principals in the cloud, or map the people to ones that exist');
    expect(applied.stdout).not.toMatch(/next run retries/);
  });

  it('apply to a grantee with no IAM user leaves no gitgrant policy behind, and the next plan still shows the grant missing', async () => {
    const carol = aGrant().for('carol@example.com').ofRole('db-readonly').expiringIn('2h').named('carol-no-user').build();
    const repo = scenario.repo([...scenario.files, carol]);

    const applied = await apply(repo, T0);
    expect(applied.code).toBe(1);
    // The failure names the grant and what to fix, not just the SDK's error.
    expect(applied.stdout).toContain(`${carol.path}: account ${scenario.account} has no IAM user carol@example.com`);
    expect(applied.stdout).toContain(`(hint: create the IAM user carol@example.com in ${scenario.account}, or map the person to their user under identities.people in policies/ (awsIamUser))`);
    // CreatePolicy went through before AttachUserPolicy failed: the policy must not stay behind, unattached.
    expect((await cloud.iamPolicies('/gitgrant/')).map((p) => p.name)).not.toContain('gitgrant-carol@example.com');

    // The grant is still not in effect, so the plan still says so: apply did not converge.
    const again = await cloud.run(['plan', '--json', '--repo', repo.root], T0);
    const plan = JSON.parse(again.stdout) as { totals: { add: number }; changes: { add: { principal: string }[] }[] };
    expect(plan.changes.flatMap((c) => c.add.map((b) => b.principal))).toEqual([`arn:aws:iam::${scenario.account}:user/carol@example.com`]);
    expect(plan.totals.add).toBe(1);
  });

  it('a gitgrant policy left unattached for a user that does not exist is not access: the plan adds the grant again and apply cleans the policy up', async () => {
    const carol = aGrant().for('carol@example.com').ofRole('db-readonly').expiringIn('2h').named('carol-no-user').build();
    const repo = scenario.repo([...scenario.files, carol]);
    // What an older gitgrant left: the user existed at apply, was detached and deleted since.
    await cloud.aws.iam.send(new CreateUserCommand({ UserName: 'carol@example.com' }));
    expect((await apply(repo, T0)).code).toBe(0);
    const policyArn = `arn:aws:iam::${scenario.account}:policy/gitgrant/gitgrant-carol@example.com`;
    await cloud.aws.iam.send(new DetachUserPolicyCommand({ UserName: 'carol@example.com', PolicyArn: policyArn }));
    await cloud.aws.iam.send(new DeleteUserCommand({ UserName: 'carol@example.com' }));

    expect(await planTotals(repo, T0)).toMatchObject({ add: 1, remove: 0 });

    expect((await apply(repo, T0)).code).toBe(1);
    expect((await cloud.iamPolicies('/gitgrant/')).map((p) => p.name)).not.toContain('gitgrant-carol@example.com');
  });

  it('a leftover unattached gitgrant policy no grant stands for is removed', async () => {
    const repo = scenario.repo();
    expect((await apply(repo, T0)).code).toBe(0);
    const policyArn = `arn:aws:iam::${scenario.account}:policy/gitgrant/gitgrant-${ALICE}`;
    await cloud.aws.iam.send(new DetachUserPolicyCommand({ UserName: ALICE, PolicyArn: policyArn }));

    // Alice's grant is revoked early while her policy is detached: what is left of it goes too.
    const revoked = scenario.repo(scenario.files.filter((f) => f.path !== scenario.grants.alice.path));
    expect(await planTotals(revoked, T0)).toMatchObject({ add: 0, remove: 2 }); // her GCP binding and what is left of her IAM one
    const run = await apply(revoked, T0);
    expect(run.code, run.stdout).toBe(0);
    expect((await cloud.iamPolicies('/gitgrant/')).map((p) => p.name)).not.toContain(`gitgrant-${ALICE}`);
    expect(await planTotals(revoked, T0)).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('--provider and --target plan and apply only part of the cloud', async () => {
    const repo = scenario.repo();
    const gcpOnly = await cloud.run(['plan', '--provider', 'gcp', '--repo', repo.root], T0);
    expect(gcpOnly.code, gcpOnly.stdout + gcpOnly.stderr).toBe(0);
    expect(gcpOnly.stdout).toContain('# gcp:projects/acme-prod');
    expect(gcpOnly.stdout).not.toContain('# aws:');
    expect(gcpOnly.stdout).toContain('Plan: 2 to add, 0 to change, 0 to remove, on 1 target. Only gcp targets were planned.');

    const iam = `aws:iam:${scenario.account}`;
    cloud.proxy.resetCounts();
    const writesBefore = cloud.double.calls('setIamPolicy');
    const one = await apply(repo, T0, '--target', iam);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toContain(`gitgrant apply: 2 of 2 changes applied on 1 target (2 added, 0 changed, 0 removed); 0 failures`);
    expect(await grantStatements(ALICE)).toHaveLength(1);
    expect(cloud.double.calls('setIamPolicy')).toBe(writesBefore);
    expect(await assignedUsers()).toEqual([]);
    expect(await planTotals(repo, T0)).toMatchObject({ add: 3, remove: 0 });
  });

  it('a --target the roles do not name is a usage error that lists the ones they do', async () => {
    const repo = scenario.repo();
    cloud.proxy.resetCounts();
    for (const command of ['plan', 'apply']) {
      const run = await cloud.run([command, '--target', 'gcp:projects/acme-prd', '--repo', repo.root], T0);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'gitgrant: there is no target gcp:projects/acme-prd\n'
        + `hint: the roles name these targets: aws:iam:${scenario.account}, aws:identity-center:${scenario.account}:${scenario.instanceArn}, gcp:projects/acme-prod\n`,
      );
    }
    const wrong = await cloud.run(['plan', '--provider', 'azure', '--repo', repo.root], T0);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--provider azure is not a provider gitgrant manages');
    expect(cloud.proxy.totalCalls()).toBe(0);
  });

  it('revoking a grant early also denies the grantee\'s sessions issued before the revocation', async () => {
    expect((await apply(scenario.repo(), T0)).code).toBe(0);
    const withoutAlice = scenario.repo(scenario.files.filter((f) => f !== scenario.grants.alice));
    const revokedAt = T0 + 15 * 60_000;

    expect((await apply(withoutAlice, revokedAt)).code).toBe(0);
    expect(await grantStatements(ALICE)).toEqual([]);
    const stored = await cloud.aws.iam.send(new GetRolePolicyCommand({ RoleName: 'DbReader', PolicyName: 'gitgrant-revocations' }));
    const roleId = (await cloud.aws.iam.send(new GetRoleCommand({ RoleName: 'DbReader' }))).Role!.RoleId!;
    const statements = (JSON.parse(decodeURIComponent(stored.PolicyDocument!)) as { Statement: { Sid: string }[] }).Statement;
    // Sessions of alice issued before the revocation are denied from then on.
    expect(statements.find((s) => s.Sid === 'End20261123T101500000Z')).toEqual({
      Sid: 'End20261123T101500000Z',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:userid': `${roleId}:${ALICE}` },
        DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-23T10:15:00Z' },
        DateLessThan: { 'aws:TokenIssueTime': '2026-11-23T10:15:00Z' },
      },
    });
  });

  it('plan --offline reads no cloud and lists the intended bindings', async () => {
    cloud.proxy.resetCounts();
    const readsBefore = cloud.double.calls();

    const offline = await cloud.run(['plan', '--offline', '--repo', scenario.repo().root], T0);
    expect(offline.code, offline.stdout).toBe(0);
    expect(offline.stdout).toContain('offline: intended bindings only, nothing read');
    expect(offline.stdout).toContain(`+ identitystore-user:heidi@example.com  ${scenario.permissionSetArn}`);
    expect(offline.stdout).toContain('Plan: 5 to add, 0 to change, 0 to remove, on 3 targets.');
    expect(cloud.proxy.totalCalls()).toBe(0);
    expect(cloud.double.calls()).toBe(readsBefore);
  });

  it('stops with the cause, not as a bug, when Identity Center users cannot be looked up, and the next run converges', async () => {
    const repo = scenario.repo();
    cloud.proxy.script('GetUserId', {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' },
      body: JSON.stringify({ __type: 'AccessDeniedException', message: 'gitgrant-test may not call identitystore:GetUserId' }),
    });

    const failed = await apply(repo, T0);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('may not call identitystore:GetUserId');
    expect(failed.stderr).not.toContain('bug in gitgrant');
    expect(managedOf(await cloud.gcpBindings(PROJECT))).toEqual([]);

    expect((await apply(repo, T0)).code).toBe(0);
    expect(await planTotals(repo, T0)).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('moves a grant to the new principal when the identity mapping changes, leaving nothing with the old one', async () => {
    expect((await apply(scenario.repo(), T0)).code).toBe(0);
    await cloud.createIamUser('alice');
    const remapped = aPolicy().allowingDuplicates().withSection('identities', { people: { [ALICE]: { awsIamUser: 'alice', gcp: 'user:alice@acme.example' } } }).build();
    const repo = scenario.repo(scenario.files.map((f) => (f.path === remapped.path ? remapped : f)));

    const moved = await apply(repo, T0);
    expect(moved.code, moved.stdout).toBe(0);
    expect(await grantStatements(ALICE)).toEqual([]);
    expect(await grantStatements('alice')).toHaveLength(1);
    expect(managedOf(await cloud.gcpBindings(PROJECT)).map((b) => b.members![0]).sort()).toEqual(['user:alice@acme.example', `user:${BOB}`]);
    expect(await planTotals(repo, T0)).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('refuses to assign a permission set without gitgrant\'s marker, since it could never take the assignment back', async () => {
    const handMadeSet = await cloud.createPermissionSet('hand-made', false);
    const repo = TempRepo.fromFiles([
      aPolicy().build(),
      aTargetedRole('ops').onIdentityCenter(handMadeSet, { account: scenario.account, instanceArn: scenario.instanceArn }).build(),
      aGrant().for('heidi@example.com').ofRole('ops').expiringIn('2h').build(),
    ]);

    const refused = await apply(repo, T0);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('AWS_PERMISSION_SET_NOT_MANAGED');
    expect(refused.stdout).toContain('adds and changes not applied');
    const listed = await cloud.aws.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: scenario.instanceArn, AccountId: scenario.account, PermissionSetArn: handMadeSet }));
    expect(listed.AccountAssignments).toEqual([]);
  });

  it('never removes a protected principal\'s binding, stopping before any change', async () => {
    expect((await apply(scenario.repo(), T0)).code).toBe(0);
    const guarded = aPolicy().allowingDuplicates().withSection('apply', { protected: [`user:${ALICE}`] }).build();
    const withoutAlice = scenario.repo(scenario.files.filter((f) => f !== scenario.grants.alice).map((f) => (f.path === guarded.path ? guarded : f)));
    const before = await cloudState();

    const stopped = await apply(withoutAlice, T0);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain(`stopped before any change: the plan removes user:${ALICE}'s roles/cloudsql.viewer, which is protected`);
    expect(await cloudState()).toEqual(before);
  });

  it('writes the plan and the outcome to the job summary when run in GitHub Actions', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'gitgrant-summary-')), 'summary.md');
    writeFileSync(summary, '');
    // @actions/core finds the summary file through the process environment, not the CLI's.
    const previous = process.env['GITHUB_STEP_SUMMARY'];
    process.env['GITHUB_STEP_SUMMARY'] = summary;
    onTestFinished(() => {
      if (previous === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
      else process.env['GITHUB_STEP_SUMMARY'] = previous;
    });

    const applied = await cloud.run(['apply', '--repo', scenario.repo().root], T0, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const written = readFileSync(summary, 'utf8');
    expect(written).toContain('### gitgrant plan');
    expect(written).toContain('Plan: 5 to add');
    expect(written).toContain('Applied without failures.');
  });
});
