/**
 * The deadline applies to sessions (issue 10, point 1). Each case applies grants to moto with the
 * iam strategy, reads back every policy of the user and the role with the real SDK, and asks an
 * independent IAM policy simulator (test/support/iam-evaluate.ts) whether a session issued at one
 * instant can act at another. The roles allow sessions of up to 12 hours, the worst case.
 */
import { CreateRoleCommand, DeleteRolePolicyCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import { REVOCATION_POLICY_NAME } from '../../../src/core/aws/iam-revocations.js';
import { parsePolicyDocument } from '../../../src/core/aws/policy-document.js';
import { canAssume, sessionCanAct } from '../../support/iam-evaluate.js';
import { awsTestEndpoint, type AwsTestEndpoint } from '../../support/moto.js';
import { HOUR, T0, anIamBinding } from '../../support/builders/aws.js';
import { accountOf, changeFor, clientsFor, converge, createUser, providerFor } from './harness.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let aws: AwsTestEndpoint;
let clients: AwsClients;
let account: string;
let target: TargetRef;
let run = 0;
let names: { user: string; role: string };
let bob: { user: string; role: string };

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
  names = { user: `alice${run}`, role: `prod-db-${run}` };
  bob = { user: `bob${run}`, role: names.role };
  await createUser(clients, names.user);
  await createUser(clients, bob.user);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
  await clients.iam.send(new CreateRoleCommand({ RoleName: names.role, AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: 12 * 3600 }));
  // What the role lets its sessions do: everything, so only gitgrant's deny can stop a session.
  const work = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  await clients.iam.send(new PutRolePolicyCommand({ RoleName: names.role, PolicyName: 'work', PolicyDocument: JSON.stringify(work) }));
});

const grant = (id: string, starts: number | undefined, expires: number, user = names.user) => {
  const builder = anIamBinding(`${id}${run}`).inAccount(account).for(user).onRole(names.role).until(expires);
  return (starts === undefined ? builder : builder.from(starts)).build();
};
const at = (now: number) => providerFor(clients, { now: () => now });

async function sessionEnds() {
  const stored = await clients.iam.send(new GetRolePolicyCommand({ RoleName: names.role, PolicyName: REVOCATION_POLICY_NAME }));
  return parsePolicyDocument(stored.PolicyDocument!).Statement;
}

describe('the deadline applies to sessions (iam strategy, evaluated with iam-simulate)', () => {
  const expires = T0 + 4 * HOUR;

  it('allows a session inside the window', async () => {
    await converge(at(T0), target, [grant('g', T0, expires)]);

    expect(await canAssume(clients.iam, names, T0 + HOUR)).toBe(true);
    expect(await sessionCanAct(clients.iam, names, T0 + HOUR, T0 + 2 * HOUR)).toBe('Allowed');
    expect(await canAssume(clients.iam, names, expires + SECOND)).toBe(false);
  });

  it('attack: a session issued 1s before expires is refused 10 min and 1 h after, also after expire ran', async () => {
    await converge(at(T0), target, [grant('g', T0, expires)]);
    const issued = expires - SECOND;
    expect(await canAssume(clients.iam, names, issued)).toBe(true);

    expect(await sessionCanAct(clients.iam, names, issued, expires + 10 * MINUTE)).toBe('Denied');
    expect(await sessionCanAct(clients.iam, names, issued, expires + HOUR)).toBe('Denied');

    // The sweep removes the Allow after expiry; the session must stay refused.
    await converge(at(expires + 5 * MINUTE), target, []);
    expect(await sessionCanAct(clients.iam, names, issued, expires + HOUR)).toBe('Denied');
    expect(await canAssume(clients.iam, names, expires + HOUR)).toBe(false);
  });

  it('writes the end when expire removes a grant that was applied without one', async () => {
    await converge(at(T0), target, [grant('g', T0, expires)]);
    // As an apply before session ends existed would have left it: no session-end policy.
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: names.role, PolicyName: REVOCATION_POLICY_NAME }));
    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + HOUR)).toBe('Allowed');

    await converge(at(expires + 5 * MINUTE), target, []);

    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + HOUR)).toBe('Denied');
  });

  it('does not catch the new sessions of a later grant after the first one ended', async () => {
    const later = { starts: expires + HOUR, expires: expires + 5 * HOUR };
    await converge(at(T0), target, [grant('g', T0, expires), grant('h', later.starts, later.expires)]);

    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + 10 * MINUTE)).toBe('Denied');
    expect(await canAssume(clients.iam, names, later.starts + MINUTE)).toBe(true);
    expect(await sessionCanAct(clients.iam, names, later.starts + MINUTE, later.starts + 2 * HOUR)).toBe('Allowed');
    expect(await sessionCanAct(clients.iam, names, later.expires - SECOND, later.expires + HOUR)).toBe('Denied');
  });

  it('ends overlapping grants at the end of their union, also when the second one is applied later', async () => {
    await converge(at(T0), target, [grant('g', T0, expires)]);
    const longer = grant('h', T0 + 2 * HOUR, T0 + 8 * HOUR);
    await converge(at(T0 + HOUR), target, [grant('g', T0, expires), longer]);

    // A session issued under the first grant is not cut at its end: the person still holds the role.
    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + HOUR)).toBe('Allowed');
    expect(await sessionCanAct(clients.iam, names, T0 + 8 * HOUR - SECOND, T0 + 8 * HOUR + 10 * MINUTE)).toBe('Denied');
    expect((await sessionEnds()).map((s) => s.Sid)).toEqual(['End20261122T220000000Z']);
  });

  it('moves the end with an extended grant', async () => {
    await converge(at(T0), target, [grant('g', T0, expires)]);
    await converge(at(T0 + HOUR), target, [grant('g', T0, expires + 2 * HOUR)]);

    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + HOUR)).toBe('Allowed');
    expect(await sessionCanAct(clients.iam, names, expires + 2 * HOUR - SECOND, expires + 3 * HOUR)).toBe('Denied');
  });

  it('revokes early: sessions issued before the revocation are refused, the role cannot be assumed again', async () => {
    await converge(at(T0), target, [grant('g', T0, expires), grant('b', T0, expires, bob.user)]);
    const revokedAt = T0 + HOUR;

    await converge(at(revokedAt), target, [grant('b', T0, expires, bob.user)]);

    expect(await sessionCanAct(clients.iam, names, T0 + 30 * MINUTE, revokedAt + MINUTE)).toBe('Denied');
    expect(await canAssume(clients.iam, names, revokedAt + MINUTE)).toBe(false);
    // Bob keeps his access until his own end.
    expect(await sessionCanAct(clients.iam, bob, T0 + 30 * MINUTE, revokedAt + MINUTE)).toBe('Allowed');
  });

  it('prunes an end once no session issued before it can be alive', async () => {
    await converge(at(T0), target, [grant('g', T0, expires), grant('b', T0, expires + 13 * HOUR, bob.user)]);
    expect((await sessionEnds()).map((s) => s.Sid)).toEqual(['End20261122T180000000Z', 'End20261123T070000000Z']);

    // 12 h (the role's MaxSessionDuration) after alice's end, the next change on the role prunes it.
    await converge(at(expires + 12 * HOUR), target, [grant('b', T0, expires + 13 * HOUR, bob.user)]);

    expect((await sessionEnds()).map((s) => s.Sid)).toEqual(['End20261123T070000000Z']);
  });

  it('reads a grant whose session end is missing as without a cloud deadline, and the next run writes it', async () => {
    const provider = at(T0);
    const binding = grant('g', T0, expires);
    await converge(provider, target, [binding]);
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: names.role, PolicyName: REVOCATION_POLICY_NAME }));

    const change = changeFor([binding], await provider.read(target));
    expect(change.update).toEqual([{ from: expect.not.objectContaining({ window: expect.anything() }), to: binding }]);
    await provider.apply(change);

    expect(await sessionCanAct(clients.iam, names, expires - SECOND, expires + HOUR)).toBe('Denied');
    expect(changeFor([binding], await provider.read(target))).toMatchObject({ add: [], update: [], remove: [] });
  });
});
