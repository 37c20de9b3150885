import { CreateUserCommand } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
} from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantId } from '../../../src/core/model/types.js';
import type { DesiredBinding, TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import { MANAGED_PERMISSION_SET_MARKER, identityCenterBindingId } from '../../../src/adapters/aws/identity-center-strategy.js';
import { resolveIdentityStoreUserId } from '../../../src/adapters/aws/identity-lookup.js';
import type { FaultProxy } from '../../support/fault-proxy.js';
import type { AwsTestEndpoint } from '../../support/moto.js';
import { startMotoBehindProxy, type MotoBehindProxy, accountOf, clientsFor, providerFor } from './harness.js';

let emulators: MotoBehindProxy;
let aws: AwsTestEndpoint;
let proxy: FaultProxy;
let clients: AwsClients;
let instanceArn: string;
let identityStoreId: string;
let target: Extract<TargetRef, { strategy: 'identity-center' }>;
let run = 0;

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
});

async function permissionSet(name: string, managed: boolean): Promise<string> {
  const created = await clients.ssoAdmin.send(
    new CreatePermissionSetCommand({
      InstanceArn: instanceArn,
      Name: name,
      Description: managed ? `Read-only database access. ${MANAGED_PERMISSION_SET_MARKER}` : 'Hand-made',
    }),
  );
  return created.PermissionSet!.PermissionSetArn!;
}

async function identityUser(userName: string, email: string): Promise<string> {
  const created = await clients.identityStore.send(
    new CreateUserCommand({
      IdentityStoreId: identityStoreId,
      UserName: userName,
      DisplayName: userName,
      Name: { GivenName: userName, FamilyName: 'Example' },
      Emails: [{ Value: email, Primary: true }],
    }),
  );
  return created.UserId!;
}

const assignment = (permissionSetArn: string, userId: string): DesiredBinding => ({
  id: identityCenterBindingId(target.account, permissionSetArn, userId),
  target,
  principal: userId,
  permission: permissionSetArn,
  grants: [grantId(`grants/prod-db/${userId}.yaml`)],
});

async function assignedUsers(permissionSetArn: string): Promise<string[]> {
  const listed = await clients.ssoAdmin.send(
    new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: target.account, PermissionSetArn: permissionSetArn }),
  );
  return (listed.AccountAssignments ?? []).map((a) => a.PrincipalId!).sort();
}

const noChange = { update: [], unmanaged: [] };

describe('the identity-center strategy against the emulator', () => {
  it('finds an Identity Store user by user name or by email', async () => {
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    expect(await resolveIdentityStoreUserId(clients.identityStore, identityStoreId, `alice${run}`)).toBe(userId);
    expect(await resolveIdentityStoreUserId(clients.identityStore, identityStoreId, `alice${run}@example.com`)).toBe(userId);
    expect(await resolveIdentityStoreUserId(clients.identityStore, identityStoreId, 'nobody@example.com')).toBeUndefined();
  });

  it('creates an assignment, reads it back as gitgrant own, and deletes it', async () => {
    const provider = providerFor(clients);
    const set = await permissionSet(`db-${run}`, true);
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    const binding = assignment(set, userId);

    await provider.apply({ target, add: [binding], remove: [], ...noChange });
    expect(await assignedUsers(set)).toEqual([userId]);
    const state = await provider.read(target);
    expect(state.bindings).toEqual([expect.objectContaining({ id: binding.id, managed: true, principal: userId, permission: set })]);

    await provider.apply({ target, add: [], remove: state.bindings, ...noChange });
    expect(await assignedUsers(set)).toEqual([]);
  });

  it('does not create a second assignment when the change is applied twice', async () => {
    const provider = providerFor(clients);
    const set = await permissionSet(`db-${run}`, true);
    const binding = assignment(set, await identityUser(`alice${run}`, `alice${run}@example.com`));
    await provider.apply({ target, add: [binding], remove: [], ...noChange });
    proxy.resetCounts();

    await provider.apply({ target, add: [binding], remove: [], ...noChange });

    expect(proxy.calls()).not.toHaveProperty('CreateAccountAssignment');
    expect(await assignedUsers(set)).toHaveLength(1);
  });

  it('reports assignments of unmarked permission sets as unmanaged and never removes them', async () => {
    const provider = providerFor(clients);
    const handMade = await permissionSet(`admin-${run}`, false);
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    await clients.ssoAdmin.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        TargetId: target.account,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: handMade,
        PrincipalType: 'USER',
        PrincipalId: userId,
      }),
    );
    const state = await provider.read(target);
    expect(state.bindings).toEqual([expect.objectContaining({ managed: false, principal: userId, permission: handMade })]);

    await provider.apply({ target, add: [], remove: state.bindings, ...noChange });
    expect(await assignedUsers(handMade)).toEqual([userId]);
  });

  it('waits while the creation is in progress and finishes when it succeeds', async () => {
    const provider = providerFor(clients);
    const set = await permissionSet(`db-${run}`, true);
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    const inProgress = { AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-1' } };
    proxy.script('CreateAccountAssignment', { status: 200, body: JSON.stringify(inProgress) });
    proxy.script('DescribeAccountAssignmentCreationStatus', { status: 200, body: JSON.stringify(inProgress) });
    proxy.script('DescribeAccountAssignmentCreationStatus', {
      status: 200,
      body: JSON.stringify({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: 'req-1' } }),
    });
    proxy.resetCounts();

    await provider.apply({ target, add: [assignment(set, userId)], remove: [], ...noChange });

    expect(proxy.calls()).toMatchObject({ CreateAccountAssignment: 1, DescribeAccountAssignmentCreationStatus: 2 });
  });

  it('fails with Identity Center reason when the creation fails', async () => {
    const provider = providerFor(clients);
    const set = await permissionSet(`db-${run}`, true);
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    proxy.script('CreateAccountAssignment', {
      status: 200,
      body: JSON.stringify({
        AccountAssignmentCreationStatus: { Status: 'FAILED', RequestId: 'req-2', FailureReason: 'Permission set not provisioned' },
      }),
    });

    await expect(provider.apply({ target, add: [assignment(set, userId)], remove: [], ...noChange })).rejects.toThrow(
      /FAILED: Permission set not provisioned/,
    );
  });

  it('gives up after a bounded number of polls', async () => {
    const provider = providerFor(clients, { polling: { maxPolls: 2 } });
    const set = await permissionSet(`db-${run}`, true);
    const userId = await identityUser(`alice${run}`, `alice${run}@example.com`);
    const inProgress = { status: 200, body: JSON.stringify({ AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-3' } }) };
    proxy.script('CreateAccountAssignment', inProgress);
    proxy.script('DescribeAccountAssignmentCreationStatus', inProgress, inProgress);

    await expect(provider.apply({ target, add: [assignment(set, userId)], remove: [], ...noChange })).rejects.toThrow(
      /still IN_PROGRESS after 2 polls/,
    );
  });

  it('counts removing an assignment that is already gone as done', async () => {
    const provider = providerFor(clients);
    const set = await permissionSet(`db-${run}`, true);
    const binding = assignment(set, await identityUser(`alice${run}`, `alice${run}@example.com`));
    await provider.apply({ target, add: [binding], remove: [], ...noChange });
    const state = await provider.read(target);
    await provider.apply({ target, add: [], remove: state.bindings, ...noChange });
    proxy.resetCounts();

    await expect(provider.apply({ target, add: [], remove: state.bindings, ...noChange })).resolves.toBeUndefined();
    expect(proxy.calls()).toMatchObject({ DeleteAccountAssignment: 1 });
  });
});
