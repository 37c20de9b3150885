import { describe, expect, it } from 'vitest';
import {
  bindingOfStatement,
  grantPolicyArn,
  grantPolicyName,
  grantStatement,
  statementSid,
  userNameOfGrantPolicy,
  withGrantStatements,
} from '../../../src/core/aws/iam-grant-policy.js';
import { emptyDocument, parsePolicyDocument, serialisePolicy } from '../../../src/core/aws/policy-document.js';
import { HOUR, T0, anIamBinding, roleArn, userArn } from '../../support/builders/aws.js';

describe('gitgrant policy statements', () => {
  it('allows assuming the role only inside the window and only under the grantee session name', () => {
    const statement = grantStatement(anIamBinding('aliceInc1234').for('alice').from(T0).until(T0 + 4 * HOUR).build());
    expect(statement).toEqual({
      Sid: 'aliceInc1234',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: roleArn('prod-db-readonly'),
      Condition: {
        DateGreaterThan: { 'aws:CurrentTime': '2026-11-22T14:00:00Z' },
        DateLessThan: { 'aws:CurrentTime': '2026-11-22T18:00:00Z' },
        StringEquals: { 'sts:RoleSessionName': 'alice' },
      },
    });
  });

  it('omits the start condition when the grant has no start', () => {
    const statement = grantStatement(anIamBinding().build());
    expect(statement.Condition).not.toHaveProperty('DateGreaterThan');
  });

  it('reads a written statement back into the same binding with the exact window', () => {
    const binding = anIamBinding('bobInc9').for('bob').from(T0 + 1234).until(T0 + 2 * HOUR + 5).build();
    expect(bindingOfStatement(grantStatement(binding), binding.principal)).toEqual({
      id: 'bobInc9',
      managed: true,
      principal: userArn('bob'),
      permission: binding.permission,
      window: { starts: T0 + 1234, expires: T0 + 2 * HOUR + 5 },
      label: 'bobInc9',
    });
  });

  it('reports a hand-edited statement in gitgrant policy as unmanaged rather than guessing', () => {
    const edited = { ...grantStatement(anIamBinding().build()), Action: ['sts:AssumeRole', 'iam:*'] };
    expect(bindingOfStatement(edited, userArn('alice')).managed).toBe(false);
  });

  it('reduces a binding id to the letters and digits IAM allows in a Sid', () => {
    expect(statementSid('prod-db/alice@example.com#1')).toBe('proddbaliceexamplecom1');
  });

  it('names the policy after the user so the user can be found from the policy', () => {
    expect(grantPolicyName('alice@example.com')).toBe('gitgrant-alice@example.com');
    expect(userNameOfGrantPolicy('gitgrant-alice@example.com')).toBe('alice@example.com');
    expect(userNameOfGrantPolicy('AdministratorAccess')).toBeUndefined();
    expect(grantPolicyArn('arn:aws:iam::123456789012:user/eng/alice')).toBe(
      'arn:aws:iam::123456789012:policy/gitgrant/gitgrant-alice',
    );
  });

  it('replaces a statement with the same Sid, drops removed ones and sorts by Sid', () => {
    const a = grantStatement(anIamBinding('a1').build());
    const b = grantStatement(anIamBinding('b1').build());
    const c = grantStatement(anIamBinding('c1').build());
    const longerB = grantStatement(anIamBinding('b1').until(T0 + 9 * HOUR).build());
    const start = withGrantStatements(emptyDocument(), [c, b, a], []);
    const next = withGrantStatements(start, [longerB], ['c1']);
    expect(next.Statement).toEqual([a, longerB]);
  });

  it('parses the URL-encoded documents IAM returns as well as plain ones', () => {
    const document = withGrantStatements(emptyDocument(), [grantStatement(anIamBinding().build())], []);
    const text = serialisePolicy(document);
    expect(parsePolicyDocument(encodeURIComponent(text))).toEqual(document);
    expect(parsePolicyDocument(text)).toEqual(document);
  });
});
