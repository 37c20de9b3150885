import { describe, expect, it } from 'vitest';
import { aPolicy, aRepo, codes, placeOf, theOne } from '../../support/builders.js';

describe('several policy files', () => {
  it('merge when each sets different keys', () => {
    const repo = aRepo().with(aPolicy(), aPolicy().inFile('tickets').withoutOwners().requiringTickets('always'));
    expect(repo.validate()).toEqual([]);
    expect(repo.load().repo.policy.tickets.required).toBe('always');
  });

  it('conflict when two set the same key: the later file is reported at its key', () => {
    const later = aPolicy().inFile('zz-caps').withoutOwners().capping({ max: '7d' });
    const repo = aRepo().with(aPolicy().capping({ max: '30d' }), later);
    const finding = theOne(repo.validate(), 'POLICY_KEY_CONFLICT');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(later, 'durations', 'key') });
    expect(finding.summary).toBe('`durations` is already set in policies/access.yaml');
  });

  it('keep the value of the first file (by name) when they conflict', () => {
    const repo = aRepo().with(aPolicy().capping({ max: '30d' }), aPolicy().inFile('zz-caps').withoutOwners().capping({ max: '7d' }));
    expect(repo.load().repo.policy.durations.max).toBe(30 * 86_400_000);
  });

  it('must name the policy owners somewhere', () => {
    expect(codes(aRepo().with(aPolicy().withoutOwners()).validate())).toEqual(['POLICY_OWNERS_MISSING']);
  });
});
