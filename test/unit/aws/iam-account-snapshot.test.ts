import type { ManagedPolicyDetail, UserDetail } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { grantPolicyReads, type AccountSnapshot } from '../../../src/adapters/aws/iam-account-snapshot.js';
import { ACCOUNT, roleArn, userArn } from '../../support/builders/aws.js';

const statement = (sid: string, role: string) => ({ Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn(role) });
const encoded = (...statements: object[]) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const policyArn = (path: string, name: string, account = ACCOUNT) => `arn:aws:iam::${account}:policy${path}${name}`;

function aPolicy(arn: string, versions: { id: string; document: string; isDefault?: boolean }[]): ManagedPolicyDetail {
  const path = arn.slice(arn.indexOf(':policy') + ':policy'.length, arn.lastIndexOf('/') + 1);
  return {
    Arn: arn,
    Path: path,
    DefaultVersionId: versions.find((v) => v.isDefault)?.id,
    PolicyVersionList: versions.map((v) => ({ VersionId: v.id, Document: v.document, IsDefaultVersion: v.isDefault ?? false })),
  };
}

function snapshot(users: UserDetail[], policies: ManagedPolicyDetail[]): AccountSnapshot {
  return { usersByName: new Map(users.map((u) => [u.UserName!, u])), policiesByArn: new Map(policies.map((p) => [p.Arn!, p])), rolesByArn: new Map() };
}

describe('reading gitgrant policies from an account snapshot', () => {
  const grantArn = policyArn('/gitgrant/', 'gitgrant-alice');
  const alice: UserDetail = {
    UserName: 'alice',
    Arn: userArn('alice'),
    AttachedManagedPolicies: [{ PolicyArn: grantArn }, { PolicyArn: policyArn('/', 'legacy') }],
    UserPolicyList: [{ PolicyName: 'hand-made', PolicyDocument: encoded(statement('Old', 'prod')) }],
  };

  it('reads the default version of the grant policy, named from its ARN when the listing leaves the name out', () => {
    const policy = aPolicy(grantArn, [
      { id: 'v1', document: encoded(statement('Old', 'prod')) },
      { id: 'v2', document: encoded(statement('New', 'prod')), isDefault: true },
    ]);
    const [read] = grantPolicyReads(snapshot([alice], [policy]), ACCOUNT);
    expect(read).toMatchObject({ userName: 'alice', principal: userArn('alice'), defaultVersionId: 'v2', attached: true, userExists: true });
    expect(read!.document.Statement.map((s) => s.Sid)).toEqual(['New']);
  });

  it('carries the older versions oldest first, so deleting the policy needs no listing', () => {
    const version = (id: string, isDefault = false) => ({ id, document: encoded(), isDefault });
    const policy = aPolicy(grantArn, [version('v12', true), version('v11'), version('v9'), version('v10')]);
    const [read] = grantPolicyReads(snapshot([alice], [policy]), ACCOUNT);
    expect(read!.olderVersionIds).toEqual(['v9', 'v10', 'v11']);
  });

  it('lists the user\'s other attached policies and decodes its inline ones', () => {
    const [read] = grantPolicyReads(snapshot([alice], [aPolicy(grantArn, [{ id: 'v1', document: encoded(), isDefault: true }])]), ACCOUNT);
    expect(read!.otherPolicyArns).toEqual([policyArn('/', 'legacy')]);
    expect(read!.inlinePolicies).toEqual([{ name: 'hand-made', document: { Version: '2012-10-17', Statement: [statement('Old', 'prod')] } }]);
  });

  it('keeps the policy of a deleted user, so its leftovers are removed', () => {
    const [read] = grantPolicyReads(snapshot([], [aPolicy(policyArn('/gitgrant/', 'gitgrant-gone'), [{ id: 'v1', document: encoded(), isDefault: true }])]), ACCOUNT);
    expect(read).toMatchObject({ userName: 'gone', principal: userArn('gone'), userExists: false, attached: false });
  });

  it('ignores policies that are not gitgrant\'s, or belong to another account', () => {
    const others = [
      aPolicy(policyArn('/', 'gitgrant-alice'), [{ id: 'v1', document: encoded(), isDefault: true }]),
      aPolicy(policyArn('/gitgrant/', 'someone-else'), [{ id: 'v1', document: encoded(), isDefault: true }]),
      aPolicy(policyArn('/gitgrant/', 'gitgrant-alice', '999999999999'), [{ id: 'v1', document: encoded(), isDefault: true }]),
    ];
    expect(grantPolicyReads(snapshot([alice], others), ACCOUNT)).toEqual([]);
  });
});
