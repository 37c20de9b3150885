import { describe, expect, it } from 'vitest';
import { aGrant, aPolicy, aRepo, aRole, codes, idsOf, NOW, placeOf, theOne, topOf, withCode } from '../../support/builders/model.js';

describe('a grant must name an existing role', () => {
  it('reports a grant whose folder names no role, at the top of the grant file', () => {
    const grant = aGrant().ofRole('ghost-role');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANT_ROLE_UNKNOWN');
    expect(finding).toMatchObject({ severity: 'error', ...topOf(grant) });
    expect(finding.summary).toBe('grant is in grants/ghost-role/ but there is no roles/ghost-role.yaml');
  });

  it('accepts a grant in the folder of a role that exists', () => {
    expect(aRepo().with(aGrant()).validate()).toEqual([]);
  });
});

describe('the grantee', () => {
  it('accepts a plain work email', () => {
    expect(aRepo().with(aGrant().for('alice.smith+ops@example.com')).validate()).toEqual([]);
  });

  it('is stored lower-case, so Alice@Example.COM is alice@example.com', () => {
    const grant = aGrant().for('Alice@Example.COM');
    const repo = aRepo().with(grant);
    expect(repo.load().grant(grant).grantee).toBe('alice@example.com');
    expect(repo.validate()).toEqual([]);
  });

  it('refuses a Cyrillic look-alike letter and names it, pointing at the grantee value', () => {
    const grant = aGrant().for('\u0430lice@example.com');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANTEE_NOT_ASCII');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'grantee') });
    expect(finding.summary).toBe('grantee contains the non-ASCII character "\u0430" (U+0430)');
  });

  it('names the composed character when the address was typed in decomposed form (NFC)', () => {
    const grant = aGrant().for('Jose\u0301@example.com');
    expect(aRepo().with(grant).load().grant(grant).grantee).toBe('jos\u00e9@example.com');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANTEE_NOT_ASCII');
    expect(finding.summary).toBe('grantee contains the non-ASCII character "\u00e9" (U+00E9)');
    expect(finding).toMatchObject(placeOf(grant, 'grantee'));
  });

  it('names a character outside the basic plane whole (both halves of its surrogate pair)', () => {
    const grant = aGrant().for('al\u{1D5C2}ce@example.com');
    expect(theOne(aRepo().with(grant).validate(), 'GRANTEE_NOT_ASCII').summary).toBe('grantee contains the non-ASCII character "\u{1D5C2}" (U+1D5C2)');
  });

  it('refuses something that is not an email address', () => {
    const grant = aGrant().for('alice');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANTEE_INVALID');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'grantee') });
  });

  it('refuses a domain the policy does not list', () => {
    const grant = aGrant().for('mallory@example.net');
    const finding = theOne(aRepo().with(aPolicy().limitingGranteesTo('example.com'), grant).validate(), 'GRANTEE_DOMAIN');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'grantee') });
    expect(finding.summary).toBe('grantee domain `example.net` is not one of example.com');
  });

  it('compares the domain after normalising case', () => {
    expect(aRepo().with(aPolicy().limitingGranteesTo('example.com'), aGrant().for('bob@EXAMPLE.com')).validate()).toEqual([]);
  });
});

describe('the reason', () => {
  it('must be at least as long as the policy asks, not counting surrounding spaces', () => {
    const grant = aGrant().because('   fix it    ');
    const finding = theOne(aRepo().with(aPolicy().withReasonsOfAtLeast(15), grant).validate(), 'GRANT_REASON_TOO_SHORT');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'reason') });
    expect(finding.summary).toBe('reason has 6 characters; the policy asks for at least 15');
  });

  it('passes at exactly the minimum length', () => {
    expect(aRepo().with(aPolicy().withReasonsOfAtLeast(15), aGrant().because('x'.repeat(15))).validate()).toEqual([]);
  });

  it('defaults to at least 10 characters when the policy says nothing', () => {
    expect(codes(aRepo().with(aGrant().because('123456789')).validate())).toEqual(['GRANT_REASON_TOO_SHORT']);
  });
});

describe('the ticket', () => {
  const prodRole = aRole('prod-db').production();

  it('is required on every grant when the policy says always, reported at the top of the grant', () => {
    const grant = aGrant();
    const finding = theOne(aRepo().with(aPolicy().requiringTickets('always'), grant).validate(), 'GRANT_TICKET_REQUIRED');
    expect(finding).toMatchObject({ severity: 'error', ...topOf(grant) });
    expect(finding.summary).toBe('a ticket is required for every grant');
  });

  it('is required on a production role when the policy says production', () => {
    const grant = aGrant().ofRole('prod-db');
    const finding = theOne(aRepo().with(aPolicy().requiringTickets('production'), prodRole, grant).validate(), 'GRANT_TICKET_REQUIRED');
    expect(finding).toMatchObject({ severity: 'error', ...topOf(grant) });
    expect(finding.summary).toBe('role prod-db is a production role: a ticket is required');
  });

  it("hints at a key of the organisation's own tracker when the policy has a pattern", () => {
    const grant = aGrant();
    const withPattern = theOne(aRepo().with(aPolicy().requiringTickets('always', '^SEC-[0-9]+$'), grant).validate(), 'GRANT_TICKET_REQUIRED');
    expect(withPattern.hint).toBe('add `ticket:` with a key that matches the policy pattern ^SEC-[0-9]+$');
    const without = theOne(aRepo().with(aPolicy().requiringTickets('always'), aGrant()).validate(), 'GRANT_TICKET_REQUIRED');
    expect(without.hint).toBe('add `ticket: INC-1234` (or #123 for a GitHub issue)');
  });

  it('is optional on a non-production role when the policy says production', () => {
    expect(aRepo().with(aPolicy().requiringTickets('production'), aGrant()).validate()).toEqual([]);
  });

  it('is optional even on a production role when the policy says never', () => {
    expect(aRepo().with(aPolicy().requiringTickets('never'), prodRole, aGrant().ofRole('prod-db')).validate()).toEqual([]);
  });

  it('must match the policy pattern when one is set, reported at the ticket value', () => {
    const grant = aGrant().withTicket('JIRA-12');
    const finding = theOne(aRepo().with(aPolicy().requiringTickets('always', '^(INC|CHG)-[0-9]+$'), grant).validate(), 'GRANT_TICKET_PATTERN');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'ticket') });
  });

  it('passes when it matches the policy pattern', () => {
    expect(aRepo().with(aPolicy().requiringTickets('always', '^(INC|CHG)-[0-9]+$'), aGrant().withTicket('CHG-7')).validate()).toEqual([]);
  });
});

describe('the time window', () => {
  it('reports starts that is not before expires, at starts', () => {
    const grant = aGrant().startingAt('2026-11-24T12:00:00Z').expiringAt('2026-11-24T10:00:00Z');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANT_STARTS_AFTER_EXPIRES');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'starts') });
    expect(finding.summary).toBe('starts (2026-11-24T12:00:00Z) is not before expires (2026-11-24T10:00:00Z)');
  });

  it('reports a window that starts and expires at the same instant', () => {
    const grant = aGrant().startingAt('2026-11-24T12:00:00Z').expiringAt('2026-11-24T12:00:00Z');
    expect(codes(aRepo().with(grant).validate())).toEqual(['GRANT_STARTS_AFTER_EXPIRES']);
  });

  it('refuses a new grant that has already ended, at expires', () => {
    const grant = aGrant().expiringAt('2026-11-23T09:00:00Z');
    const finding = theOne(aRepo().with(grant).validate({ changed: idsOf(grant) }), 'GRANT_ALREADY_EXPIRED');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'expires') });
    expect(finding.summary).toBe('expires 2026-11-23T09:00:00Z, which is not after now (2026-11-23T10:00:00Z)');
  });

  it('treats a new grant ending exactly now as already ended', () => {
    const grant = aGrant().expiringAt(NOW);
    expect(codes(aRepo().with(grant).validate({ changed: idsOf(grant) }))).toEqual(['GRANT_ALREADY_EXPIRED']);
  });

  it('only notes an expired grant already on main: the sweep will remove it', () => {
    const grant = aGrant().expiringAt('2026-11-23T09:00:00Z');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANT_AWAITING_SWEEP');
    expect(finding).toMatchObject({ severity: 'notice', ...placeOf(grant, 'expires') });
  });

  it('notes an expired grant that the change did not touch even when other grants changed', () => {
    const old = aGrant().expiringAt('2026-11-23T09:00:00Z');
    const fresh = aGrant().for('bob@example.com');
    const diagnostics = aRepo().with(old, fresh).validate({ changed: idsOf(fresh) });
    expect(withCode(diagnostics, 'GRANT_AWAITING_SWEEP')).toHaveLength(1);
    expect(withCode(diagnostics, 'GRANT_ALREADY_EXPIRED')).toEqual([]);
  });
});

// Attack: a requester names a protected principal (the automation's own access) as grantee with a
// short `until`, so the expiry or HR sweep removes that access. Refused on the pull request.
describe('a grantee whose access is protected (apply.protected)', () => {
  const guarded = (...principals: string[]) => aPolicy().withSection('apply', { protected: principals });

  it('refuses a new grant whose grantee maps to a protected principal, at the grantee', () => {
    const grant = aGrant().for('svc-deploy@example.com');
    const finding = theOne(aRepo().with(guarded('user:svc-deploy@example.com'), grant).validate({ changed: idsOf(grant) }), 'GRANT_GRANTEE_PROTECTED');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'grantee') });
    expect(finding.summary).toBe('grantee svc-deploy@example.com is user:svc-deploy@example.com, a protected principal (policies: apply.protected): its access is never granted or revoked by a grant file');
  });

  it('follows the policy\'s identity mapping: an address mapped onto the automation\'s service account is refused too', () => {
    const policy = guarded('serviceAccount:gitgrant@acme-admin.iam.gserviceaccount.com')
      .withSection('identities', { people: { 'ops-bot@example.com': { gcp: 'serviceAccount:gitgrant@acme-admin.iam.gserviceaccount.com' } } });
    const grant = aGrant().for('ops-bot@example.com');
    expect(codes(aRepo().with(policy, grant).validate({ changed: idsOf(grant) }))).toEqual(['GRANT_GRANTEE_PROTECTED']);
  });

  it('only warns about such a grant already on main, so apply keeps working; the sweeps hold its removal', () => {
    const grant = aGrant().for('svc-deploy@example.com');
    const finding = theOne(aRepo().with(guarded('user:svc-deploy@example.com'), grant).validate(), 'GRANT_GRANTEE_PROTECTED');
    expect(finding.severity).toBe('warning');
  });

  it('accepts a grantee who is not protected', () => {
    expect(aRepo().with(guarded('user:svc-deploy@example.com'), aGrant().for('alice@example.com')).validate()).toEqual([]);
  });
});

describe('break-glass fields', () => {
  const glassRole = aRole().allowingBreakGlass('2h');

  it('a break-glass grant must name its incident', () => {
    const grant = aGrant().breakingGlassWithoutIncident().expiringIn('1h');
    const finding = theOne(aRepo().with(glassRole, grant).validate(), 'GRANT_BREAK_GLASS_NO_INCIDENT');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'breakGlass') });
  });

  it('warns about an incident on a grant that is not break-glass', () => {
    const grant = aGrant().withField('incident', 'INC-1');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANT_INCIDENT_WITHOUT_BREAK_GLASS');
    expect(finding).toMatchObject({ severity: 'warning', ...placeOf(grant, 'incident') });
  });
});
