/**
 * What `verify` reads back from the clouds (the VerifyReads of src/lifecycle/verify.ts): a GCP
 * resource's allow policy with its conditions, an AWS account's users, groups and roles with their
 * policies, and an Identity Center permission set's assignments, inline policy and session length.
 * Read only.
 */
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListAccountAssignments,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { IdentityCenterReadback, VerifyReads } from '../../core/jobs/verify.js';
import { readIamAuthorization, readRoleSessionSeconds } from '../aws/iam-authorization.js';
import { parsePolicyDocument } from '../../core/aws/policy-document.js';
import type { Cloud } from './cloud.js';
import { createGcpClients, gcpConnectionFromEnv, type GcpClients } from '../gcp/clients.js';

export function verifyReads(cloud: Pick<Cloud, 'iam' | 'aws'>, env: Readonly<Record<string, string | undefined>>): VerifyReads & { close(): Promise<void> } {
  let gcp: GcpClients | undefined;
  return {
    gcpPolicy: (resource) => {
      gcp ??= createGcpClients(gcpConnectionFromEnv(env));
      return gcp.forResource(resource).getIamPolicy(resource);
    },
    iamAuthorization: (account) => readIamAuthorization(cloud.iam(account), account),
    roleSessionSeconds: (account, roleName) => readRoleSessionSeconds(cloud.iam(account), roleName),
    identityCenter: (instanceArn, account, permissionSetArn) => identityCenterReadback(cloud.aws.ssoAdmin, instanceArn, account, permissionSetArn),
    close: async () => {
      await gcp?.close();
    },
  };
}

async function identityCenterReadback(sso: SSOAdminClient, instanceArn: string, account: string, permissionSetArn: string): Promise<IdentityCenterReadback> {
  const assigned: string[] = [];
  for await (const page of paginateListAccountAssignments({ client: sso }, { InstanceArn: instanceArn, AccountId: account, PermissionSetArn: permissionSetArn })) {
    for (const a of page.AccountAssignments ?? []) if (a.PrincipalType === 'USER' && a.PrincipalId) assigned.push(a.PrincipalId);
  }
  const described = await sso.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
  const inline = await sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
  return {
    assigned: assigned.sort(),
    ...(inline.InlinePolicy ? { inlinePolicy: parsePolicyDocument(inline.InlinePolicy) } : {}),
    sessionSeconds: isoSeconds(described.PermissionSet?.SessionDuration) ?? 3600,
    permissionSetName: described.PermissionSet?.Name ?? permissionSetArn.split('/').at(-1) ?? permissionSetArn,
  };
}

/** `PT1H`, `PT12H`, `PT30M` → seconds; undefined for anything else (the default, one hour, applies). */
function isoSeconds(text: string | undefined): number | undefined {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text ?? '');
  if (!match || (!match[1] && !match[2] && !match[3])) return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}
