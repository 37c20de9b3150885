/**
 * The AWS SDK clients gitgrant uses. Credentials come from the SDK's default chain (in Actions,
 * the GitHub OIDC web identity token), or from a provider function that assumes a role with them
 * (see accounts.ts); nothing here reads or accepts keys. Retries use the SDK's own strategy, which
 * already backs off on throttling, 5xx and timeouts.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  iam: IAMClient;
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
  sts: STSClient;
}

export interface AwsClientOptions {
  region: string;
  /** One endpoint for every service (moto, a proxy in front of it); absent for real AWS. */
  endpoint?: string;
  /** Attempts per call, first one included. */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** A call that has not finished after this long is abandoned and retried like a 5xx. */
  requestTimeoutMs: number;
}

/** What the SDK takes as `credentials`: called whenever it signs a request, so the provider caches. */
export type CredentialsProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

export const defaultAwsClientOptions: AwsClientOptions = {
  region: 'us-east-1',
  maxAttempts: 5,
  retryMode: 'standard',
  requestTimeoutMs: 10_000,
};

/**
 * Reads `GITGRANT_AWS_ENDPOINT`, `AWS_REGION` (or `AWS_DEFAULT_REGION`), `GITGRANT_AWS_MAX_ATTEMPTS`,
 * `GITGRANT_AWS_RETRY_MODE` and `GITGRANT_AWS_REQUEST_TIMEOUT_MS`. Called by the CLI, which owns env.
 */
export function awsClientOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AwsClientOptions {
  const retryMode = env.GITGRANT_AWS_RETRY_MODE;
  if (retryMode !== undefined && retryMode !== 'standard' && retryMode !== 'adaptive') {
    throw new Error(`GITGRANT_AWS_RETRY_MODE is "${retryMode}"; set it to "standard" or "adaptive"`);
  }
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || defaultAwsClientOptions.region,
    endpoint: env.GITGRANT_AWS_ENDPOINT || undefined,
    maxAttempts: positiveInteger(env, 'GITGRANT_AWS_MAX_ATTEMPTS') ?? defaultAwsClientOptions.maxAttempts,
    retryMode: retryMode ?? defaultAwsClientOptions.retryMode,
    requestTimeoutMs: positiveInteger(env, 'GITGRANT_AWS_REQUEST_TIMEOUT_MS') ?? defaultAwsClientOptions.requestTimeoutMs,
  };
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} is "${raw}"; set it to a positive integer`);
  return value;
}

/** `credentials`: absent means the default chain. */
export function createAwsClients(options: Partial<AwsClientOptions> = {}, credentials?: CredentialsProvider): AwsClients {
  const resolved = { ...defaultAwsClientOptions, ...options };
  const config = {
    region: resolved.region,
    maxAttempts: resolved.maxAttempts,
    retryMode: resolved.retryMode,
    // Without throwOnRequestTimeout the SDK only logs a warning and keeps waiting on a hung call.
    requestHandler: { requestTimeout: resolved.requestTimeoutMs, throwOnRequestTimeout: true },
    ...(resolved.endpoint ? { endpoint: resolved.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
  return {
    iam: new IAMClient(config),
    ssoAdmin: new SSOAdminClient(config),
    identityStore: new IdentitystoreClient(config),
    sts: new STSClient(config),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.iam.destroy();
  clients.ssoAdmin.destroy();
  clients.identityStore.destroy();
  clients.sts.destroy();
}
