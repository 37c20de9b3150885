/**
 * `reconcile` reports every hand-made path to a target, not only those of people who hold a
 * gitgrant policy: users, groups and roles whose policies let them assume a target role (decided
 * by the IAM evaluator), extra principals in the role's trust policy, and unconditional GCP
 * bindings of a target role. It never removes any of them.
 */
import {
  AddUserToGroupCommand, AttachRolePolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand,
  GetRoleCommand, PutGroupPolicyCommand, PutUserPolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { PROJECT, T0, UNMANAGED_GCP, seedScenario, unmanagedOf, type Scenario } from '../plan/scenario.js';

let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => void (cloud = await startTestCloud()));
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

async function plantPaths(): Promise<void> {
  const { iam } = cloud.aws;
  const assume = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: scenario.roleArn };
  // A user with no gitgrant policy at all, through an inline policy.
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'standing', PolicyDocument: doc({ Sid: 'Standing', ...assume }) }));
  // A group whose inline policy allows every sts call on every role.
  await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'ops-sts', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:*', Resource: '*' }) }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'ops', UserName: 'carol' }));
  // A role that can chain into the target, through a managed policy.
  await iam.send(new CreateRoleCommand({ RoleName: 'Jump', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${scenario.account}:root` }, Action: 'sts:AssumeRole' }) }));
  const jump = await iam.send(new CreatePolicyCommand({ PolicyName: 'jump-to-db', PolicyDocument: doc({ Sid: 'Chain', ...assume }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'Jump', PolicyArn: jump.Policy!.Arn! }));
  // Not a path: a hand-made allow that itself expired, and one on another role.
  await iam.send(new CreateUserCommand({ UserName: 'dave' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'old', PolicyDocument: doc({ ...assume, Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }) }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'other', PolicyDocument: doc({ ...assume, Resource: `arn:aws:iam::${scenario.account}:role/Other` }) }));
  // The trust policy names another account besides the account itself.
  await iam.send(new UpdateAssumeRolePolicyCommand({
    RoleName: 'DbReader',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${scenario.account}:root` }, Action: 'sts:AssumeRole' },
      { Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' },
    ] }),
  }));
}

describe('gitgrant reconcile: hand-made paths to a target', () => {
  it('reports each kind of hand-made path, decided by the evaluator, and removes none of them', async () => {
    await plantPaths();
    const repo = scenario.repo().initGit();
    expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(0);

    const run = await cloud.run(['reconcile', '--repo', repo.root, '--json'], T0);

    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; removed: number; complete: boolean };
    expect(result).toMatchObject({ removed: 0, complete: true });
    const summaries = result.findings.filter((f) => f.kind === 'UNMANAGED_ACCESS').map((f) => f.summary).sort();
    const account = scenario.account;
    const role = scenario.roleArn;
    expect(summaries).toEqual([
      `arn:aws:iam::${account}:group/ops has ${role} on aws:iam:${account} outside gitgrant (ops/ops-sts (inline)), the permission of role db-readonly`,
      `arn:aws:iam::${account}:role/Jump has ${role} on aws:iam:${account} outside gitgrant (policy/jump-to-db), the permission of role db-readonly`,
      `arn:aws:iam::${account}:user/alice@example.com has ${role} on aws:iam:${account} outside gitgrant (legacy-db-reader:ReadForever), the permission of role db-readonly`,
      `arn:aws:iam::${account}:user/carol has ${role} on aws:iam:${account} outside gitgrant (carol/standing (inline)), the permission of role db-readonly`,
      `arn:aws:iam::222222222222:root may assume ${role} on aws:iam:${account}: named in its trust policy outside gitgrant (DbReader trust policy:Vendor), the permission of role db-readonly`,
      // GCP: the unconditional binding of the target role (and the hand-made conditional one) on the target resource.
      'user:contractor@example.com has roles/cloudsql.viewer on gcp:projects/acme-prod outside gitgrant (contract), the permission of role db-readonly',
    ].sort());
    expect(result.findings.every((f) => f.outcome === 'reported')).toBe(true);
    expect(result.findings.find((f) => f.summary.includes('user/carol'))!.details[0]).toBe('The IAM evaluator says: Allowed by carol/standing (inline):Standing.');

    // Nothing was touched.
    const trust = decodeURIComponent((await cloud.aws.iam.send(new GetRoleCommand({ RoleName: 'DbReader' }))).Role!.AssumeRolePolicyDocument!);
    expect(trust).toContain('222222222222');
    expect(unmanagedOf(await cloud.gcpBindings(PROJECT))).toEqual(UNMANAGED_GCP);
    const again = await cloud.run(['reconcile', '--repo', repo.root, '--json'], T0);
    expect((JSON.parse(again.stdout) as { findings: Finding[] }).findings.map((f) => f.fingerprint).sort()).toEqual(result.findings.map((f) => f.fingerprint).sort());
  });

  it('reports an unconditional GCP binding of a target role on a target resource and leaves it', async () => {
    await cloud.seedGcpPolicy(PROJECT, [{ role: 'roles/cloudsql.viewer', members: ['user:standing@example.com'] }]);
    const repo = scenario.repo().initGit();

    const run = await cloud.run(['reconcile', '--repo', repo.root, '--json'], T0);

    const result = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(result.findings.filter((f) => f.target === `gcp:${PROJECT}`).map((f) => [f.kind, f.outcome, f.summary])).toEqual([
      ['UNMANAGED_ACCESS', 'reported', `user:standing@example.com has roles/cloudsql.viewer on gcp:${PROJECT} outside gitgrant ((no condition)), the permission of role db-readonly`],
    ]);
    expect(unmanagedOf(await cloud.gcpBindings(PROJECT))).toEqual([{ role: 'roles/cloudsql.viewer', members: ['user:standing@example.com'] }]);
  });
});
