import { describe, expect, it } from 'vitest';
import type { IamTargetState } from '../../../src/adapters/aws/iam-target-state.js';
import { IAM_QUOTAS, checkAwsLimits, checkRoleTrustPolicy } from '../../../src/adapters/aws/limits.js';
import { ACCOUNT, HOUR, T0, anIamBinding, iamTarget, userArn } from '../../support/builders/aws.js';

const codes = (diagnostics: { code: string }[]) => diagnostics.map((d) => d.code);

const observed = (overrides: Partial<IamTargetState> = {}): IamTargetState => ({
  target: iamTarget(),
  bindings: [],
  attachedPolicyCounts: {},
  grantPolicyAttached: [],
  ...overrides,
});

describe('IAM quota checks', () => {
  it('accepts a normal plan', () => {
    const desired = [anIamBinding('a1').build(), anIamBinding('b1').onRole('billing').build()];
    expect(checkAwsLimits(iamTarget(), desired, observed())).toEqual([]);
  });

  it('reports a principal policy larger than the managed policy size quota', () => {
    const desired = Array.from({ length: 40 }, (_, i) => anIamBinding(`binding${i}`).onRole(`role-number-${i}`).build());
    const diagnostics = checkAwsLimits(iamTarget(), desired, undefined);
    expect(codes(diagnostics)).toEqual(['AWS_MANAGED_POLICY_TOO_LARGE']);
    expect(diagnostics[0]!.summary).toContain(`IAM allows ${IAM_QUOTAS.managedPolicySize}`);
  });

  it('counts the user existing attachments toward the managed policies per user quota', () => {
    const desired = [anIamBinding().for('alice').build()];
    const full = observed({ attachedPolicyCounts: { [userArn('alice')]: 10 } });
    expect(codes(checkAwsLimits(iamTarget(), desired, full))).toEqual(['AWS_USER_POLICY_ATTACHMENT_LIMIT']);
  });

  it('does not count gitgrant policy twice when it is already attached', () => {
    const desired = [anIamBinding().for('alice').build()];
    const full = observed({ attachedPolicyCounts: { [userArn('alice')]: 10 }, grantPolicyAttached: [userArn('alice')] });
    expect(checkAwsLimits(iamTarget(), desired, full)).toEqual([]);
  });

  it('reports bindings whose ids collapse to the same statement marker', () => {
    const desired = [anIamBinding('alice-1').build(), anIamBinding('alice1').build()];
    expect(codes(checkAwsLimits(iamTarget(), desired, undefined))).toEqual(['AWS_BINDING_MARKER_COLLISION']);
  });

  describe('session ends on the target role', () => {
    const role = 'arn:aws:iam::123456789012:role/prod-db-readonly';
    const withRole = (overrides: Partial<IamTargetState> = {}) =>
      observed({ roles: { [role]: { roleId: 'AROAEXAMPLEEXAMPLE123', otherInlineSize: 0 } }, readAt: T0, ...overrides });
    const grantees = (n: number) => Array.from({ length: n }, (_, i) => anIamBinding(`g${i}`).for(`user${i}`).until(T0 + HOUR + i * 60_000).build());

    it('fits one end time per grantee for 30 grantees with different ends (280 characters each)', () => {
      expect(checkAwsLimits(iamTarget(), grantees(30), withRole())).toEqual([]);
    });

    it('reports a role whose session ends would overflow the inline quota, and by how much', () => {
      const diagnostics = checkAwsLimits(iamTarget(), grantees(60), withRole());
      expect(codes(diagnostics)).toEqual(['AWS_ROLE_INLINE_POLICY_TOO_LARGE']);
      expect(diagnostics[0]!.summary).toMatch(/role prod-db-readonly would need \d+ characters of session ends \(60 end times\)/);
      expect(diagnostics[0]!.summary).toContain('new grants on this account are held back');
    });

    it('counts the role other inline policies toward the same quota', () => {
      const crowded = withRole({ roles: { [role]: { roleId: 'AROAEXAMPLEEXAMPLE123', otherInlineSize: 9_000 } } });
      expect(codes(checkAwsLimits(iamTarget(), grantees(10), crowded))).toEqual(['AWS_ROLE_INLINE_POLICY_TOO_LARGE']);
    });

    it('groups grantees that end at the same instant into one statement, so many fit', () => {
      const sameEnd = Array.from({ length: 150 }, (_, i) => anIamBinding(`g${i}`).for(`user${i}`).build());
      expect(checkAwsLimits(iamTarget(), sameEnd, withRole())).toEqual([]);
    });

    it('counts the ends of revocations the plan makes', () => {
      const dropped = Array.from({ length: 60 }, (_, i) => anIamBinding(`d${i}`).for(`user${i}`).until(T0 + HOUR + i * 60_000).observed());
      const diagnostics = checkAwsLimits(iamTarget(), [], withRole({ bindings: dropped, readAt: T0 + 2 * HOUR }));
      // Revoked now (all at readAt) or already ended (each at its own end): 60 ends, one per minute.
      expect(codes(diagnostics)).toEqual(['AWS_ROLE_INLINE_POLICY_TOO_LARGE']);
    });
  });

  it('reports a permission set whose inline policy with session ends would exceed the role quota', () => {
    const target = { provider: 'aws' as const, strategy: 'identity-center' as const, account: ACCOUNT, instanceArn: 'arn:aws:sso:::instance/ssoins-1' };
    const set = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';
    const assignments = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `a${i}`, target, principal: `user-${i}-0000-0000-0000-000000000000`, permission: set, window: { expires: T0 + HOUR }, grants: [] }));
    const state = { target, bindings: [], managedPermissionSets: [set], inlinePolicies: { [set]: null }, readAt: T0 };
    expect(checkAwsLimits(target, assignments(20), state)).toEqual([]);
    expect(codes(checkAwsLimits(target, assignments(40), state))).toEqual(['AWS_PERMISSION_SET_INLINE_POLICY_TOO_LARGE']);
  });

  it('checks role trust policies against their 2,048 character quota', () => {
    const principals = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${ACCOUNT}:user/person-${i}`);
    const trust = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: 'sts:AssumeRole', Resource: principals }] };
    expect(codes(checkRoleTrustPolicy('arn:aws:iam::123456789012:role/x', trust))).toEqual(['AWS_ROLE_TRUST_POLICY_TOO_LARGE']);
  });

  it('has nothing to check for Identity Center targets', () => {
    const target = { provider: 'aws' as const, strategy: 'identity-center' as const, account: ACCOUNT, instanceArn: 'arn:aws:sso:::instance/ssoins-1' };
    expect(checkAwsLimits(target, [anIamBinding().build()], undefined)).toEqual([]);
  });
});
