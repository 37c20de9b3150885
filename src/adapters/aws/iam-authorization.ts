/**
 * Everything in one account that can decide who may assume a role, read back for `reconcile` and
 * `verify`: every user, group and role with its inline and attached managed policies, and every
 * role's trust policy, inline policies (gitgrant's revocation and deadline denies among them) and
 * maximum session duration. One GetAccountAuthorizationDetails listing, plus one GetPolicy and
 * GetPolicyVersion per AWS managed policy attached to anything (the listing leaves their
 * documents out unless asked for all of them). Read only.
 */
import {
  GetPolicyCommand,
  GetRoleCommand,
  GetPolicyVersionCommand,
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type IAMClient,
  type ManagedPolicyDetail,
  type PolicyDetail,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { parseIamArn } from '../../core/aws/arn.js';
import { unlessMissing } from './errors.js';
import { GRANT_POLICY_PATH, userNameOfGrantPolicy } from '../../core/aws/iam-grant-policy.js';
import type { IamAuthorization, IamPolicyRef, IamPrincipalPolicies } from '../../core/aws/iam-authorization-model.js';
import { parsePolicyDocument, type PolicyDocument } from '../../core/aws/policy-document.js';

const PAGE_SIZE = 1000;

export async function readIamAuthorization(iam: IAMClient, account: string): Promise<IamAuthorization> {
  const users: IamPrincipalPolicies[] = [];
  const groups: IamPrincipalPolicies[] = [];
  const roles: IamPrincipalPolicies[] = [];
  const local = new Map<string, ManagedPolicyDetail>();
  const attachments: { principal: IamPrincipalPolicies; attached: AttachedPolicy[] }[] = [];
  const pages = paginateGetAccountAuthorizationDetails({ client: iam, pageSize: PAGE_SIZE }, { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'] });
  for await (const page of pages) {
    for (const u of page.UserDetailList ?? []) {
      const principal: IamPrincipalPolicies = { kind: 'user', arn: u.Arn ?? '', name: u.UserName ?? '', policies: inline(u.UserName ?? '', u.UserPolicyList), groups: [...(u.GroupList ?? [])].sort() };
      users.push(principal);
      attachments.push({ principal, attached: u.AttachedManagedPolicies ?? [] });
    }
    for (const g of page.GroupDetailList ?? []) {
      const principal: IamPrincipalPolicies = { kind: 'group', arn: g.Arn ?? '', name: g.GroupName ?? '', policies: inline(g.GroupName ?? '', g.GroupPolicyList) };
      groups.push(principal);
      attachments.push({ principal, attached: g.AttachedManagedPolicies ?? [] });
    }
    for (const r of page.RoleDetailList ?? []) {
      const principal: IamPrincipalPolicies = {
        kind: 'role', arn: r.Arn ?? '', name: r.RoleName ?? '', policies: inline(r.RoleName ?? '', r.RolePolicyList),
        roleId: r.RoleId ?? '', trust: parsePolicyDocument(r.AssumeRolePolicyDocument ?? '{}'),
      };
      roles.push(principal);
      attachments.push({ principal, attached: r.AttachedManagedPolicies ?? [] });
    }
    for (const p of page.Policies ?? []) if (p.Arn) local.set(p.Arn, p);
  }
  const documents = new Map<string, PolicyDocument | undefined>();
  for (const [arn, policy] of local) documents.set(arn, defaultDocument(policy));
  const missing = [...new Set(attachments.flatMap((a) => a.attached.map((p) => p.PolicyArn ?? '')).filter((arn) => arn && !documents.has(arn)))];
  const limit = pLimit(4);
  await Promise.all(missing.map((arn) => limit(async () => documents.set(arn, await awsManagedDocument(iam, arn)))));
  for (const { principal, attached } of attachments) {
    for (const p of attached) {
      const arn = p.PolicyArn ?? '';
      const document = documents.get(arn);
      if (!document) continue;
      const parsed = parseIamArn(arn);
      const gitgrant = (parsed?.path ?? '').startsWith(GRANT_POLICY_PATH) && userNameOfGrantPolicy(parsed?.name ?? '') !== undefined;
      principal.policies.push({ name: parsed ? `policy${parsed.path}${parsed.name}` : arn, document, gitgrant });
    }
  }
  const byArn = (a: IamPrincipalPolicies, b: IamPrincipalPolicies) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);
  return { account, principals: [...users.sort(byArn), ...groups.sort(byArn), ...roles.sort(byArn)] };
}

function inline(owner: string, list: PolicyDetail[] | undefined): IamPolicyRef[] {
  return (list ?? []).map((p) => ({ name: `${owner}/${p.PolicyName ?? ''} (inline)`, document: parsePolicyDocument(p.PolicyDocument ?? '{}'), gitgrant: false }));
}

function defaultDocument(policy: ManagedPolicyDetail): PolicyDocument | undefined {
  const version = (policy.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion);
  return version?.Document === undefined ? undefined : parsePolicyDocument(version.Document);
}

async function awsManagedDocument(iam: IAMClient, arn: string): Promise<PolicyDocument | undefined> {
  const policy = await unlessMissing(iam.send(new GetPolicyCommand({ PolicyArn: arn })), 'NoSuchEntityException');
  const versionId = policy?.Policy?.DefaultVersionId;
  if (!versionId) return undefined;
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
  return version.PolicyVersion?.Document ? parsePolicyDocument(version.PolicyVersion.Document) : undefined;
}

/** A role's maximum session duration in seconds (GetRole); undefined when the role is gone. */
export async function readRoleSessionSeconds(iam: IAMClient, roleName: string): Promise<number | undefined> {
  const read = await unlessMissing(iam.send(new GetRoleCommand({ RoleName: roleName })), 'NoSuchEntityException');
  return read?.Role?.MaxSessionDuration;
}
