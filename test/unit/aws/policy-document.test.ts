import { describe, expect, it } from 'vitest';
import { allowsAssumeRole, type PolicyStatement } from '../../../src/core/aws/policy-document.js';
import { roleArn } from '../../support/builders/aws.js';

const allow = (statement: Partial<PolicyStatement>): PolicyStatement => ({ Effect: 'Allow', ...statement });

describe('recognising grants of sts:AssumeRole', () => {
  const role = roleArn('prod-db-readonly');

  it('sees exact, wildcard and case-insensitive actions on matching resources', () => {
    expect(allowsAssumeRole(allow({ Action: 'sts:AssumeRole', Resource: role }), role)).toBe(true);
    expect(allowsAssumeRole(allow({ Action: ['s3:*', 'STS:assume*'], Resource: 'arn:aws:iam::*:role/prod-*' }), role)).toBe(true);
    expect(allowsAssumeRole(allow({ Action: '*', Resource: '*' }), role)).toBe(true);
  });

  it('ignores denies, other actions and other roles', () => {
    expect(allowsAssumeRole({ Effect: 'Deny', Action: '*', Resource: '*' }, role)).toBe(false);
    expect(allowsAssumeRole(allow({ Action: 's3:GetObject', Resource: '*' }), role)).toBe(false);
    expect(allowsAssumeRole(allow({ Action: 'sts:AssumeRole', Resource: roleArn('other') }), role)).toBe(false);
  });

  it('counts NotAction and NotResource statements that do not exclude the call', () => {
    expect(allowsAssumeRole(allow({ NotAction: 'iam:*', Resource: '*' }), role)).toBe(true);
    expect(allowsAssumeRole(allow({ NotAction: 'sts:*', Resource: '*' }), role)).toBe(false);
    expect(allowsAssumeRole(allow({ Action: 'sts:AssumeRole', NotResource: role }), role)).toBe(false);
  });
});
