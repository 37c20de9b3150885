/**
 * moto for tests: one server per test file, or an external endpoint when GITGRANT_AWS_ENDPOINT is
 * already set (so the integration suite can run against another emulator or a sandbox).
 */
import { startMoto, type MotoProcess } from '../../src/adapters/sandbox/moto.js';

export type { MotoProcess };
export { startMoto };

export interface AwsTestEndpoint {
  endpoint: string;
  /** Wipes state between cases; a no-op against an external endpoint, which tests must not wipe. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts moto unless GITGRANT_AWS_ENDPOINT points elsewhere, and sets the dummy static credentials
 * the SDK's default chain will pick up (only when none are set, so a real sandbox keeps its own).
 */
export async function awsTestEndpoint(): Promise<AwsTestEndpoint> {
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.AWS_REGION ??= 'us-east-1';
  const external = process.env.GITGRANT_AWS_ENDPOINT;
  if (external) return { endpoint: external, reset: async () => {}, stop: async () => {} };
  const moto = await startMoto();
  return moto;
}
