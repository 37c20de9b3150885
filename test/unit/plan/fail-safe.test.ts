import { describe, expect, it } from 'vitest';
import { desiredState } from '../../../src/core/plan/desired.js';
import { failSafePlan, uncertainOf } from '../../../src/core/plan/fail-safe.js';
import { NOW, aGrant, aRepo } from '../../support/builders/model.js';
import { ACCOUNT, PERMISSION_SET_ARN, aChange, aPlan, gcpTarget, iamTarget, identityCenterTarget, observed } from '../../support/builders/plan.js';
import { grantBindingId } from '../../../src/core/plan/binding-id.js';
import { grantId } from '../../../src/core/model/types.js';
import type { TargetRef } from '../../../src/core/plan/types.js';
import { aTargetedRole } from '../../support/builders/plan.js';

const HOUR = 3_600_000;
const PROJECT = gcpTarget('projects/acme-prod');
const role = aTargetedRole('db').onGcp('projects/acme-prod', 'roles/viewer').onAwsIam(ACCOUNT, 'DbReader');
const alice = aGrant().for('alice@example.com').ofRole('db').named('alice').expiringIn('4h');

describe('planning on a main that does not validate', () => {
  it('names exactly the bindings a grant file that does not load stood for', () => {
    const valid = aRepo().with(role, alice).load();
    const stoodFor = desiredState(valid.repo, NOW, valid.repo.policy.identities, undefined).bindings.map((b) => b.id).sort();

    const broken = aRepo().with(role, { path: alice.build().path, text: 'grantee: [alice@example.com\n' }).load();
    const uncertain = uncertainOf(broken.repo, broken.diagnostics);
    expect([...uncertain.bindingIds].sort()).toEqual(stoodFor);
    expect(uncertain.rolesMissing.size).toBe(0);
  });

  it('holds every addition and change, removes what no file stands for, and keeps what a broken file may', () => {
    const ended = { expires: NOW - HOUR };
    const on = { expires: NOW + HOUR };
    const plan = aPlan(NOW, [
      aChange(PROJECT, {
        add: [{ id: 'ggNew', target: PROJECT, principal: 'user:carol@example.com', permission: 'roles/viewer', window: on, grants: [] }],
        remove: [
          observed('user:alice@example.com', 'roles/viewer', { id: 'ggDeleted', window: on }),
          observed('user:bob@example.com', 'roles/viewer', { id: 'ggBroken', window: on }),
          observed('user:dan@example.com', 'roles/viewer', { id: 'ggBrokenButEnded', window: ended }),
          observed('user:erin@acme.example', 'roles/viewer', { id: 'ggRemapped', window: on }),
        ],
      }),
      aChange(iamTarget(ACCOUNT), { update: [{ from: observed('arn:bob', 'arn:role', { id: 'ggWider', window: on }), to: { id: 'ggWider', target: iamTarget(ACCOUNT), principal: 'arn:bob', permission: 'arn:role', window: { expires: NOW + 9 * HOUR }, grants: [] } }] }),
    ]);
    const { plan: safe, held } = failSafePlan(plan, new Set(['ggRemapped', 'ggWider']), { bindingIds: new Set(['ggBroken', 'ggBrokenButEnded']), assignments: new Set(), rolesMissing: new Map() }, NOW);

    expect(safe.changes.map((c) => [c.add.length, c.update.length, c.remove.map((b) => b.id)])).toEqual([[0, 0, ['ggDeleted', 'ggBrokenButEnded']], [0, 0, []]]);
    expect(held).toEqual({ add: 1, update: 1, remove: 2, reasons: ['held back 2 removals of bindings that grant files still on main stand for: they stay as they are until main validates'] });
  });

  it('holds only the removals a grant file of a role that does not load may stand for; every other removal goes ahead', () => {
    const on = { expires: NOW + HOUR };
    const iam = iamTarget(ACCOUNT);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/DbReader`;
    const id = (path: string, target: TargetRef, permission: string) => grantBindingId(grantId(path), target, permission);
    const plan = aPlan(NOW, [
      aChange(PROJECT, {
        remove: [
          // bob's file is still on main, under the role that does not load: his binding stays.
          observed('user:bob@example.com', 'roles/viewer', { id: id('grants/db/bob.yaml', PROJECT, 'roles/viewer'), window: on }),
          // The cloud has already ended it: cleaning up takes nothing away.
          observed('user:dan@example.com', 'roles/viewer', { id: id('grants/db/dan.yaml', PROJECT, 'roles/viewer'), window: { expires: NOW } }),
          // alice's grant of the broken role was deleted (an early revocation): no file stands for it.
          observed('user:alice@example.com', 'roles/viewer', { id: id('grants/db/alice.yaml', PROJECT, 'roles/viewer'), window: on }),
          // carol's grant of a role that loads was deleted: removed as on a valid main.
          observed('user:carol@example.com', 'roles/viewer', { id: id('grants/viewer/carol.yaml', PROJECT, 'roles/viewer'), window: on }),
        ],
      }),
      aChange(iam, { remove: [observed('arn:bob', roleArn, { id: id('grants/db/bob.yaml', iam, roleArn), window: on }), observed('arn:erin', roleArn, { id: id('grants/ops/erin.yaml', iam, roleArn), window: on })] }),
    ]);
    const uncertain = { bindingIds: new Set<string>(), assignments: new Set<string>(), rolesMissing: new Map([['db', ['grants/db/bob.yaml', 'grants/db/dan.yaml']]]) };

    const { plan: safe, held } = failSafePlan(plan, new Set(), uncertain, NOW);

    expect(safe.changes.map((c) => c.remove.map((b) => b.principal))).toEqual([['user:dan@example.com', 'user:alice@example.com', 'user:carol@example.com'], ['arn:erin']]);
    expect(held.remove).toBe(2);
    expect(held.reasons).toEqual(['held back 2 removals of bindings that grants of role db stand for (grants/db/bob.yaml, grants/db/dan.yaml): the role does not load, so they stay as they are until it does, unless the cloud has already ended them']);
  });

  it('a binding is held for a broken role only by the path of a grant file on main, not by who holds it or what it gives', () => {
    // A file of the broken role names alice, but the binding with her principal and permission was made for a deleted grant.
    const on = { expires: NOW + HOUR };
    const aliceDeleted = observed('user:alice@example.com', 'roles/viewer', { id: grantBindingId(grantId('grants/viewer/alice.yaml'), PROJECT, 'roles/viewer'), window: on });
    const uncertain = { bindingIds: new Set<string>(), assignments: new Set<string>(), rolesMissing: new Map([['db', ['grants/db/alice.yaml']]]) };

    const { plan: safe } = failSafePlan(aPlan(NOW, [aChange(PROJECT, { remove: [aliceDeleted] })]), new Set(), uncertain, NOW);

    expect(safe.changes[0]!.remove).toEqual([aliceDeleted]);
  });

  it('holds Identity Center removals while a role with grants does not load, since an assignment names no grant', () => {
    const ic = identityCenterTarget();
    const plan = aPlan(NOW, [aChange(ic, {
      remove: [observed('user-1', PERMISSION_SET_ARN, { id: 'a/1', window: { expires: NOW + HOUR } }), observed('user-2', PERMISSION_SET_ARN, { id: 'a/2', window: { expires: NOW } })],
    })]);
    const { plan: safe, held } = failSafePlan(plan, new Set(), { bindingIds: new Set(), assignments: new Set(), rolesMissing: new Map([['db', ['grants/db/bob.yaml']]]) }, NOW);
    expect(safe.changes[0]!.remove.map((b) => b.id)).toEqual(['a/2']);
    expect(held.reasons).toEqual(['held back 1 Identity Center removal: role db does not load (grants/db/bob.yaml), and an assignment does not say which grant made it; it goes ahead once the role loads, or where the cloud has already ended the access']);
  });

  it('cleans up what gives no access (inert) even where a broken file or role may stand for it', () => {
    const on = { expires: NOW + HOUR };
    const inert = { ...observed('user:bob@example.com', 'roles/viewer', { id: grantBindingId(grantId('grants/db/bob.yaml'), PROJECT, 'roles/viewer'), window: on }), inert: true };
    const { plan: safe, held } = failSafePlan(aPlan(NOW, [aChange(PROJECT, { remove: [inert] })]), new Set(), { bindingIds: new Set([inert.id!]), assignments: new Set(), rolesMissing: new Map([['db', ['grants/db/bob.yaml']]]) }, NOW);
    expect(safe.changes[0]!.remove).toEqual([inert]);
    expect(held.remove).toBe(0);
  });

  it('finds every grant file of a role that does not load, loaded or not', () => {
    const broken = aRepo().with(
      { path: 'roles/db.yaml', text: 'unknownKey: 1\n' },
      alice,
      { path: 'grants/db/bob.yaml', text: 'grantee: [bob@example.com\n' },
    ).load();
    expect(uncertainOf(broken.repo, broken.diagnostics).rolesMissing).toEqual(new Map([['db', [alice.build().path, 'grants/db/bob.yaml'].sort()]]));
  });
});
