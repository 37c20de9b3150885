import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/core/jobs/reconcile.js';
import { grantId } from '../../../src/core/model/types.js';
import type { ObservedBinding, Plan } from '../../../src/core/plan/types.js';
import { aGrant, aRepo, NOW } from '../../support/builders/model.js';

const gcp = { provider: 'gcp' as const, resource: 'projects/acme-test' };
const managed = (id: string, principal: string): ObservedBinding => ({ id, managed: true, principal, permission: 'roles/viewer', label: id });
const unmanaged = (principal: string, permission: string): ObservedBinding => ({ managed: false, principal, permission, label: `${permission} ${principal}` });
const alice = aGrant().for('alice@example.com').named('alice').expiringAt('2026-11-23T09:00:00Z');
const repo = aRepo().with(alice).load().repo;

function planWith(remove: ObservedBinding[], others: ObservedBinding[] = []): Plan {
  return { at: NOW, online: true, diagnostics: [], changes: [{ target: gcp, add: [], update: [], remove, unmanaged: others }] };
}

describe('reconcile', () => {
  const owners = new Map([['alice-binding', [grantId(alice.path)]]]);

  it('calls a marked binding no grant stands for an orphan, and one of an expired grant a leftover; both are removed', () => {
    const result = reconcile(repo, planWith([managed('alice-binding', 'user:alice@example.com'), managed('ghost', 'user:ghost@example.com')]), owners);
    expect(result.findings.map((f) => [f.kind, f.outcome, f.grants])).toEqual([
      ['EXPIRED_LEFTOVER', 'removed', [alice.path]],
      ['ORPHAN_BINDING', 'removed', []],
    ]);
    expect(result.removals.changes[0]!.remove).toHaveLength(2);
  });

  it('reports unmanaged access only when it gives a role\'s permission on that target, and never plans to remove it', () => {
    const result = reconcile(repo, planWith([], [unmanaged('user:mallory@example.com', 'roles/viewer'), unmanaged('user:root@example.com', 'roles/owner')]), owners);
    expect(result.findings.map((f) => [f.kind, f.outcome, f.summary.split(' outside')[0]])).toEqual([['UNMANAGED_ACCESS', 'reported', 'user:mallory@example.com has roles/viewer on gcp:projects/acme-test']]);
    expect(result.removals.changes[0]!.unmanaged).toEqual([]);
    expect(result.removals.changes[0]!.remove).toEqual([]);
  });

  it('gives the same fingerprint on another night for the same binding', () => {
    const once = reconcile(repo, planWith([managed('ghost', 'user:ghost@example.com')]), owners).findings[0]!.fingerprint;
    const again = reconcile(repo, planWith([managed('ghost', 'user:ghost@example.com')]), owners).findings[0]!.fingerprint;
    expect(again).toBe(once);
  });
});
