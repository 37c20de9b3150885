import { describe, expect, it } from 'vitest';
import { holdProtectedRemovals, protectionOf, type Protection } from '../../../src/core/jobs/protected-removals.js';
import { grantId } from '../../../src/core/model/types.js';
import type { ObservedBinding, TargetChange, TargetRef } from '../../../src/core/plan/types.js';
import { aPolicy, aRepo } from '../../support/builders/model.js';

const gcp: TargetRef = { provider: 'gcp', resource: 'projects/acme-test' };
const identityCenter: TargetRef = { provider: 'aws', strategy: 'identity-center', account: '111122223333', instanceArn: 'arn:aws:sso:::instance/ssoins-1' };
const ALICE = grantId('grants/app-readonly/alice.yaml');
const BOT = grantId('grants/app-readonly/bot.yaml');
const binding = (id: string, principal: string): ObservedBinding => ({ id, managed: true, principal, permission: 'roles/viewer', label: id });
const removing = (target: TargetRef, ...remove: ObservedBinding[]): TargetChange => ({ target, add: [], update: [], remove, unmanaged: [] });
const owners = new Map([['a', [ALICE]], ['b', [BOT]]]);
const revoked = new Set([ALICE, BOT]);
const known = (...principals: string[]): Protection => ({ known: true, principals: new Set(principals) });
const unknown: Protection = { known: false, where: ['policies/apply.yaml:3:3'] };

describe('protected principals in the revocation sweeps', () => {
  it('holds the removal of a protected principal\'s binding, naming its grant, and lets the others through', () => {
    const { change, held } = holdProtectedRemovals(removing(gcp, binding('a', 'user:alice@example.com'), binding('b', 'serviceAccount:gitgrant@acme.iam.gserviceaccount.com')), owners, revoked, known('serviceAccount:gitgrant@acme.iam.gserviceaccount.com'));
    expect(change.remove.map((b) => b.id)).toEqual(['a']);
    expect(change.kept).toBe(1);
    expect(held).toEqual([{ grants: [BOT], cause: expect.stringContaining("held: removing serviceAccount:gitgrant@acme.iam.gserviceaccount.com's roles/viewer would take away a protected principal's access (policies: apply.protected)") }]);
  });

  it('holds a protected principal\'s removal even for a leaver', () => {
    const { held } = holdProtectedRemovals(removing(identityCenter, binding('b', 'u-bot')), owners, revoked, known('u-bot'), new Set([BOT]));
    expect(held.map((h) => h.grants)).toEqual([[BOT]]);
  });

  it('changes nothing when no removal is of a protected principal', () => {
    const input = removing(identityCenter, binding('a', 'u-alice'));
    expect(holdProtectedRemovals(input, owners, revoked, known('u-bot'))).toEqual({ change: input, held: [] });
  });

  describe('when apply.protected does not load', () => {
    it('lets GCP and IAM removals through: their binding names the grant, so only that grant\'s access ends', () => {
      const input = removing(gcp, binding('a', 'user:alice@example.com'), binding('b', 'serviceAccount:gitgrant@acme.iam.gserviceaccount.com'));
      expect(holdProtectedRemovals(input, owners, revoked, unknown).held).toEqual([]);
    });

    it('holds an Identity Center assignment, which may be the principal\'s own, naming the file to fix', () => {
      const { change, held } = holdProtectedRemovals(removing(identityCenter, binding('b', 'u-bot')), owners, revoked, unknown);
      expect(change.remove).toEqual([]);
      expect(held).toEqual([{ grants: [BOT], cause: expect.stringMatching(/did not load.*\(fix policies\/apply\.yaml:3:3\)$/) }]);
    });

    it('never holds a leaver\'s Identity Center removal: a person HR lists as gone is not the automation', () => {
      const { change, held } = holdProtectedRemovals(removing(identityCenter, binding('a', 'u-alice')), owners, revoked, unknown, new Set([ALICE]));
      expect(held).toEqual([]);
      expect(change.remove.map((b) => b.id)).toEqual(['a']);
    });
  });

  it('reads the list from the policy, or where it failed to load', () => {
    const loaded = aRepo().with(aPolicy().inFile('apply').withoutOwners().withSection('apply', { protected: ['u-bot'] })).load();
    expect(protectionOf(loaded.repo.policy, loaded.diagnostics)).toEqual(known('u-bot'));
    const broken = aRepo().with(aPolicy().inFile('apply').withoutOwners().withSection('apply', { protected: ['u-bot'], protect: [] })).load();
    const protection = protectionOf(broken.repo.policy, broken.diagnostics);
    expect(protection.known).toBe(false);
    expect(protection.known ? [] : protection.where).toEqual([expect.stringMatching(/^policies\/apply\.yaml:\d+:\d+$/)]);
  });
});
