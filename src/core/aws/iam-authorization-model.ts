/**
 * What decides who may assume a role in one account, as data: every principal with its policies
 * (read by iam-authorization.ts, judged by the reconcile and verify decisions). Pure.
 */
import type { PolicyDocument } from './policy-document.js';

export interface IamPolicyRef {
  /** For people: `legacy-db-admin` (managed), `alice/standing (inline)`. */
  name: string;
  document: PolicyDocument;
  /** gitgrant's own grant policy (path /gitgrant/): its statements are managed bindings, not hand-made paths. */
  gitgrant: boolean;
}

export interface IamPrincipalPolicies {
  kind: 'user' | 'group' | 'role';
  arn: string;
  name: string;
  /** Inline and attached managed policies; a user's group policies are on the group. */
  policies: IamPolicyRef[];
  /** Users: the groups they are in. */
  groups?: string[];
  /** Roles: the unique id (`AROA...`) that prefixes `aws:userid` of its sessions. */
  roleId?: string;
  /** Roles: the trust policy. */
  trust?: PolicyDocument;
}

export interface IamAuthorization {
  account: string;
  principals: IamPrincipalPolicies[];
}

/** The principal of a role by ARN, when the account has it. */
export function roleOf(authorization: IamAuthorization, roleArn: string): IamPrincipalPolicies | undefined {
  return authorization.principals.find((p) => p.kind === 'role' && p.arn === roleArn);
}

export function userOf(authorization: IamAuthorization, userArn: string): IamPrincipalPolicies | undefined {
  return authorization.principals.find((p) => p.kind === 'user' && p.arn === userArn);
}
