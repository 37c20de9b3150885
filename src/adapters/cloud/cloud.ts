/**
 * The cloud as the CLI sees it: both providers built from the environment and the policy's `aws`
 * section, and the reads a plan needs. Credentials come only from the SDKs' default chains (OIDC in
 * Actions), and for other AWS accounts from roles assumed with them (aws/accounts.ts).
 */
import type { Instant, Policy } from '../../core/model/types.js';
import type { ProviderName } from '../../core/plan/types.js';
import { AwsProvider } from '../aws/aws-provider.js';
import { AwsAccounts } from '../aws/accounts.js';
import { awsClientOptionsFromEnv, type AwsClients } from '../aws/clients.js';
import { gcpProviderFromEnv, type GcpProvider } from '../gcp/provider.js';
import { resolveIdentityCenterDirectory } from '../aws/identity-center-directory.js';
import type { CloudApplier, CloudReader, Provider } from '../../core/plan/provider.js';

export interface Cloud {
  providers: Record<ProviderName, Provider>;
  /** Identity Center's clients, in the account where it is administered. */
  readonly aws: Pick<AwsClients, 'ssoAdmin' | 'identityStore'>;
  /** IAM in an account, for reads beyond the providers' own (reconcile's hand-made paths, verify). */
  iam(account: string): AwsClients['iam'];
  close(): Promise<void>;
}

/** `policy`: the repo's, for its `aws` section; without it every account uses the default credentials. */
/**
 * The clouds the environment points at. `now` is the instant the command computes for (`--now`, or
 * the clock at its start): the providers prune stale session ends by it, so a plan and the apply
 * that follows it agree about what the cloud should hold.
 */
export function cloudFromEnv(env: Readonly<Record<string, string | undefined>>, now: () => Instant, policy: Pick<Policy, 'aws'>): Cloud {
  // Credentials expire in real time, whatever instant the plan is computed for (--now).
  const accounts = new AwsAccounts({ client: awsClientOptionsFromEnv(env), settings: policy.aws, now: Date.now });
  const gcp: GcpProvider = gcpProviderFromEnv(env);
  return {
    providers: { aws: new AwsProvider({ clients: accounts, now }), gcp },
    get aws() {
      return accounts.identityCenter();
    },
    iam: (account) => accounts.iam(account),
    async close() {
      accounts.close();
      await gcp.close();
    },
  };
}

/**
 * The cloud narrowed to reads: closures over the providers, so the object holds no way to write
 * (not even by a cast). What `plan` and every dry run get.
 */
export function cloudReaderOf(cloud: Cloud): CloudReader {
  const { aws, gcp } = cloud.providers;
  return {
    readers: { aws: { read: (t) => aws.read(t) }, gcp: { read: (t) => gcp.read(t) } },
    limits: { aws: { checkLimits: (t, d, o) => aws.checkLimits(t, d, o) }, gcp: { checkLimits: (t, d, o) => gcp.checkLimits(t, d, o) } },
    identityCenterUsers: (repo, identities, now) => resolveIdentityCenterDirectory(cloud.aws, repo, identities, now),
    close: () => cloud.close(),
  };
}

/** The cloud as apply needs it: the reads, and the writes. */
export function cloudApplierOf(cloud: Cloud): CloudApplier {
  const { aws, gcp } = cloud.providers;
  return { ...cloudReaderOf(cloud), appliers: { aws: { apply: (c) => aws.apply(c) }, gcp: { apply: (c) => gcp.apply(c) } } };
}

export { readTargets, type ReadResult } from './read-targets.js';
