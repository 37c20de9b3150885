import { describe, expect, it } from 'vitest';
import { observeBindings, UNCONDITIONAL_LABEL } from '../../../src/core/gcp/observe.js';
import type { IamBinding } from '../../../src/core/gcp/policy.js';
import { managedBinding, rewriteBindings, sameBindings } from '../../../src/core/gcp/rewrite.js';
import { aChange, aGcpBinding } from '../../support/builders/gcp.js';

const owner: IamBinding = { role: 'roles/owner', members: ['user:root@example.com', 'group:admins@example.com'] };
const othersExpiring: IamBinding = {
  role: 'roles/viewer',
  members: ['user:carol@example.com'],
  condition: { title: 'expirable access', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' },
};

describe('rewriting a policy for a change', () => {
  it('appends a conditional binding of one member that carries the marker and the window', () => {
    const alice = aGcpBinding().from('2026-11-22T14:00:00Z').until('2026-11-22T18:00:00Z').build();
    const next = rewriteBindings([owner], aChange(undefined, { add: [alice] }));
    expect(next).toEqual([
      owner,
      {
        role: 'roles/cloudsql.viewer',
        members: ['user:alice@example.com'],
        condition: {
          title: `gitgrant ${alice.id}`,
          description: 'Granted by gitgrant for grants/prod-db-readonly/alice-inc-1234.yaml; expires 2026-11-22T18:00:00Z',
          expression: 'request.time >= timestamp("2026-11-22T14:00:00Z") && request.time < timestamp("2026-11-22T18:00:00Z")',
        },
      },
    ]);
  });

  it('passes bindings it does not own through as the very same objects', () => {
    const next = rewriteBindings([owner, othersExpiring], aChange(undefined, { add: [aGcpBinding().build()] }));
    expect(next[0]).toBe(owner);
    expect(next[1]).toBe(othersExpiring);
  });

  it('gives the same bindings when a change is applied to its own result', () => {
    const change = aChange(undefined, { add: [aGcpBinding().build(), aGcpBinding().for('user:bob@example.com').build()] });
    const once = rewriteBindings([owner], change);
    expect(sameBindings(once, rewriteBindings(once, change))).toBe(true);
  });

  it('replaces a binding with the same id in place when its window changes', () => {
    const before = aGcpBinding().until('2026-11-22T18:00:00Z');
    const after = aGcpBinding().until('2026-11-23T18:00:00Z').build();
    const current = [managedBinding(before.build()), owner];
    const next = rewriteBindings(current, aChange(undefined, { update: [{ from: before.observed(), to: after }] }));
    expect(next).toEqual([managedBinding(after), owner]);
  });

  it('removes a managed binding by its id and leaves the rest', () => {
    const expired = aGcpBinding().for('user:dave@example.com');
    const next = rewriteBindings([owner, managedBinding(expired.build()), othersExpiring], aChange(undefined, { remove: [expired.observed()] }));
    expect(next).toEqual([owner, othersExpiring]);
  });

  it('treats a removal that is already gone as done', () => {
    const gone = aGcpBinding().for('user:dave@example.com').observed();
    const next = rewriteBindings([owner], aChange(undefined, { remove: [gone] }));
    expect(sameBindings(next, [owner])).toBe(true);
  });

  it('never removes an unmanaged binding, even one that looks like the removed member and role', () => {
    const lookalike: IamBinding = { role: 'roles/cloudsql.viewer', members: ['user:alice@example.com'] };
    const next = rewriteBindings([lookalike], aChange(undefined, { remove: [aGcpBinding().observed()] }));
    expect(next).toEqual([lookalike]);
  });
});

describe('comparing bindings', () => {
  it('ignores fields the SDK fills with empty defaults', () => {
    const fromSdk: IamBinding = { ...othersExpiring, condition: { ...othersExpiring.condition, description: '', location: '' } };
    expect(sameBindings([fromSdk], [othersExpiring])).toBe(true);
  });

  it('notices a changed expression', () => {
    const later: IamBinding = { ...othersExpiring, condition: { ...othersExpiring.condition, expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' } };
    expect(sameBindings([later], [othersExpiring])).toBe(false);
  });
});

describe('reading a policy', () => {
  it('gives one observed binding per member, and marks only gitgrant bindings as managed', () => {
    const alice = aGcpBinding().from('2026-11-22T14:00:00Z').until('2026-11-22T18:00:00Z');
    const observed = observeBindings({ bindings: [owner, othersExpiring, managedBinding(alice.build())] });
    expect(observed).toEqual([
      { managed: false, principal: 'user:root@example.com', permission: 'roles/owner', label: UNCONDITIONAL_LABEL },
      { managed: false, principal: 'group:admins@example.com', permission: 'roles/owner', label: UNCONDITIONAL_LABEL },
      {
        managed: false,
        principal: 'user:carol@example.com',
        permission: 'roles/viewer',
        window: { expires: Date.parse('2026-01-01T00:00:00Z') },
        label: 'expirable access',
      },
      alice.observed(),
    ]);
  });

  it('reads a policy whose bindings the API omitted as empty', () => {
    expect(observeBindings({ version: 1, etag: 'ACAB' })).toEqual([]);
  });
});
