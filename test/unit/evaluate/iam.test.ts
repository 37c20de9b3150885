/** The IAM evaluator over gitgrant's own statements: a decision, and the statements that made it. */
import { describe, expect, it } from 'vitest';
import { describeEvaluation, evaluateIam } from '../../../src/core/evaluate/iam.js';
import { grantStatement } from '../../../src/core/aws/iam-grant-policy.js';
import { roleSessionUserId, sessionEndSid, sessionEndStatement } from '../../../src/core/aws/iam-revocations.js';

const ACCOUNT = '111111111111';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ProdOrdersDbAdmin`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const EXPIRES = Date.parse('2026-11-23T16:00:00Z');
const END_AT = Date.parse('2026-11-23T15:00:00Z');
const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
const grantPolicy = { Version: '2012-10-17' as const, Statement: [grantStatement({ id: 'b1', principal: ALICE, permission: ROLE, window: { expires: EXPIRES } })] };

const assumeAt = (at: string, sessionName = 'alice') => evaluateIam({
  request: { principal: ALICE, action: 'sts:AssumeRole', resource: ROLE, account: ACCOUNT, context: { 'aws:CurrentTime': at, 'sts:RoleSessionName': sessionName } },
  identityPolicies: [{ name: 'policy/gitgrant/gitgrant-alice', document: grantPolicy }],
  resourcePolicy: TRUST,
});

describe('evaluating gitgrant\'s grant statement', () => {
  it('allows assuming the role 1 s before expires, naming the statement that allowed it', async () => {
    const result = await assumeAt('2026-11-23T15:59:59Z');
    expect(result.decision).toBe('Allowed');
    expect(result.decidedBy).toEqual([{ policy: 'policy/gitgrant/gitgrant-alice', effect: 'Allow', statement: 'b1' }]);
    expect(describeEvaluation(result)).toBe('Allowed by policy/gitgrant/gitgrant-alice:b1');
  });

  it('denies it at expires, and under any other session name', async () => {
    expect((await assumeAt('2026-11-23T16:00:00Z')).decision).toBe('ImplicitlyDenied');
    expect((await assumeAt('2026-11-23T15:00:00Z', 'mallory')).decision).toBe('ImplicitlyDenied');
  });
});

describe('evaluating a live session against gitgrant\'s session-end deny', () => {
  const session = (issued: string) => evaluateIam({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/ProdOrdersDbAdmin/alice`, action: 'ec2:DescribeInstances', resource: '*', account: ACCOUNT,
      context: { 'aws:CurrentTime': '2026-11-23T15:30:00Z', 'aws:TokenIssueTime': issued, 'aws:userid': 'AROAEXAMPLE:alice' },
    },
    identityPolicies: [
      { name: 'role permissions', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      { name: 'ProdOrdersDbAdmin/gitgrant-revocations (inline)', document: { Version: '2012-10-17', Statement: [sessionEndStatement(END_AT, [roleSessionUserId('AROAEXAMPLE', 'alice')])] } },
    ],
  });

  it('refuses a session issued before the end, naming the deny', async () => {
    const result = await session('2026-11-23T14:59:59Z');
    expect(result.decision).toBe('ExplicitlyDenied');
    expect(result.decidedBy).toEqual([{ policy: 'ProdOrdersDbAdmin/gitgrant-revocations (inline)', effect: 'Deny', statement: sessionEndSid(END_AT) }]);
  });

  it('lets a session issued after the end through', async () => {
    expect((await session('2026-11-23T15:00:01Z')).decision).toBe('Allowed');
  });
});

describe('a policy the evaluator cannot read', () => {
  it('counts as allowed, with the reason (fail closed)', async () => {
    const result = await evaluateIam({
      request: { principal: ALICE, action: 'sts:AssumeRole', resource: ROLE, account: ACCOUNT, context: {} },
      identityPolicies: [{ name: 'broken', document: { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'sts:AssumeRole', Resource: ROLE }] } }],
    });
    expect(result.decision).toBe('Allowed');
    expect(result.error).toBeDefined();
    expect(describeEvaluation(result)).toMatch(/^not evaluable \(.+\); counted as allowed$/);
  });
});

describe('discovery mode', () => {
  it('treats a condition key the request does not give as satisfiable, and the given time as a fact', async () => {
    const mfa = { Version: '2012-10-17', Statement: [{ Sid: 'Mfa', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] };
    const old = { Version: '2012-10-17', Statement: [{ Sid: 'Old', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE, Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }] };
    const ask = (document: object) => evaluateIam({
      request: { principal: ALICE, action: 'sts:AssumeRole', resource: ROLE, account: ACCOUNT, context: { 'aws:CurrentTime': '2026-11-23T10:00:00Z' } },
      identityPolicies: [{ name: 'p', document: document as never }], mode: 'discovery',
    });
    const withMfa = await ask(mfa);
    expect(withMfa.decision).toBe('Allowed');
    expect(withMfa.decidedBy[0]!.assumed).toEqual(['aws:MultiFactorAuthPresent']);
    expect((await ask(old)).decision).toBe('ImplicitlyDenied');
  });
});
