/**
 * The SDK clients behind the GCP provider, narrowed to the two calls it makes.
 *
 * Production: no endpoint and no token; credentials come only from application default
 * credentials, which in GitHub Actions is workload identity federation (no keys in the repo).
 * Tests and other endpoints: GITGRANT_GCP_ENDPOINT (`http://127.0.0.1:PORT`) and
 * GITGRANT_GCP_TOKEN (a fixed access token). GITGRANT_GCP_CALL_TIMEOUT_MS shortens the per-call
 * timeout, as GITGRANT_AWS_REQUEST_TIMEOUT_MS does for AWS.
 */
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import type { IamPolicy } from '../../core/gcp/policy.js';
import { CONDITIONS_POLICY_VERSION } from '../../core/gcp/policy.js';

export interface IamPolicyClient {
  /** Reads with requestedPolicyVersion 3, so conditional bindings come back whole. */
  getIamPolicy(resource: string): Promise<IamPolicy>;
  setIamPolicy(resource: string, policy: IamPolicy): Promise<IamPolicy>;
}

export interface GcpClients {
  /** The client for a resource's kind, picked by its prefix. */
  forResource(resource: string): IamPolicyClient;
  close(): Promise<void>;
}

export interface GcpConnection {
  /** Base URL of another endpoint, e.g. `http://127.0.0.1:8080`; absent: the real API. */
  endpoint?: string;
  /** A fixed OAuth access token; absent: application default credentials. */
  token?: string;
  /** Each HTTP request is aborted after this long, so a hung call becomes a retryable failure. */
  callTimeoutMs?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** No Google credentials could be found; retrying cannot help, and the user needs the fix, not a stack. */
export class GcpCredentialsMissing extends Error {
  constructor(cause: string) {
    super(
      `no Google credentials (${cause}); in GitHub Actions log in with google-github-actions/auth (docs/setup.md), locally run \`gcloud auth application-default login\`, or point GITGRANT_GCP_ENDPOINT and GITGRANT_GCP_TOKEN at an emulator`,
    );
  }
}

export function gcpConnectionFromEnv(env: Readonly<Record<string, string | undefined>>): GcpConnection {
  const connection: GcpConnection = {};
  if (env['GITGRANT_GCP_ENDPOINT']) connection.endpoint = env['GITGRANT_GCP_ENDPOINT'];
  if (env['GITGRANT_GCP_TOKEN']) connection.token = env['GITGRANT_GCP_TOKEN'];
  const timeout = env['GITGRANT_GCP_CALL_TIMEOUT_MS'];
  if (timeout) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms < 1) throw new Error(`GITGRANT_GCP_CALL_TIMEOUT_MS is "${timeout}"; set it to a positive integer (milliseconds)`);
    connection.callTimeoutMs = ms;
  }
  return connection;
}

type ResourceKind = 'projects' | 'folders' | 'organizations';
type SdkClient = ProjectsClient | FoldersClient | OrganizationsClient;

export function resourceKind(resource: string): ResourceKind {
  const match = /^(projects|folders|organizations)\/[^/]+$/.exec(resource);
  if (!match) {
    throw new Error(`GCP resource "${resource}" is not projects/<id>, folders/<number> or organizations/<number>; fix the role's gcp target`);
  }
  return match[1] as ResourceKind;
}

export function createGcpClients(connection: GcpConnection = {}): GcpClients {
  const options = sdkOptions(connection);
  // Application default credentials are looked up once, before the first call, by us: left to the
  // SDK, a machine without them dies of an unhandled rejection with a stack trace.
  let credentials: Promise<void> | undefined;
  const withCredentials = (): Promise<void> =>
    (credentials ??= options.authClient ? Promise.resolve() : applicationDefaultCredentials(connection).then((authClient) => void (options.authClient = authClient)));
  const sdkClients = new Map<ResourceKind, SdkClient>();
  const sdkClient = async (kind: ResourceKind): Promise<SdkClient> => {
    await withCredentials();
    let client = sdkClients.get(kind);
    if (!client) {
      client =
        kind === 'projects' ? new ProjectsClient(options) : kind === 'folders' ? new FoldersClient(options) : new OrganizationsClient(options);
      sdkClients.set(kind, client);
    }
    return client;
  };
  return {
    forResource: (resource) => narrow(() => sdkClient(resourceKind(resource))),
    close: async () => {
      await Promise.all([...sdkClients.values()].map((client) => client.close()));
    },
  };
}

async function applicationDefaultCredentials(connection: GcpConnection): Promise<NonNullable<SdkOptions['authClient']>> {
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], clientOptions: { transporterOptions: transporterOptions(connection) } });
  try {
    return (await auth.getClient()) as unknown as NonNullable<SdkOptions['authClient']>;
  } catch (error) {
    throw new GcpCredentialsMissing((error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.? Browse to .*$/, ''));
  }
}

// `retry: null` switches the SDK's retries off: the provider retries the whole read-modify-write
// itself, and two layers would multiply attempts and hide the call counts.
const NO_SDK_RETRY = { retry: null };

function narrow(sdkClient: () => Promise<SdkClient>): IamPolicyClient {
  return {
    getIamPolicy: async (resource) => {
      const client = await sdkClient();
      const [policy] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: CONDITIONS_POLICY_VERSION } }, NO_SDK_RETRY);
      return policy;
    },
    setIamPolicy: async (resource, policy) => {
      const client = await sdkClient();
      const [written] = await client.setIamPolicy({ resource, policy }, NO_SDK_RETRY);
      return written;
    },
  };
}

type SdkOptions = NonNullable<ConstructorParameters<typeof ProjectsClient>[0]>;

function transporterOptions(connection: GcpConnection) {
  return { timeout: connection.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS };
}

function sdkOptions(connection: GcpConnection): SdkOptions {
  const options: SdkOptions = { fallback: 'rest' };
  if (connection.endpoint) {
    const url = new URL(connection.endpoint);
    const protocol = url.protocol.replace(/:$/, '');
    options.apiEndpoint = url.hostname;
    options.port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
    options.protocol = protocol;
  }
  if (connection.token) {
    const authClient = new OAuth2Client({ transporterOptions: transporterOptions(connection) });
    authClient.setCredentials({ access_token: connection.token });
    options.authClient = authClient as unknown as SdkOptions['authClient'];
  }
  return options;
}
