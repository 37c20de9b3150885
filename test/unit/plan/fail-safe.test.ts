import { describe, expect, it } from 'vitest';
import { desiredState } from '../../../src/core/plan/desired.js';
import { failSafePlan, uncertainOf } from '../../../src/core/plan/fail-safe.js';
import { NOW, aGrant, aRepo } from '../../support/builders/model.js';
import { ACCOUNT, aChange, aPlan, gcpTarget, iamTarget, observed } from '../../support/builders/plan.js';
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

  it('removes only what the cloud has already ended when a grant\'s role does not load', () => {
    const plan = aPlan(NOW, [aChange(PROJECT, {
      remove: [observed('user:alice@example.com', 'roles/viewer', { id: 'gg1', window: { expires: NOW + HOUR } }), observed('user:dan@example.com', 'roles/viewer', { id: 'gg2', window: { expires: NOW } })],
    })]);
    const { plan: safe, held } = failSafePlan(plan, new Set(), { bindingIds: new Set(), assignments: new Set(), rolesMissing: new Map([['db', ['grants/db/bob.yaml']]]) }, NOW);
    expect(safe.changes[0]!.remove.map((b) => b.id)).toEqual(['gg2']);
    expect(held.reasons).toEqual(['held back 1 removal: role db does not load, so the bindings of its grants cannot be told apart from the rest (grants/db/bob.yaml); a removal goes ahead only where the cloud has already ended the access']);
  });
});
