/**
 * Issue 9 finding 3: the grantee must never count as an approver of their own grant. When the
 * identities give no GitHub login for the grantee, the gate cannot tell their approval apart, so it
 * fails closed instead of silently dropping the exclusion.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../../src/core/gate/gate.js';
import { aGrant, aPullRequest, by } from '../../support/builders/gate.js';

describe('a grant whose grantee has no known GitHub login', () => {
  it('fails closed even when an approver who may be the grantee approved', () => {
    const result = evaluateGate(
      aPullRequest()
        .openedBy('teammate')
        .adding(aGrant().needs(1, 'owners', '@acme/db').withUnmappedGrantee())
        .team('@acme/db', 'new-hire')
        .withReviews(by('new-hire').approves())
        .build(),
    );
    expect(result.passed).toBe(false);
    expect(result.subjects[0]).toMatchObject({ status: 'grantee-unknown', granteeUnknown: { grantee: 'grantee@example.com', identitiesFile: 'policies/identities.yaml' } });
  });

  it('keeps the approvals it saw, so the verdict says what else is missing', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db').withUnmappedGrantee()).team('@acme/db', 'bob').withReviews(by('bob').approves()).build(),
    );
    expect(result.subjects[0]!.levels[0]!.approvers.map((a) => a.login)).toEqual(['bob']);
    expect(result.subjects[0]!.status).toBe('grantee-unknown');
  });

  it('does not need the login when no approval counts anyway (a waiver)', () => {
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db').withUnmappedGrantee().waivedBecause('office hours')).build());
    expect(result.passed).toBe(true);
    expect(result.subjects[0]!.status).toBe('waived');
  });

  it('passes the same grant when the login is known and someone else approved', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db').grantedTo('new-hire')).team('@acme/db', 'bob', 'new-hire').withReviews(by('new-hire').approves(), by('bob').approves()).build(),
    );
    expect(result.passed).toBe(true);
    expect(result.subjects[0]!.ignored.map((i) => [i.login, i.reason])).toEqual([['new-hire', 'grantee']]);
  });
});
