/**
 * The cloud as the CLI sees it: both providers built from the environment, and the reads a plan
 * needs. Credentials come only from the SDKs' default chains (OIDC in Actions).
 */
import pLimit from 'p-limit';
import type { Instant } from '../model/types.js';
import { targetKey, type ProviderName, type TargetRef, type TargetState } from '../plan/types.js';
import { AwsProvider } from './aws/aws-provider.js';
import { awsClientOptionsFromEnv, createAwsClients, destroyAwsClients, type AwsClients } from './aws/clients.js';
import { gcpProviderFromEnv, type GcpProvider } from './gcp/provider.js';
import type { Provider } from './provider.js';

export interface Cloud {
  providers: Record<ProviderName, Provider>;
  aws: AwsClients;
  close(): Promise<void>;
}

export function cloudFromEnv(env: Readonly<Record<string, string | undefined>>, now: () => Instant): Cloud {
  const aws = createAwsClients(awsClientOptionsFromEnv(env));
  const gcp: GcpProvider = gcpProviderFromEnv(env);
  return {
    providers: { aws: new AwsProvider({ clients: aws, now }), gcp },
    aws,
    async close() {
      destroyAwsClients(aws);
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
