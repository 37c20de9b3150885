/**
 * How a grantee (an email, the HR key) becomes each cloud's principal. Convention by default,
 * overridable per person in the policy's `identities` section (read and checked with the rest of
 * the policy: model/policy-section-checks.ts):
 *
 *   identities:
 *     gcp: 'user:{email}'                  # or group:{email}, serviceAccount:{local}@proj.iam.gserviceaccount.com
 *     awsIamUser: '{email}'                # the IAM user name in each account
 *     identityCenterUserName: '{email}'    # the Identity Store UserName (looked up to a user id)
 *     people:
 *       alice@example.com: { gcp: 'user:alice@acme.example', awsIamUser: alice, github: alice-gh }
 */
import { expandIdentityTemplate as expand, type IdentityConfig } from '../model/policy-sections.js';
import type { Email } from '../model/types.js';

export function gcpMember(config: IdentityConfig, grantee: Email): string {
  return config.people[grantee]?.gcp ?? expand(config.gcp, grantee);
}

export function awsIamUserArn(config: IdentityConfig, grantee: Email, account: string): string {
  return `arn:aws:iam::${account}:user/${config.people[grantee]?.awsIamUser ?? expand(config.awsIamUser, grantee)}`;
}

export function identityCenterUserName(config: IdentityConfig, grantee: Email): string {
  return config.people[grantee]?.identityCenterUserName ?? expand(config.identityCenterUserName, grantee);
}

export function githubLogin(config: IdentityConfig, grantee: Email): string | undefined {
  return config.people[grantee]?.github;
}
