/**
 * One account's IAM users and customer managed policies, read with GetAccountAuthorizationDetails:
 * one call per 1,000 entities instead of four per grantee (user, grant policy document, attached
 * and inline policy lists). It returns every user and local policy of the account, so an account
 * with many thousands of IAM users is read in a few large pages.
 */
import { paginateGetAccountAuthorizationDetails, type IAMClient, type ManagedPolicyDetail, type RoleDetail, type UserDetail } from '@aws-sdk/client-iam';
import { iamArn, parseIamArn } from '../../core/aws/arn.js';
import { GRANT_POLICY_PATH, userNameOfGrantPolicy } from '../../core/aws/iam-grant-policy.js';
import { oldestFirst } from './iam-target-state.js';
import { parsePolicyDocument, policySize, type PolicyDocument } from '../../core/aws/policy-document.js';

export interface AccountSnapshot {
  usersByName: ReadonlyMap<string, UserDetail>;
  policiesByArn: ReadonlyMap<string, ManagedPolicyDetail>;
  /** Every role, with its id and inline policies: where session ends live (iam-revocations.ts). */
  rolesByArn: ReadonlyMap<string, RoleDetail>;
}

/** A user's gitgrant policy and what the plan needs to know about the user beside it. */
export interface GrantPolicyRead {
  principal: string;
  userName: string;
  document: PolicyDocument;
  defaultVersionId: string;
  /** The other versions the listing returned: IAM refuses to delete a policy until they are gone. */
  olderVersionIds: string[];
  attached: boolean;
  userExists: boolean;
  otherPolicyArns: string[];
  inlinePolicies: { name: string; document: PolicyDocument }[];
}

const PAGE_SIZE = 1000;

export async function readAccountSnapshot(iam: IAMClient): Promise<AccountSnapshot> {
  const usersByName = new Map<string, UserDetail>();
  const policiesByArn = new Map<string, ManagedPolicyDetail>();
  const rolesByArn = new Map<string, RoleDetail>();
  const pages = paginateGetAccountAuthorizationDetails({ client: iam, pageSize: PAGE_SIZE }, { Filter: ['User', 'Role', 'LocalManagedPolicy'] });
  for await (const page of pages) {
    for (const user of page.UserDetailList ?? []) if (user.UserName) usersByName.set(user.UserName, user);
    for (const policy of page.Policies ?? []) if (policy.Arn) policiesByArn.set(policy.Arn, policy);
    for (const role of page.RoleDetailList ?? []) if (role.Arn) rolesByArn.set(role.Arn, role);
  }
  return { usersByName, policiesByArn, rolesByArn };
}

/** Pure: gitgrant's policies in `account`, each with its user's attachments and inline policies. */
export function grantPolicyReads(snapshot: AccountSnapshot, account: string): GrantPolicyRead[] {
  return [...snapshot.policiesByArn.values()].flatMap((policy): GrantPolicyRead[] => {
    const arn = parseIamArn(policy.Arn ?? '');
    const userName = userNameOfGrantPolicy(policy.PolicyName ?? arn?.name ?? '');
    if (!arn || arn.account !== account || !(policy.Path ?? arn.path).startsWith(GRANT_POLICY_PATH) || userName === undefined) return [];
    const user = snapshot.usersByName.get(userName);
    const attachedArns = (user?.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? '');
    return [
      {
        principal: user?.Arn ?? iamArn({ ...arn, kind: 'user', path: '/', name: userName }),
        userName,
        document: defaultDocumentOf(policy) ?? { Version: '2012-10-17', Statement: [] },
        defaultVersionId: policy.DefaultVersionId ?? '',
        olderVersionIds: oldestFirst((policy.PolicyVersionList ?? []).filter((v) => !v.IsDefaultVersion).map((v) => v.VersionId ?? '')),
        attached: attachedArns.includes(policy.Arn!),
        userExists: user !== undefined,
        otherPolicyArns: attachedArns.filter((a) => a !== policy.Arn),
        inlinePolicies: (user?.UserPolicyList ?? []).map((p) => ({ name: p.PolicyName ?? '', document: parsePolicyDocument(p.PolicyDocument ?? '{}') })),
      },
    ];
  });
}

export function defaultDocumentOf(policy: ManagedPolicyDetail): PolicyDocument | undefined {
  const version = (policy.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion);
  return version?.Document === undefined ? undefined : parsePolicyDocument(version.Document);
}

/** What the plan needs to know about a role for its session ends. */
export interface RoleRead {
  roleId: string;
  /** gitgrant's session-end policy on the role, if any. */
  sessionEnds?: PolicyDocument;
  /** Characters (whitespace not counted) of the role's other inline policies: they share IAM's aggregate quota. */
  otherInlineSize: number;
}

/** Pure: every role of the snapshot by ARN. */
export function roleReads(snapshot: AccountSnapshot, sessionEndPolicyName: string): Record<string, RoleRead> {
  const roles: Record<string, RoleRead> = {};
  for (const [arn, role] of snapshot.rolesByArn) {
    let otherInlineSize = 0;
    let sessionEnds: PolicyDocument | undefined;
    for (const inline of role.RolePolicyList ?? []) {
      const document = parsePolicyDocument(inline.PolicyDocument ?? '{}');
      if (inline.PolicyName === sessionEndPolicyName) sessionEnds = document;
      else otherInlineSize += policySize(document);
    }
    roles[arn] = { roleId: role.RoleId ?? '', otherInlineSize, ...(sessionEnds ? { sessionEnds } : {}) };
  }
  return roles;
}
