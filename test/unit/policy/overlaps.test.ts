import { describe, expect, it } from 'vitest';
import { aGrant, aPolicy, aRepo, aRole, codes, idsOf, placeOf, withCode } from '../../support/builders/model.js';

const exclusiveRole = aRole('payments-operator').exclusive();
const inPayments = () => aGrant().ofRole('payments-operator');

describe('exclusive roles', () => {
  it('reports both grants when two people hold an exclusive role in overlapping windows', () => {
    const gina = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    const findings = withCode(aRepo().with(exclusiveRole, gina, hugo).validate(), 'GRANT_EXCLUSIVE_OVERLAP');
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ severity: 'error', ...placeOf(gina, 'expires') });
    expect(findings[0]!.summary).toBe(`role payments-operator is exclusive, and ${hugo.path} (hugo@example.com) holds it in an overlapping window`);
    expect(findings[1]).toMatchObject({ severity: 'error', ...placeOf(hugo, 'expires') });
    expect(findings[1]!.summary).toContain(gina.path);
  });

  it('on a change, blames only the grant being added', () => {
    const gina = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    const findings = withCode(aRepo().with(exclusiveRole, gina, hugo).validate({ changed: idsOf(hugo) }), 'GRANT_EXCLUSIVE_OVERLAP');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject(placeOf(hugo, 'expires'));
  });

  it('does not count back-to-back windows as overlapping', () => {
    const gina = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringAt('2026-11-23T16:00:00Z');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T16:00:00Z').expiringIn('2h');
    expect(aRepo().with(exclusiveRole, gina, hugo).validate()).toEqual([]);
  });

  it('treats a grant without starts as held from now, so it overlaps a scheduled one', () => {
    const gina = inPayments().for('gina@example.com').expiringAt('2026-11-23T16:00:00Z');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T15:59:00Z').expiringIn('1h');
    expect(withCode(aRepo().with(exclusiveRole, gina, hugo).validate(), 'GRANT_EXCLUSIVE_OVERLAP')).toHaveLength(2);
  });

  it('ignores grants that have already expired', () => {
    const old = inPayments().for('gina@example.com').startingAt('2026-11-23T07:00:00Z').expiringAt('2026-11-23T09:00:00Z');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T08:00:00Z').expiringIn('4h');
    expect(codes(aRepo().with(exclusiveRole, old, hugo).validate())).toEqual(['GRANT_AWAITING_SWEEP']);
  });

  it('reports one person holding an exclusive role twice at once as an exclusive overlap', () => {
    const first = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const second = inPayments().for('gina@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    const findings = withCode(aRepo().with(exclusiveRole, first, second).validate(), 'GRANT_EXCLUSIVE_OVERLAP');
    expect(findings).toHaveLength(2);
    expect(findings[0]!.summary).toBe(`gina@example.com already has role payments-operator in an overlapping window (${second.path})`);
  });
});

describe('duplicate grants', () => {
  it('reports the same person holding a role twice in overlapping windows, whatever the case of the address', () => {
    const first = aGrant().for('alice@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const second = aGrant().for('Alice@Example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    const findings = withCode(aRepo().with(first, second).validate({ changed: idsOf(second) }), 'GRANT_DUPLICATE');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', ...placeOf(second, 'expires') });
    expect(findings[0]!.summary).toBe(`alice@example.com already has role app-readonly in an overlapping window (${first.path})`);
  });

  it('allows overlapping duplicates when the policy says duplicates.allow: true', () => {
    const first = aGrant().startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const second = aGrant().startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    expect(aRepo().with(aPolicy().allowingDuplicates(), first, second).validate()).toEqual([]);
  });

  it('does not mind two people holding a non-exclusive role at once', () => {
    const first = aGrant().for('alice@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const second = aGrant().for('bob@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    expect(aRepo().with(first, second).validate()).toEqual([]);
  });

  it('does not count grants of different roles as duplicates', () => {
    const first = aGrant().startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const second = aGrant().ofRole('other-role').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    expect(aRepo().with(aRole('other-role'), first, second).validate()).toEqual([]);
  });
});

describe('overlaps when a change touches the role or the policy, not the grants', () => {
  it('reports both grants when neither changed but both are in scope (the role just became exclusive)', () => {
    const gina = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    const findings = withCode(aRepo().with(exclusiveRole, gina, hugo).validate({ changed: idsOf(), scope: idsOf(gina, hugo) }), 'GRANT_EXCLUSIVE_OVERLAP');
    expect(findings.map((f) => f.file)).toEqual([gina.path, hugo.path]);
  });

  it('reports nothing about two unchanged grants outside the scope', () => {
    const gina = inPayments().for('gina@example.com').startingAt('2026-11-23T14:00:00Z').expiringIn('2h');
    const hugo = inPayments().for('hugo@example.com').startingAt('2026-11-23T15:00:00Z').expiringIn('2h');
    expect(aRepo().with(exclusiveRole, gina, hugo).validate({ changed: idsOf(), scope: idsOf() })).toEqual([]);
  });
});
