/**
 * Many AWS accounts on one moto. moto's AssumeRole hands out keys that belong to the role ARN's
 * account, and every later call signed with them acts in that account (moto/sts/models.py
 * `assume_role`, moto/core/responses.py `get_current_account`), so gitgrant's real mechanism runs
 * unchanged. The test reads each account back through moto's `x-moto-account-id` header instead,
 * a path that does not depend on the code under test.
 *
 * The run is the CLI's plan-and-apply pipeline with the cloud built by `cloudFromEnv` from the
 * repo's policy, as `gitgrant apply` builds it.
 */
import { CreateRoleCommand, CreateUserCommand, GetPolicyVersionCommand, paginateListPolicies, type IAMClient } from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateIdentityStoreUserCommand } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadRepo } from '../../../src/adapters/fs/load-repo.js';
import type { Instant } from '../../../src/core/model/types.js';
import { applyPlan } from '../../../src/core/plan/apply.js';
import { desiredState } from '../../../src/core/plan/desired.js';
import { computePlan, planTotals } from '../../../src/core/plan/diff.js';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../src/adapters/aws/clients.js';
import { MANAGED_PERMISSION_SET_MARKER } from '../../../src/adapters/aws/identity-center-strategy.js';
import { cloudFromEnv, readTargets } from '../../../src/adapters/cloud/cloud.js';
import { resolveIdentityCenterDirectory } from '../../../src/adapters/aws/identity-center-directory.js';
import { NOW, aGrant, aPolicy, instant, type FileSpec } from '../../support/builders/model.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { startMoto, type MotoProcess } from '../../support/moto.js';
import { TempRepo } from '../../support/temp-repo.js';
import { aTargetedRole } from '../../support/builders/plan.js';

const PROD = '111111111111';
const STAGING = '222222222222';
const IDENTITY_CENTER = '333333333333';
/** The account moto gives the default credentials: gitgrant's automation account. */
const AUTOMATION = '123456789012';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const HEIDI = 'heidi@example.com';

let moto: MotoProcess;
let proxy: FaultProxy;
const opened: AwsClients[] = [];

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint });
});
afterAll(async () => {
  for (const clients of opened) destroyAwsClients(clients);
  await proxy.close();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy.resetCounts();
});

/** Clients that act in `account` by moto's header, for seeding and reading back. */
function inAccount(account: string): AwsClients {
  const clients = createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
  for (const client of [clients.iam, clients.ssoAdmin, clients.identityStore] as { middlewareStack: IAMClient['middlewareStack'] }[]) {
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccountHeader' },
    );
  }
  opened.push(clients);
  return clients;
}

async function seedIamAccount(account: string, userName: string): Promise<void> {
  const { iam } = inAccount(account);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: 'DbReader', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(new CreateUserCommand({ UserName: userName }));
}

/** gitgrant's grant policies in the account, as user name → the role ARNs their statements allow. */
async function grantPolicies(account: string): Promise<Record<string, string[]>> {
  const { iam } = inAccount(account);
  const found: Record<string, string[]> = {};
  for await (const page of paginateListPolicies({ client: iam }, { Scope: 'Local', PathPrefix: '/gitgrant/' })) {
    for (const policy of page.Policies ?? []) {
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn!, VersionId: policy.DefaultVersionId! }));
      const document = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)) as { Statement: { Resource: string }[] };
      found[policy.PolicyName!] = document.Statement.map((s) => s.Resource);
    }
  }
  return found;
}

async function seedIdentityCenter(account: string): Promise<{ instanceArn: string; permissionSetArn: string }> {
  const { ssoAdmin, identityStore } = inAccount(account);
  const instance = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
  await identityStore.send(new CreateIdentityStoreUserCommand({
    IdentityStoreId: instance.IdentityStoreId!, UserName: HEIDI, DisplayName: 'Heidi',
    Name: { GivenName: 'Heidi', FamilyName: 'Example' }, Emails: [{ Value: HEIDI, Primary: true }],
  }));
  const created = await ssoAdmin.send(new CreatePermissionSetCommand({
    InstanceArn: instance.InstanceArn!, Name: 'ops', Description: `Just-in-time access. ${MANAGED_PERMISSION_SET_MARKER}`,
  }));
  return { instanceArn: instance.InstanceArn!, permissionSetArn: created.PermissionSet!.PermissionSetArn! };
}

const WINDOW = { starts: '2026-11-23T09:00:00Z', expires: '2026-11-23T13:00:00Z' };
const dbReaderIn = (account: string) => aTargetedRole(`db-readonly-${account}`).onAwsIam(account, 'DbReader').build();
const grantOf = (grantee: string, role: string) => aGrant().for(grantee).ofRole(role).startingAt(WINDOW.starts).expiringAt(WINDOW.expires).build();
const awsSection = (settings: Record<string, string>) => aPolicy().withSection('aws', settings).build();

/** `gitgrant apply`'s pipeline, with the cloud built from the repo's policy; returns the failures and the plan's totals. */
async function planAndApply(files: FileSpec[], now: Instant = NOW) {
  const { repo, diagnostics } = loadRepo(TempRepo.fromFiles(files).root);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const identities = repo.policy.identities;
  const cloud = cloudFromEnv({ AWS_REGION: 'us-east-1', GITGRANT_AWS_ENDPOINT: proxy.url }, () => now, repo.policy);
  try {
    const directory = await resolveIdentityCenterDirectory(cloud.aws, repo, identities, now);
    const desired = desiredState(repo, now, identities, directory);
    const { observed, failures } = await readTargets(cloud.providers, desired.targets, 4);
    const plan = computePlan({ desired, observed, limits: cloud.providers, at: now });
    const applied = await applyPlan(plan, cloud.providers, { concurrency: 4 });
    const { add, update, remove } = planTotals(plan);
    return { readFailures: failures, applyFailures: applied.failures, add, update, remove };
  } finally {
    await cloud.close();
  }
}

describe('AWS across accounts with aws.accountRoleName', () => {
  it('lands each account\'s grant in that account and nowhere else, assuming each account\'s role once', async () => {
    await seedIamAccount(PROD, ALICE);
    await seedIamAccount(STAGING, BOB);
    const files = [
      awsSection({ accountRoleName: 'gitgrant-automation', sessionName: 'gitgrant-test' }),
      dbReaderIn(PROD), dbReaderIn(STAGING),
      grantOf(ALICE, `db-readonly-${PROD}`), grantOf(BOB, `db-readonly-${STAGING}`),
    ];

    expect(await planAndApply(files)).toEqual({ readFailures: [], applyFailures: [], add: 2, update: 0, remove: 0 });

    expect(await grantPolicies(PROD)).toEqual({ [`gitgrant-${ALICE}`]: [`arn:aws:iam::${PROD}:role/DbReader`] });
    expect(await grantPolicies(STAGING)).toEqual({ [`gitgrant-${BOB}`]: [`arn:aws:iam::${STAGING}:role/DbReader`] });
    expect(await grantPolicies(AUTOMATION)).toEqual({});
    expect(proxy.calls()['AssumeRole']).toBe(2);
  });

  /** alice holds DbReader in PROD and bob in STAGING, reached through gitgrant-automation, applied once. */
  async function aGrantAppliedInEachAccount() {
    await seedIamAccount(PROD, ALICE);
    await seedIamAccount(STAGING, BOB);
    const files = [
      awsSection({ accountRoleName: 'gitgrant-automation' }),
      dbReaderIn(PROD), dbReaderIn(STAGING),
      grantOf(ALICE, `db-readonly-${PROD}`), grantOf(BOB, `db-readonly-${STAGING}`),
    ];
    await planAndApply(files);
    return files;
  }

  it('reads each account through its own role on the next run, and finds nothing to change', async () => {
    const files = await aGrantAppliedInEachAccount();

    expect(await planAndApply(files)).toEqual({ readFailures: [], applyFailures: [], add: 0, update: 0, remove: 0 });
  });

  it('removes each account\'s expired grant from that account', async () => {
    const files = await aGrantAppliedInEachAccount();

    expect(await planAndApply(files, instant('2026-11-23T13:30:00Z'))).toEqual({ readFailures: [], applyFailures: [], add: 0, update: 0, remove: 2 });
    expect({ prod: await grantPolicies(PROD), staging: await grantPolicies(STAGING) }).toEqual({ prod: {}, staging: {} });
  });

  it('assigns Identity Center access through aws.identityCenterAccount, for a target in another account', async () => {
    const { instanceArn, permissionSetArn } = await seedIdentityCenter(IDENTITY_CENTER);
    const files = [
      awsSection({ accountRoleName: 'gitgrant-automation', identityCenterAccount: IDENTITY_CENTER }),
      aTargetedRole('ops').onIdentityCenter(permissionSetArn, { account: STAGING, instanceArn, sessionDuration: '1h' }).build(),
      grantOf(HEIDI, 'ops'),
    ];

    expect(await planAndApply(files)).toEqual({ readFailures: [], applyFailures: [], add: 1, update: 0, remove: 0 });

    const listed = await inAccount(IDENTITY_CENTER).ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: STAGING, PermissionSetArn: permissionSetArn }));
    expect(listed.AccountAssignments?.map((a) => a.AccountId)).toEqual([STAGING]);
    expect(proxy.calls()['AssumeRole']).toBe(1);
  });
});

describe('AWS without aws.accountRoleName', () => {
  it('uses the default credentials for every account and assumes no role', async () => {
    await seedIamAccount(AUTOMATION, ALICE);
    const files = [aPolicy().build(), dbReaderIn(AUTOMATION), grantOf(ALICE, `db-readonly-${AUTOMATION}`)];

    expect(await planAndApply(files)).toEqual({ readFailures: [], applyFailures: [], add: 1, update: 0, remove: 0 });

    expect(await grantPolicies(AUTOMATION)).toEqual({ [`gitgrant-${ALICE}`]: [`arn:aws:iam::${AUTOMATION}:role/DbReader`] });
    expect(proxy.calls()['AssumeRole']).toBeUndefined();
  });
});
