/**
 * Resolves grantees to Identity Store user ids for the Identity Center targets of active grants,
 * so the pure planner gets a ready map. `clients` are those of the account where Identity Center
 * is administered (`Cloud.aws`).
 */
import { ListInstancesCommand, type SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { directoryKey, type IdentityCenterDirectory } from '../../core/plan/desired.js';
import type { IdentityConfig } from '../../core/model/policy-sections.js';
import { identityCenterUserName } from '../../core/plan/identity.js';
import type { AccessRepo, Instant } from '../../core/model/types.js';
import { isExpired } from '../../core/policy/window.js';
import { resolveIdentityStoreUserId } from './identity-lookup.js';

export async function resolveIdentityCenterDirectory(
  clients: { ssoAdmin: SSOAdminClient; identityStore: IdentitystoreClient },
  repo: AccessRepo,
  identities: IdentityConfig,
  now: Instant,
): Promise<IdentityCenterDirectory> {
  const wanted = new Map<string, Set<string>>();
  for (const grant of repo.grants) {
    if (isExpired(grant, now)) continue;
    for (const target of repo.roles.get(grant.role)?.targets ?? []) {
      if (target.kind !== 'aws' || target.strategy !== 'identity-center') continue;
      const names = wanted.get(target.instanceArn) ?? new Set<string>();
      names.add(identityCenterUserName(identities, grant.grantee));
      wanted.set(target.instanceArn, names);
    }
  }
  const directory = new Map<string, string | undefined>();
  if (wanted.size === 0) return directory;
  const stores = await identityStores(clients.ssoAdmin);
  for (const [instanceArn, names] of wanted) {
    const store = stores.get(instanceArn);
    if (!store) throw new Error(`IAM Identity Center instance ${instanceArn} was not found; check instanceArn in roles/ and aws.identityCenterAccount in policies/`);
    for (const name of names) directory.set(directoryKey(instanceArn, name), await resolveIdentityStoreUserId(clients.identityStore, store, name));
  }
  return directory;
}

async function identityStores(client: SSOAdminClient): Promise<Map<string, string>> {
  const stores = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListInstancesCommand({ NextToken: token }));
    for (const instance of page.Instances ?? []) if (instance.InstanceArn && instance.IdentityStoreId) stores.set(instance.InstanceArn, instance.IdentityStoreId);
    token = page.NextToken;
  } while (token);
  return stores;
}
