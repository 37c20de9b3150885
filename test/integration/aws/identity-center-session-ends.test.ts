/**
 * The deadline in the cloud for Identity Center (issue 10, point 2). moto serves the calls the
 * strategy makes (Get/PutInlinePolicyToPermissionSet, ProvisionPermissionSet, which it answers
 * SUCCEEDED at once and without provisioning anything) but not DescribePermissionSetProvisioningStatus,
 * and it creates no AWSReservedSSO_* role in IAM. So each case reads back, with the real SDK, the
 * permission set's inline policy the strategy wrote, and asks an independent IAM policy simulator
 * whether a session of the provisioned role, with an Identity Center user's context
 * (identitystore:UserId, aws:PrincipalAccount), issued at one instant can act at another. The status
 * polling that moto does not serve is scripted in the fault proxy.
 */
import { CreateUserCommand } from '@aws-sdk/client-identitystore';
import {
  CreatePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  PutInlinePolicyToPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantId } from '../../../src/core/model/types.js';
import type { DesiredBinding, TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import { MANAGED_PERMISSION_SET_MARKER, identityCenterBindingId } from '../../../src/adapters/aws/identity-center-strategy.js';
import type { FaultProxy } from '../../support/fault-proxy.js';
import type { AwsTestEndpoint } from '../../support/moto.js';
import { HOUR, T0 } from '../../support/builders/aws.js';
import { accountOf, clientsFor, providerFor, startMotoBehindProxy, type MotoBehindProxy } from './harness.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const OWN_PERMISSIONS = { Sid: 'Work', Effect: 'Allow', Action: '*', Resource: '*' };

let emulators: MotoBehindProxy;
let aws: AwsTestEndpoint;
let proxy: FaultProxy;
let clients: AwsClients;
let instanceArn: string;
let identityStoreId: string;
let target: Extract<TargetRef, { strategy: 'identity-center' }>;
let run = 0;
let set: string;
let alice: string;

beforeAll(async () => {
  emulators = await startMotoBehindProxy();
  ({ aws, proxy } = emulators);
  clients = clientsFor(proxy.url, { maxAttempts: 2 });
});
afterAll(() => emulators.close());

beforeEach(async () => {
  await aws.reset();
  run += 1;
  const instance = (await clients.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
  instanceArn = instance.InstanceArn!;
  identityStoreId = instance.IdentityStoreId!;
  target = { provider: 'aws', strategy: 'identity-center', account: await accountOf(clients), instanceArn };
  const created = await clients.ssoAdmin.send(
    new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: `db-${run}`, Description: `Database admin. ${MANAGED_PERMISSION_SET_MARKER}`, SessionDuration: 'PT12H' }),
  );
  set = created.PermissionSet!.PermissionSetArn!;
  // The permission set's own permissions live in the same inline policy: gitgrant must leave them be.
  await clients.ssoAdmin.send(
    new PutInlinePolicyToPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: set, InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [OWN_PERMISSIONS] }) }),
  );
  const user = await clients.identityStore.send(
    new CreateUserCommand({ IdentityStoreId: identityStoreId, UserName: `alice${run}`, DisplayName: 'Alice', Name: { GivenName: 'Alice', FamilyName: 'Example' } }),
  );
  alice = user.UserId!;
});

const assignment = (expires: number | undefined): DesiredBinding => ({
  id: identityCenterBindingId(target.account, set, alice),
  target,
  principal: alice,
  permission: set,
  ...(expires === undefined ? {} : { window: { expires } }),
  grants: [grantId(`grants/db/alice-${run}.yaml`)],
});
const at = (now: number) => providerFor(clients, { now: () => now });
const empty = { add: [], update: [], remove: [], unmanaged: [] };

async function inlinePolicy() {
  const response = await clients.ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: set }));
  return JSON.parse(response.InlinePolicy ?? '{"Statement":[]}') as { Version: string; Statement: { Sid?: string }[] };
}

/** Whether the session of the provisioned role for `userId`, issued at `issuedAt`, can act at `usedAt`. */
async function sessionCanAct(userId: string, issuedAt: number, usedAt: number): Promise<string> {
  const iso = (t: number) => new Date(t).toISOString();
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'inline', policy: await inlinePolicy() }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:sts::${target.account}:assumed-role/AWSReservedSSO_db-${run}_0123456789abcdef/alice${run}`,
        action: 's3:ListAllMyBuckets',
        resource: { resource: '*', accountId: target.account },
        contextVariables: {
          'aws:CurrentTime': iso(usedAt),
          'aws:TokenIssueTime': iso(issuedAt),
          'identitystore:UserId': userId,
          'aws:PrincipalAccount': target.account,
        },
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

async function assigned(): Promise<string[]> {
  const listed = await clients.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: target.account, PermissionSetArn: set }));
  return (listed.AccountAssignments ?? []).map((a) => a.PrincipalId!);
}

describe('the deadline in the permission set (identity-center, evaluated with iam-simulate)', () => {
  const expires = T0 + 4 * HOUR;

  it('allows a session inside the window', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });

    expect(await assigned()).toEqual([alice]);
    expect(await sessionCanAct(alice, T0 + HOUR, T0 + 2 * HOUR)).toBe('Allowed');
  });

  it('attack: a session issued 1s before expires is refused 10 min and 1 h after, whether or not the sweep runs', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });

    expect(await sessionCanAct(alice, expires - SECOND, expires + 10 * MINUTE)).toBe('Denied');
    expect(await sessionCanAct(alice, expires - SECOND, expires + HOUR)).toBe('Denied');

    // The sweep removes the assignment later; the end stays where it was.
    const state = await at(expires + HOUR).read(target);
    await at(expires + HOUR).apply({ target, ...empty, remove: state.bindings });
    expect(await assigned()).toEqual([]);
    expect(await sessionCanAct(alice, expires - SECOND, expires + 2 * HOUR)).toBe('Denied');
  });

  it('does not catch the sessions of a later assignment after the first one ended', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });
    const state = await at(expires + 5 * MINUTE).read(target);
    await at(expires + 5 * MINUTE).apply({ target, ...empty, remove: state.bindings });

    const later = expires + HOUR;
    await at(later).apply({ target, ...empty, add: [assignment(later + 4 * HOUR)] });

    expect(await sessionCanAct(alice, later + MINUTE, later + 2 * HOUR)).toBe('Allowed');
    expect(await sessionCanAct(alice, later + 4 * HOUR - SECOND, later + 5 * HOUR)).toBe('Denied');
  });

  it('moves the end when the assignment is extended (overlapping grants end at the union end)', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });
    const state = await at(T0 + HOUR).read(target);
    expect(state.bindings).toEqual([expect.objectContaining({ window: { expires } })]);

    await at(T0 + HOUR).apply({ target, ...empty, update: [{ from: state.bindings[0]!, to: assignment(expires + 4 * HOUR) }] });

    expect(await sessionCanAct(alice, expires - SECOND, expires + HOUR)).toBe('Allowed');
    expect(await sessionCanAct(alice, expires + 4 * HOUR - SECOND, expires + 5 * HOUR)).toBe('Denied');
  });

  it('revokes early: sessions issued before the removal are refused from then on', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });
    const revokedAt = T0 + HOUR;
    const state = await at(revokedAt).read(target);

    await at(revokedAt).apply({ target, ...empty, remove: state.bindings });

    expect(await assigned()).toEqual([]);
    expect(await sessionCanAct(alice, T0 + 30 * MINUTE, revokedAt + MINUTE)).toBe('Denied');
  });

  it('leaves the permission set own statements as they are and prunes its ends after the session duration', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });
    expect((await inlinePolicy()).Statement[0]).toEqual(OWN_PERMISSIONS);

    const state = await at(expires + 5 * MINUTE).read(target);
    await at(expires + 5 * MINUTE).apply({ target, ...empty, remove: state.bindings });
    expect((await inlinePolicy()).Statement.map((s) => s.Sid)).toEqual(['Work', expect.stringMatching(/^GitgrantEnd/)]);

    // 12 h (the set's SessionDuration) after the end, the next change on the set prunes it.
    const bob = (await clients.identityStore.send(new CreateUserCommand({ IdentityStoreId: identityStoreId, UserName: `bob${run}`, DisplayName: 'Bob', Name: { GivenName: 'Bob', FamilyName: 'Example' } }))).UserId!;
    await at(expires + 12 * HOUR).apply({ target, ...empty, add: [{ ...assignment(expires + 14 * HOUR), id: identityCenterBindingId(target.account, set, bob), principal: bob }] });
    const sids = (await inlinePolicy()).Statement.map((s) => s.Sid);
    expect(sids).toHaveLength(2);
    expect(sids[1]).toContain(bob.replace(/[^A-Za-z0-9]/g, ''));
  });

  it('attack: two accounts sharing the permission set, applied at once, both keep their end (no lost update of the shared inline policy)', async () => {
    // The same permission set assigned in two accounts: one inline policy, read-modified-written by
    // both targets of one run. Their writes are made to overlap, as concurrency may do any day.
    const other = { ...target, account: target.account === '210987654321' ? '123456789012' : '210987654321' };
    const inOther = { ...assignment(expires), id: identityCenterBindingId(other.account, set, alice), target: other };
    proxy.hold('PutInlinePolicyToPermissionSet', 2, 1500);

    const provider = at(T0);
    await Promise.all([provider.apply({ target, ...empty, add: [assignment(expires)] }), provider.apply({ target: other, ...empty, add: [inOther] })]);

    const sids = (await inlinePolicy()).Statement.map((s) => s.Sid).sort();
    expect(sids).toEqual(['Work', `GitgrantEnd${target.account}${alice}`.replace(/[^A-Za-z0-9]/g, ''), `GitgrantEnd${other.account}${alice}`.replace(/[^A-Za-z0-9]/g, '')].sort());
    expect(await sessionCanAct(alice, expires - SECOND, expires + 10 * MINUTE)).toBe('Denied');
  });

  it('reads an assignment without its end as having no cloud deadline', async () => {
    await at(T0).apply({ target, ...empty, add: [assignment(undefined)] });

    const state = await at(T0).read(target);

    expect(state.bindings).toEqual([expect.not.objectContaining({ window: expect.anything() })]);
  });

  it('waits for a provisioning still in progress (a call moto does not serve, scripted here)', async () => {
    proxy.script('ProvisionPermissionSet', { status: 200, body: JSON.stringify({ PermissionSetProvisioningStatus: { Status: 'IN_PROGRESS', RequestId: 'prov-1' } }) });
    proxy.script('DescribePermissionSetProvisioningStatus', { status: 200, body: JSON.stringify({ PermissionSetProvisioningStatus: { Status: 'SUCCEEDED', RequestId: 'prov-1' } }) });
    proxy.resetCounts();

    await at(T0).apply({ target, ...empty, add: [assignment(expires)] });

    expect(proxy.calls()).toMatchObject({ PutInlinePolicyToPermissionSet: 1, ProvisionPermissionSet: 1, DescribePermissionSetProvisioningStatus: 1, CreateAccountAssignment: 1 });
  });

  it('does not assign when the end cannot be written', async () => {
    proxy.script('ProvisionPermissionSet', { status: 200, body: JSON.stringify({ PermissionSetProvisioningStatus: { Status: 'FAILED', RequestId: 'prov-2', FailureReason: 'role policy too large' } }) });

    await expect(at(T0).apply({ target, ...empty, add: [assignment(expires)] })).rejects.toThrow(/FAILED: role policy too large.*not assigned: its session end could not be written/);
    expect(await assigned()).toEqual([]);
  });
});
