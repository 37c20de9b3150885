/**
 * Fills a fresh moto with what the roles expect to find in AWS: in each account, the target IAM
 * roles and an IAM user per person; in Identity Center, a permission set per role target, marked as
 * gitgrant's, and an Identity Store user per person. Every call goes through the same account router
 * gitgrant uses (accounts.ts), so each resource lands in the account where the CLI will look for it.
 *
 * Returns the translations the ARN proxy needs: the roles' Identity Center ARNs to moto's.
 */
import { CreateRoleCommand, CreateUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateIdentityStoreUserCommand } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { AwsSettings } from '../../core/model/policy-sections.js';
import { AwsAccounts } from '../aws/accounts.js';
import { MANAGED_PERMISSION_SET_MARKER } from '../aws/identity-center-strategy.js';

export interface AwsSeed {
  /** Per account: the roles grants let people assume and the IAM users of the people. */
  accounts: { account: string; roles: string[]; users: string[] }[];
  identityCenter?: {
    /** The one instance the roles name (moto has one per account). */
    instanceArn: string;
    permissionSets: { arn: string; name: string; sessionDuration?: string }[];
    users: { userName: string; email: string }[];
  };
}

export interface AwsSeedResult {
  /** Repo ARN -> moto ARN, for the proxy. */
  translations: Map<string, string>;
  counts: { roles: number; users: number; permissionSets: number; identityStoreUsers: number };
}

/** Sessions may last this long on the seeded roles unless the seed says otherwise (AWS's default is 1 h). */
const ROLE_MAX_SESSION_SECONDS = 3_600;

export async function seedAws(endpoint: string, settings: AwsSettings, seed: AwsSeed, now: () => number): Promise<AwsSeedResult> {
  const router = new AwsAccounts({ client: { endpoint }, settings, now });
  const counts = { roles: 0, users: 0, permissionSets: 0, identityStoreUsers: 0 };
  const translations = new Map<string, string>();
  try {
    for (const { account, roles, users } of seed.accounts) {
      const iam = router.iam(account);
      for (const role of roles) if (await createRole(iam, account, role)) counts.roles++;
      for (const user of users) if (await ignoreExisting(iam.send(new CreateUserCommand({ UserName: user })))) counts.users++;
    }
    const identityCenter = seed.identityCenter;
    if (identityCenter) {
      const { ssoAdmin, identityStore } = router.identityCenter();
      const instance = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances?.[0];
      if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error('moto answered with no Identity Center instance');
      translations.set(identityCenter.instanceArn, instance.InstanceArn);
      for (const set of identityCenter.permissionSets) {
        const created = await ssoAdmin.send(
          new CreatePermissionSetCommand({
            InstanceArn: instance.InstanceArn,
            Name: set.name,
            Description: `Sandbox copy of ${set.arn}. ${MANAGED_PERMISSION_SET_MARKER}`,
            ...(set.sessionDuration ? { SessionDuration: set.sessionDuration } : {}),
          }),
        );
        translations.set(set.arn, created.PermissionSet!.PermissionSetArn!);
        counts.permissionSets++;
      }
      for (const { userName, email } of identityCenter.users) {
        await identityStore.send(
          new CreateIdentityStoreUserCommand({
            IdentityStoreId: instance.IdentityStoreId,
            UserName: userName,
            DisplayName: email,
            Name: { GivenName: email.split('@')[0]!, FamilyName: 'Sandbox' },
            Emails: [{ Value: email, Primary: true }],
          }),
        );
        counts.identityStoreUsers++;
      }
    }
    return { translations, counts };
  } finally {
    router.close();
  }
}

async function createRole(iam: IAMClient, account: string, name: string): Promise<boolean> {
  // Trust the account: whether someone may assume the role is then up to identity policies, which
  // is where gitgrant's iam strategy writes its grants.
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
  return ignoreExisting(iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: ROLE_MAX_SESSION_SECONDS })));
}

/** Without `aws.accountRoleName` every account is the default one, so a name can come twice. */
async function ignoreExisting(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'EntityAlreadyExistsException') return false;
    throw error;
  }
}
