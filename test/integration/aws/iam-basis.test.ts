/**
 * The iam strategy's call counts: a read of an account is one listing; apply writes on the plan's
 * own read of each gitgrant policy (the change's basis): a new policy costs CreatePolicy +
 * AttachUserPolicy, a changed one a single CreatePolicyVersion, an emptied one its deletion with no
 * listing of versions; each touched role's session ends cost GetRole, GetRolePolicy and PutRolePolicy.
 * A policy created or deleted since the plan is re-read and written, never
 * lost or duplicated.
 */
import { CreatePolicyVersionCommand, DeletePolicyCommand, DetachUserPolicyCommand, GetPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredBinding, TargetChange, TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import { unlessMissing } from '../../../src/adapters/aws/errors.js';
import { grantPolicyArn } from '../../../src/core/aws/iam-grant-policy.js';
import type { Fault, FaultProxy } from '../../support/fault-proxy.js';
import type { AwsTestEndpoint } from '../../support/moto.js';
import { HOUR, T0, anIamBinding } from '../../support/builders/aws.js';
import { startMotoBehindProxy, type MotoBehindProxy, accountOf, changeFor, clientsFor, createRole, createUser, isEmpty, providerFor } from './harness.js';

let emulators: MotoBehindProxy;
let aws: AwsTestEndpoint;
let proxy: FaultProxy;
let direct: AwsClients;
let counted: AwsClients;
let target: TargetRef;
let account: string;
let run = 0;
let names: { alice: string; role: string };

beforeAll(async () => {
  emulators = await startMotoBehindProxy();
  ({ aws, proxy } = emulators);
  direct = clientsFor(aws.endpoint);
  counted = clientsFor(proxy.url);
});
afterAll(() => emulators.close());

beforeEach(async () => {
  await aws.reset();
  run += 1;
  account = await accountOf(direct);
  target = { provider: 'aws', strategy: 'iam', account };
  names = { alice: `alice${run}`, role: `prod-db-${run}` };
  await createUser(direct, names.alice);
  await createRole(direct, account, names.role);
});

const grant = (expires: number): DesiredBinding => anIamBinding(`db${run}`).inAccount(account).for(names.alice).onRole(names.role).until(expires).build();
const provider = () => providerFor(counted, { now: () => T0 });

/** Plans as the core does: the change carries the basis of the read it was computed from. */
async function plan(desired: readonly DesiredBinding[]): Promise<TargetChange> {
  const state = await provider().read(target);
  return { ...changeFor(desired, state), basis: state.basis };
}

/** The calls apply makes for a change, by action. */
async function applyCounting(change: TargetChange): Promise<Record<string, number>> {
  proxy.resetCounts();
  await provider().apply(change);
  return proxy.calls();
}

/** Each touched role's session ends (iam-revocations.ts): its id and MaxSessionDuration, its policy, the write. */
const SESSION_ENDS = { GetRole: 1, GetRolePolicy: 1, PutRolePolicy: 1 };

const deleteConflict: Fault = {
  status: 409,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse><Error><Type>Sender</Type><Code>DeleteConflict</Code><Message>This policy has more than one version.</Message></Error><RequestId>1</RequestId></ErrorResponse>',
};

/** A plan as one written before the read carried each policy's older versions. */
function withoutVersionLists(change: TargetChange): TargetChange {
  const { grantPolicies } = change.basis as { grantPolicies: Record<string, { olderVersionIds?: string[] }> };
  const stripped = Object.fromEntries(Object.entries(grantPolicies).map(([user, { olderVersionIds: _, ...policy }]) => [user, policy]));
  return { ...change, basis: { grantPolicies: stripped } };
}

async function policyExists(): Promise<boolean> {
  return (await unlessMissing(direct.iam.send(new GetPolicyCommand({ PolicyArn: grantPolicyArn(grant(T0).principal) })), 'NoSuchEntityException')) !== undefined;
}

async function converged(desired: readonly DesiredBinding[]): Promise<boolean> {
  return isEmpty(changeFor(desired, await providerFor(direct).read(target)));
}

describe('reading an iam target', () => {
  it('is one GetAccountAuthorizationDetails call, however many grantees hold policies', async () => {
    const bob = `bob${run}`;
    await createUser(direct, bob);
    await provider().apply(await plan([grant(T0 + HOUR), anIamBinding(`bill${run}`).inAccount(account).for(bob).onRole(names.role).build()]));
    proxy.resetCounts();

    const state = await provider().read(target);

    expect(proxy.calls()).toEqual({ GetAccountAuthorizationDetails: 1 });
    expect(state.bindings.filter((b) => b.managed)).toHaveLength(2);
  });
});

describe('applying an iam change planned from a read', () => {
  it('creates and attaches a new policy with two calls and no read', async () => {
    const desired = [grant(T0 + HOUR)];
    expect(await applyCounting(await plan(desired))).toEqual({ CreatePolicy: 1, AttachUserPolicy: 1, ...SESSION_ENDS });
    expect(await converged(desired)).toBe(true);
  });

  it('changes an existing policy with one CreatePolicyVersion', async () => {
    await provider().apply(await plan([grant(T0 + HOUR)]));
    const desired = [grant(T0 + 2 * HOUR)];
    expect(await applyCounting(await plan(desired))).toEqual({ CreatePolicyVersion: 1, ...SESSION_ENDS });
    expect(await converged(desired)).toBe(true);
  });

  it('makes room for a sixth version by deleting the oldest the read saw, without listing', async () => {
    const calls: Record<string, number>[] = [];
    for (let hours = 1; hours <= 7; hours++) calls.push(await applyCounting(await plan([grant(T0 + hours * HOUR)])));
    // v1 is created and v2..v5 written beside it; v6 and v7 each replace the oldest.
    expect(calls.slice(5)).toEqual([
      { DeletePolicyVersion: 1, CreatePolicyVersion: 1, ...SESSION_ENDS },
      { DeletePolicyVersion: 1, CreatePolicyVersion: 1, ...SESSION_ENDS },
    ]);
    expect(await converged([grant(T0 + 7 * HOUR)])).toBe(true);
  });

  it('lists versions before a new one only when the plan does not carry them and the default is v5 or later', async () => {
    for (let hours = 1; hours <= 5; hours++) await provider().apply(await plan([grant(T0 + hours * HOUR)]));

    const calls = await applyCounting(withoutVersionLists(await plan([grant(T0 + 6 * HOUR)])));

    expect(calls).toEqual({ ListPolicyVersions: 1, DeletePolicyVersion: 1, CreatePolicyVersion: 1, ...SESSION_ENDS });
    expect(await converged([grant(T0 + 6 * HOUR)])).toBe(true);
  });

  it('deletes an emptied policy and the older versions the read saw, without listing them', async () => {
    for (let hours = 1; hours <= 3; hours++) await provider().apply(await plan([grant(T0 + hours * HOUR)]));

    const calls = await applyCounting(await plan([]));

    expect(calls).toMatchObject({ DetachUserPolicy: 1, DeletePolicyVersion: 2, DeletePolicy: 1 });
    expect(calls.ListPolicyVersions).toBeUndefined();
    expect(await policyExists()).toBe(false);
  });

  it('lists the versions of an emptied policy when the plan does not carry them', async () => {
    await provider().apply(await plan([grant(T0 + HOUR)]));
    await provider().apply(await plan([grant(T0 + 2 * HOUR)]));

    const calls = await applyCounting(withoutVersionLists(await plan([])));

    expect(calls).toMatchObject({ DetachUserPolicy: 1, ListPolicyVersions: 1, DeletePolicyVersion: 1, DeletePolicy: 1 });
    expect(await policyExists()).toBe(false);
  });

  it('still deletes an emptied policy that gained a version after the plan read it', async () => {
    await provider().apply(await plan([grant(T0 + HOUR)]));
    const stale = await plan([]);
    const PolicyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] });
    await direct.iam.send(new CreatePolicyVersionCommand({ PolicyArn: grantPolicyArn(grant(T0).principal), PolicyDocument, SetAsDefault: false }));
    // IAM refuses to delete a policy with a non-default version left (moto does not check).
    proxy.script('DeletePolicy', deleteConflict);

    const calls = await applyCounting(stale);

    expect(calls).toMatchObject({ DeletePolicy: 2, ListPolicyVersions: 1, DeletePolicyVersion: 1 });
    expect(await policyExists()).toBe(false);
  });

  it('writes on a fresh read when the policy was created after the plan read the account', async () => {
    const stale = await plan([grant(T0 + HOUR)]);
    await providerFor(direct).apply(changeFor([grant(T0 + 3 * HOUR)], await providerFor(direct).read(target)));

    const calls = await applyCounting(stale);

    expect(calls).toMatchObject({ CreatePolicy: 1, GetPolicy: 1, CreatePolicyVersion: 1 });
    expect(await converged([grant(T0 + HOUR)])).toBe(true);
  });

  it('creates the policy again when it was deleted after the plan read it', async () => {
    await provider().apply(await plan([grant(T0 + HOUR)]));
    const stale = await plan([grant(T0 + 2 * HOUR)]);
    const policyArn = grantPolicyArn(grant(T0).principal);
    await direct.iam.send(new DetachUserPolicyCommand({ UserName: names.alice, PolicyArn: policyArn }));
    await direct.iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }));

    await provider().apply(stale);

    expect((await direct.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.AttachmentCount).toBe(1);
    expect(await converged([grant(T0 + 2 * HOUR)])).toBe(true);
  });
});
