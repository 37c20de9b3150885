import { describe, expect, it } from 'vitest';
import { aPolicy, aRepo, aRole, lineContaining, placeOf, theOne } from '../../support/builders/model.js';

describe('roles checked against the policy', () => {
  it('reports a role maxDuration above the policy hard cap, at the role value', () => {
    const role = aRole('long-lived').lastingAtMost('40d');
    const finding = theOne(aRepo().with(aPolicy().capping({ max: '30d' }), role).validate(), 'ROLE_MAX_OVER_POLICY_CAP');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(role, 'maxDuration') });
    expect(finding.summary).toBe('maxDuration 40d is above the policy hard cap of 30d');
  });

  it('accepts a role maxDuration equal to the policy cap', () => {
    expect(aRepo().with(aPolicy().capping({ max: '30d' }), aRole().lastingAtMost('30d')).validate()).toEqual([]);
  });

  it('reports a break-glass maxDuration above the policy break-glass cap, at the nested value', () => {
    const role = aRole('glass').allowingBreakGlass('6h');
    const finding = theOne(aRepo().with(aPolicy().capping({ breakGlassMax: '4h' }), role).validate(), 'ROLE_BREAK_GLASS_OVER_POLICY_CAP');
    const line = lineContaining(role, 'maxDuration: 6h');
    expect(finding).toMatchObject({ severity: 'error', file: 'roles/glass.yaml', start: { line, col: role.build().text.split('\n')[line - 1]!.indexOf('6h') + 1 } });
  });

  it('measures a role against the default cap of 30 days when the policy sets none', () => {
    expect(theOne(aRepo().with(aRole().lastingAtMost('31d')).validate(), 'ROLE_MAX_OVER_POLICY_CAP').summary).toBe('maxDuration 31d is above the policy hard cap of 30d');
  });
});
