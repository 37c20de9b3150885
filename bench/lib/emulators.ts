/**
 * The clouds a benchmark runs against: moto behind the latency proxy (one IAM client per account)
 * and the GCP double, with the providers gitgrant uses on them. One start, one close.
 */
import type { Instant } from '../../src/core/model/types.js';
import type { ProviderName } from '../../src/core/plan/types.js';
import { startMoto, type MotoProcess } from '../../src/adapters/sandbox/moto.js';
import { gcpProviderFromEnv } from '../../src/adapters/gcp/provider.js';
import type { Provider } from '../../src/core/plan/provider.js';
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble } from '../../src/adapters/sandbox/gcp-iam-emulator.js';
import { perAccountIamProvider } from './aws-accounts.js';

export interface BenchClouds {
  moto: MotoProcess;
  /** In front of moto: adds the latency and counts calls. */
  proxy: FaultProxy;
  gcp: GcpDouble;
  providers: Record<ProviderName, Provider>;
  /** The clock the AWS provider dates revocations with. */
  setClock(at: Instant): void;
  close(): Promise<void>;
}

export async function startBenchClouds(options: { accounts: readonly string[]; concurrency: number; latencyMs?: number; clock: Instant }): Promise<BenchClouds> {
  // The emulators take any credentials; the SDKs' default chain reads them from the environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' });
  const latency = options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs };
  const moto = await startMoto();
  const proxy = await startFaultProxy({ upstream: moto.endpoint, ...latency });
  const gcp = await startGcpDouble(latency);
  let clock = options.clock;
  const aws = perAccountIamProvider(proxy.url, options.accounts, options.concurrency, () => clock);
  const gcpProvider = gcpProviderFromEnv({ GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token });
  return {
    moto,
    proxy,
    gcp,
    providers: { gcp: gcpProvider, aws: aws.provider },
    setClock: (at) => void (clock = at),
    async close() {
      aws.close();
      await gcpProvider.close();
      await gcp.close();
      await proxy.close();
      await moto.stop();
    },
  };
}
