import { describe, expect, it } from 'vitest';
import type { Revocation } from '../../../src/core/jobs/expiry.js';
import { revocationOutcomes, revocationPlan } from '../../../src/core/jobs/revocation.js';
import { grantId } from '../../../src/core/model/types.js';
import type { ObservedBinding, Plan } from '../../../src/core/plan/types.js';
import { aGrant, aRepo, NOW } from '../../support/builders/model.js';

const observed = (id: string, principal: string): ObservedBinding => ({ id, managed: true, principal, permission: 'roles/viewer', label: id });
const gcp = { provider: 'gcp' as const, resource: 'projects/acme-test' };

describe('a revocation plan', () => {
  const plan: Plan = {
    at: NOW, online: true, diagnostics: [],
    changes: [{
      target: gcp,
      add: [{ id: 'new', target: gcp, principal: 'user:zed@example.com', permission: 'roles/viewer', grants: [grantId('grants/x/zed.yaml')] }],
      update: [],
      remove: [observed('alice-binding', 'user:alice@example.com'), observed('orphan', 'user:mallory@example.com')],
      unmanaged: [{ managed: false, principal: 'user:root@example.com', permission: 'roles/owner', label: 'owner' }],
    }],
  };
  const owners = new Map([['alice-binding', [grantId('grants/app-readonly/alice.yaml')]]]);

  it('removes only the bindings of the revoked grants: no adds, no orphans, nothing unmanaged', () => {
    const result = revocationPlan(plan, owners, new Set([grantId('grants/app-readonly/alice.yaml')]));
    expect(result.changes).toEqual([{ target: gcp, add: [], update: [], remove: [observed('alice-binding', 'user:alice@example.com')], unmanaged: [] }]);
  });

  it('removes nothing when the revoked grant has no binding left in the cloud', () => {
    expect(revocationPlan(plan, owners, new Set([grantId('grants/app-readonly/bob.yaml')])).changes[0]!.remove).toEqual([]);
  });
});

describe('revocation outcomes', () => {
  const repo = aRepo().with({
    path: 'roles/split.yaml',
    text: "description: Two projects.\nowners: ['@example-org/owners']\napprovals: [{ name: owners, count: 1, from: ['@example-org/owners'] }]\ntargets:\n  - gcp: { resource: projects/acme-aaa, role: roles/viewer }\n  - gcp: { resource: projects/acme-bbb, role: roles/viewer }\n",
  }).load().repo;
  const grant = aRepo().with(aGrant().ofRole('split').named('g')).load().repo.grants[0]!;
  const revocation: Revocation = { grant, action: 'expire', reason: 'expired' };

  it('counts a grant revoked only when every target of its role succeeded', () => {
    expect(revocationOutcomes(repo, [revocation], new Map()).revoked).toEqual([revocation]);
    const failed = revocationOutcomes(repo, [revocation], new Map([['gcp:projects/acme-bbb', 'HTTP 503']]));
    expect(failed.revoked).toEqual([]);
    expect(failed.failed).toEqual([{ revocation, causes: ['gcp:projects/acme-bbb: HTTP 503'] }]);
  });

  it('never counts a grant revoked while its role does not load: where its bindings live is unknown, so nothing was removed', () => {
    const roleBroken = aRepo().with({ path: 'roles/split.yaml', text: 'unknownKey: 1\n' }).load().repo;
    for (const action of ['expire', 'revoke-ticket'] as const) {
      const due: Revocation = { ...revocation, action };
      expect(revocationOutcomes(roleBroken, [due], new Map())).toEqual({
        revoked: [],
        failed: [{ revocation: due, causes: ['role split does not load, so where this grant\'s bindings live is unknown and none was removed: fix roles/split.yaml, and the next sweep revokes it'] }],
      });
    }
  });

  it('ignores failures on targets the grant does not live on', () => {
    expect(revocationOutcomes(repo, [revocation], new Map([['gcp:projects/elsewhere', 'HTTP 503']])).revoked).toEqual([revocation]);
  });
});
