/**
 * The cloud as the CLI sees it: both providers built from the environment and the policy's `aws`
 * section, and the reads a plan needs. Credentials come only from the SDKs' default chains (OIDC in
 * Actions), and for other AWS accounts from roles assumed with them (aws/accounts.ts).
 */
import pLimit from 'p-limit';
import type { Instant, Policy } from '../model/types.js';
import { targetKey, type ProviderName, type TargetRef, type TargetState } from '../plan/types.js';
import { AwsProvider } from './aws/aws-provider.js';
import { AwsAccounts } from './aws/accounts.js';
import { awsClientOptionsFromEnv, type AwsClients } from './aws/clients.js';
import { gcpProviderFromEnv, type GcpProvider } from './gcp/provider.js';
import type { Provider } from './provider.js';

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

export interface ReadResult {
  observed: Map<string, TargetState>;
  failures: { target: string; cause: string }[];
}

/** Reads every target once, with bounded concurrency; a failed read is recorded, not thrown. */
export async function readTargets(providers: Record<ProviderName, Provider>, targets: readonly TargetRef[], concurrency: number): Promise<ReadResult> {
  const limit = pLimit(concurrency);
  const observed = new Map<string, TargetState>();
  const failures: ReadResult['failures'] = [];
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        try {
          observed.set(targetKey(target), await providers[target.provider].read(target));
        } catch (error) {
          failures.push({ target: targetKey(target), cause: error instanceof Error ? error.message : String(error) });
        }
      }),
    ),
  );
  failures.sort((a, b) => a.target.localeCompare(b.target));
  return { observed, failures };
}
