import { describe, expect, it } from 'vitest';
import { aPolicy, aRepo, codes, lineContaining, placeOf, theOne } from '../../support/builders/model.js';

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

describe('the break-glass budget', () => {
  const budgetPolicy = (budget: Record<string, string>) => aPolicy().withSection('breakGlass', { budget });

  it('defaults to the break-glass cap per 24h', () => {
    const { policy } = aRepo().with(aPolicy().capping({ breakGlassMax: '3h' })).load().repo;
    expect(policy.breakGlass.budget).toEqual({ total: 3 * 3_600_000, window: 24 * 3_600_000 });
  });

  it('is read from breakGlass.budget', () => {
    const repo = aRepo().with(budgetPolicy({ total: '6h', window: '7d' }));
    expect(repo.validate()).toEqual([]);
    expect(repo.load().repo.policy.breakGlass.budget).toEqual({ total: 6 * 3_600_000, window: 7 * 86_400_000 });
  });

  it('refuses a total longer than its window, at the total', () => {
    const policy = budgetPolicy({ total: '2d', window: '24h' });
    const finding = theOne(aRepo().with(policy).validate(), 'POLICY_BREAK_GLASS_BUDGET_OVER_WINDOW');
    expect(finding).toMatchObject({ severity: 'error', file: 'policies/access.yaml', start: { line: lineContaining(policy, 'total:') } });
    expect(finding.summary).toBe('`breakGlass.budget.total` 48h is longer than its window of 24h');
  });

  it('warns when no single use at the cap fits the total', () => {
    const policy = budgetPolicy({ total: '1h' });
    const finding = theOne(aRepo().with(policy).validate(), 'POLICY_BREAK_GLASS_BUDGET_BELOW_CAP');
    expect(finding).toMatchObject({ severity: 'warning', start: { line: lineContaining(policy, 'total:') } });
  });

  it('refuses a zero total or window rather than reading it as no budget', () => {
    const policy = budgetPolicy({ total: '0h', window: '0d' });
    expect(codes(aRepo().with(policy).validate())).toEqual(['POLICY_DURATION_ZERO', 'POLICY_DURATION_ZERO']);
  });

  it('refuses unknown keys in the budget (schema)', () => {
    expect(codes(aRepo().with(budgetPolicy({ totl: '4h' })).validate())).toEqual(['SCHEMA_UNKNOWN_KEY']);
  });
});
