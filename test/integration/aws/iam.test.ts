import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  DeleteUserCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListPolicyVersionsCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredBinding, TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import { grantPolicyArn } from '../../../src/core/aws/iam-grant-policy.js';
import { REVOCATION_POLICY_NAME } from '../../../src/core/aws/iam-revocations.js';
import { parsePolicyDocument } from '../../../src/core/aws/policy-document.js';
import { awsTestEndpoint, type AwsTestEndpoint } from '../../support/moto.js';
import { HOUR, T0, anIamBinding } from '../../support/builders/aws.js';
import { accountOf, changeFor, clientsFor, converge, createRole, createUser, providerFor } from './harness.js';

let aws: AwsTestEndpoint;
let clients: AwsClients;
let account: string;
let target: TargetRef;
let run = 0;
/** Names unique per case, so the suite also runs against an endpoint that is never reset. */
let names: { alice: string; bob: string; role: string };

beforeAll(async () => {
  aws = await awsTestEndpoint();
  clients = clientsFor(aws.endpoint);
});
afterAll(async () => aws.stop());

beforeEach(async () => {
  await aws.reset();
  run += 1;
  account = await accountOf(clients);
  target = { provider: 'aws', strategy: 'iam', account };
  names = { alice: `alice${run}`, bob: `bob${run}`, role: `prod-db-readonly-${run}` };
  await createUser(clients, names.alice);
  await createUser(clients, names.bob);
  await createRole(clients, account, names.role);
});

const grant = (id: string, user = names.alice) => anIamBinding(id).inAccount(account).for(user).onRole(names.role);

async function storedDocument(userArn: string) {
  const policy = await clients.iam.send(new GetPolicyCommand({ PolicyArn: grantPolicyArn(userArn) }));
  const version = await clients.iam.send(
    new GetPolicyVersionCommand({ PolicyArn: policy.Policy!.Arn, VersionId: policy.Policy!.DefaultVersionId }),
  );
  return { versionId: policy.Policy!.DefaultVersionId!, document: parsePolicyDocument(version.PolicyVersion!.Document!) };
}

describe('the iam strategy against the emulator', () => {
  it('writes a grant whose stored policy carries the exact window and session name', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).from(T0 + 1_000).until(T0 + 4 * HOUR).build();
    await converge(provider, target, [binding]);

    const { document } = await storedDocument(binding.principal);
    expect(document.Statement).toEqual([
      {
        Sid: `g${run}a`,
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: binding.permission,
        Condition: {
          DateGreaterThan: { 'aws:CurrentTime': '2026-11-22T14:00:01Z' },
          DateLessThan: { 'aws:CurrentTime': '2026-11-22T18:00:00Z' },
          StringEquals: { 'sts:RoleSessionName': names.alice },
        },
      },
    ]);
    const state = await provider.read(target);
    expect(state.bindings).toEqual([
      expect.objectContaining({ id: `g${run}a`, managed: true, principal: binding.principal, window: binding.window }),
    ]);
  });

  it('changes nothing when the same change is applied twice', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const desired = [grant(`g${run}a`).build(), grant(`g${run}b`, names.bob).build()];
    const change = changeFor(desired, await provider.read(target));
    await provider.apply(change);
    const before = await Promise.all(desired.map((b) => storedDocument(b.principal)));

    await provider.apply(change);
    const after = await Promise.all(desired.map((b) => storedDocument(b.principal)));

    expect(after.map((a) => a.versionId)).toEqual(before.map((b) => b.versionId));
    expect(changeFor(desired, await provider.read(target))).toMatchObject({ add: [], update: [], remove: [] });
  });

  it('reports other policies that grant the same role as unmanaged and leaves them byte for byte', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).build();
    const standing = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Standing', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: binding.permission }],
    });
    const inline = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] });
    const created = await clients.iam.send(new CreatePolicyCommand({ PolicyName: `standing-${run}`, PolicyDocument: standing }));
    await clients.iam.send(new AttachUserPolicyCommand({ UserName: names.alice, PolicyArn: created.Policy!.Arn }));
    await clients.iam.send(new PutUserPolicyCommand({ UserName: names.alice, PolicyName: 'legacy', PolicyDocument: inline }));

    await converge(provider, target, [binding]);
    await converge(provider, target, []);

    const state = await provider.read(target);
    expect(state.bindings).toEqual([]); // gitgrant's policy is gone, so nothing ties alice to a managed role
    const kept = await clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: created.Policy!.Arn, VersionId: 'v1' }));
    expect(decode(kept.PolicyVersion!.Document!)).toBe(standing);
    const keptInline = await clients.iam.send(new GetUserPolicyCommand({ UserName: names.alice, PolicyName: 'legacy' }));
    expect(decode(keptInline.PolicyDocument!)).toBe(inline);
  });

  it('lists unmanaged grants beside the managed one while both exist', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).build();
    const inline = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Old', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    await clients.iam.send(new PutUserPolicyCommand({ UserName: names.alice, PolicyName: 'legacy', PolicyDocument: inline }));
    await converge(provider, target, [binding]);

    const state = await provider.read(target);
    expect(state.bindings.map((b) => [b.managed, b.label])).toEqual([
      [true, `g${run}a`],
      [false, 'legacy (inline):Old'],
    ]);
  });

  it('removes an expired binding without writing a revocation', async () => {
    const binding = grant(`g${run}a`).until(T0 + HOUR).build();
    await converge(providerFor(clients, { now: () => T0 }), target, [binding]);

    const afterExpiry = providerFor(clients, { now: () => T0 + 2 * HOUR });
    const change = await converge(afterExpiry, target, []);

    expect(change.remove.map((b) => b.id)).toEqual([`g${run}a`]);
    await expect(clients.iam.send(new GetPolicyCommand({ PolicyArn: grantPolicyArn(binding.principal) }))).rejects.toThrow(
      expect.objectContaining({ name: 'NoSuchEntityException' }),
    );
    await expect(
      clients.iam.send(new GetRolePolicyCommand({ RoleName: names.role, PolicyName: REVOCATION_POLICY_NAME })),
    ).rejects.toThrow(expect.objectContaining({ name: 'NoSuchEntityException' }));
  });

  it('revokes sessions already issued when a binding is removed before it expires', async () => {
    const binding = grant(`g${run}a`).until(T0 + 4 * HOUR).build();
    const kept = grant(`g${run}b`, names.bob).build();
    await converge(providerFor(clients, { now: () => T0 }), target, [binding, kept]);

    await converge(providerFor(clients, { now: () => T0 + HOUR }), target, [kept]);

    const revocations = await clients.iam.send(new GetRolePolicyCommand({ RoleName: names.role, PolicyName: REVOCATION_POLICY_NAME }));
    const roleId = (await clients.iam.send(new GetRoleCommand({ RoleName: names.role }))).Role!.RoleId!;
    // Alice's sessions end at the revocation (Bob's at his own expiry, in another statement).
    expect(parsePolicyDocument(revocations.PolicyDocument!).Statement.filter((s) => s.Sid === 'End20261122T150000000Z')).toEqual([
      {
        Sid: 'End20261122T150000000Z',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:userid': `${roleId}:${names.alice}` },
          DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-22T15:00:00Z' },
          DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T15:00:00Z' },
        },
      },
    ]);
    expect((await storedDocument(kept.principal)).document.Statement.map((s) => s.Sid)).toEqual([`g${run}b`]);
  });

  it('keeps within five policy versions by pruning the oldest', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    let binding: DesiredBinding = grant(`g${run}a`).build();
    for (let hours = 1; hours <= 7; hours++) {
      binding = grant(`g${run}a`).until(T0 + hours * HOUR).build();
      await converge(provider, target, [binding]);
    }
    const versions = await clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: grantPolicyArn(binding.principal) }));
    expect(versions.Versions).toHaveLength(5);
    expect((await provider.read(target)).bindings[0]?.window).toEqual({ expires: T0 + 7 * HOUR });
  });

  it('counts a removal whose policy or user is already gone as done', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).build();
    await converge(provider, target, [binding]);
    const change = changeFor([], await provider.read(target));
    await clients.iam.send(new DetachUserPolicyCommand({ UserName: names.alice, PolicyArn: grantPolicyArn(binding.principal) }));
    await provider.apply(change);
    await clients.iam.send(new DeleteUserCommand({ UserName: names.alice }));

    await expect(provider.apply(change)).resolves.toBeUndefined();
    expect((await provider.read(target)).bindings).toEqual([]);
  });

  it('re-attaches a policy that was left unattached', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).build();
    await converge(provider, target, [binding]);
    await clients.iam.send(new DetachUserPolicyCommand({ UserName: names.alice, PolicyArn: grantPolicyArn(binding.principal) }));

    const change = await converge(provider, target, [binding]);

    expect(change.add.map((b) => b.id)).toEqual([`g${run}a`]);
    expect(await provider.read(target)).toMatchObject({ grantPolicyAttached: [binding.principal] });
  });

  it('a grant to a user that does not exist fails per grant with what to fix, and leaves no policy behind', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const ghost = `ghost${run}`;
    const binding = grant(`g${run}a`, ghost).build();

    const apply = provider.apply(changeFor([binding], await provider.read(target)));

    await expect(apply).rejects.toThrow(`grants/prod-db-readonly/g${run}a.yaml: account ${account} has no IAM user ${ghost}`);
    await expect(apply).rejects.toThrow(`(hint: create the IAM user ${ghost} in ${account}, or map the person to their user under identities.people`);
    await expect(clients.iam.send(new GetPolicyCommand({ PolicyArn: grantPolicyArn(binding.principal) }))).rejects.toThrow(
      expect.objectContaining({ name: 'NoSuchEntityException' }),
    );
    // Nothing is read as present, so the next plan still adds the grant.
    expect(changeFor([binding], await provider.read(target)).add.map((b) => b.id)).toEqual([`g${run}a`]);
  });

  it('reads an unattached policy of a deleted user as inert, never as access', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const binding = grant(`g${run}a`).build();
    await converge(provider, target, [binding]);
    await clients.iam.send(new DetachUserPolicyCommand({ UserName: names.alice, PolicyArn: grantPolicyArn(binding.principal) }));
    await clients.iam.send(new DeleteUserCommand({ UserName: names.alice }));

    const state = await provider.read(target);

    expect(state.bindings).toEqual([expect.objectContaining({ id: `g${run}a`, managed: true, inert: true, label: `g${run}a (no IAM user ${names.alice}: gives no access)` })]);
  });

  it('taking one grant out of an unattached policy does not attach it again for the others', async () => {
    const provider = providerFor(clients, { now: () => T0 });
    const kept = grant(`g${run}a`).build();
    const gone = grant(`g${run}b`).build();
    await converge(provider, target, [kept, gone]);
    await clients.iam.send(new DetachUserPolicyCommand({ UserName: names.alice, PolicyArn: grantPolicyArn(kept.principal) }));
    const state = await provider.read(target);

    // Only the removal (an invalid main holds the add back): the other statement stays, unattached.
    await provider.apply({ target, add: [], update: [], remove: state.bindings.filter((b) => b.id === `g${run}b`), unmanaged: [] });

    expect((await storedDocument(kept.principal)).document.Statement.map((s) => s.Sid)).toEqual([`g${run}a`]);
    expect(await provider.read(target)).toMatchObject({ grantPolicyAttached: [] });
  });
});

/** IAM returns documents URL-encoded; moto returns them as stored. */
function decode(text: string): string {
  return text.startsWith('{') ? text : decodeURIComponent(text);
}
