import { ProjectsClient } from '@google-cloud/resource-manager';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gcpProviderFromEnv, type GcpProvider, type GcpProviderEnvOptions } from '../../../src/adapters/gcp/provider.js';
import { aChange, aGcpBinding } from '../../support/builders/gcp.js';
import { describeGcpProviderContract } from '../../support/gcp-contract.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble, type StoredBinding } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';

// Unmanaged bindings, one unconditional, one conditional written by someone else, one with a
// condition location. Keys are in the order the SDK's proto3 JSON serializer writes them
// (members, role, condition), so an untouched binding comes back byte for byte.
const UNMANAGED: StoredBinding[] = [
  { members: ['user:root@example.com', 'group:platform-admins@example.com'], role: 'roles/owner' },
  {
    members: ['user:carol@example.com'],
    role: 'roles/viewer',
    condition: { expression: "request.time < timestamp('2027-01-01T00:00:00.000Z')", title: 'expirable access', description: 'Contractor until 2027' },
  },
  {
    members: ['serviceAccount:reporter@gitgrant-sandbox.iam.gserviceaccount.com'],
    role: 'roles/storage.objectViewer',
    condition: { expression: 'resource.name.startsWith("projects/_/buckets/reports")', title: 'reports only', location: 'policy.yaml:12' },
  },
];

function providerFor(double: GcpDouble, options: GcpProviderEnvOptions = {}): GcpProvider {
  return gcpProviderFromEnv({ GITGRANT_GCP_ENDPOINT: double.url, GITGRANT_GCP_TOKEN: double.token }, { sleep: async () => {}, ...options });
}

for (const resource of ['projects/gitgrant-sandbox', 'folders/123456789', 'organizations/987654321']) {
  describeGcpProviderContract(`the Resource Manager double (${resource.split('/')[0]})`, async () => {
    const double = await startGcpDouble();
    double.seedPolicy(resource, { version: 3, bindings: UNMANAGED });
    return {
      provider: providerFor(double),
      resource,
      principals: ['user:alice@example.com', 'user:bob@example.com'],
      role: 'roles/cloudsql.viewer',
      rawBindings: async () => double.policy(resource)?.bindings ?? [],
      writes: () => double.calls('setIamPolicy'),
      close: () => double.close(),
    };
  });
}

describe('the GCP provider under faults', () => {
  const resource = 'projects/gitgrant-sandbox';
  let double: GcpDouble;
  let provider: GcpProvider;
  let delays: number[];

  beforeEach(async () => {
    double = await startGcpDouble();
    double.seedPolicy(resource, { version: 3, bindings: UNMANAGED });
    delays = [];
    provider = providerFor(double, { sleep: async (ms) => void delays.push(ms), callTimeoutMs: 300 });
  });
  afterEach(async () => {
    await provider.close();
    await double.close();
  });

  const ours = () => (double.policy(resource)?.bindings ?? []).filter((b) => b.condition?.title?.startsWith('gitgrant '));

  it('re-reads and re-applies after a concurrent writer causes a 409, keeping the other writer\'s change', async () => {
    double.script('setIamPolicy', { kind: 'concurrent-write' });
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));

    const [concurrent] = double.concurrentMembers();
    const stored = double.policy(resource)!.bindings!;
    expect(stored).toContainEqual({ role: 'roles/browser', members: [concurrent] });
    expect(ours()).toHaveLength(1);
    expect(stored.slice(0, UNMANAGED.length)).toEqual(UNMANAGED);
    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 2, writes: 2 });
  });

  it('waits at least as long as a 429 Retry-After asks, then converges', async () => {
    double.script('getIamPolicy', { kind: 'status', status: 429, retryAfterSeconds: 2 });
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));

    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(2_000);
    expect(ours()).toHaveLength(1);
  });

  it('converges through 500 and 503 answers to reads and writes', async () => {
    double.script('getIamPolicy', { kind: 'status', status: 503 }, { kind: 'status', status: 500 });
    double.script('setIamPolicy', { kind: 'status', status: 503 });
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));

    expect(ours()).toHaveLength(1);
    expect(double.calls('setIamPolicy')).toBe(2);
  });

  it('converges when a call hangs until the client times out', async () => {
    double.script('getIamPolicy', { kind: 'hang' });
    double.script('setIamPolicy', { kind: 'hang' });
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));

    expect(ours()).toHaveLength(1);
    expect(delays).toHaveLength(2);
  });

  it('reads through transient failures too', async () => {
    double.script('getIamPolicy', { kind: 'status', status: 503 }, { kind: 'hang' });
    const state = await provider.read({ provider: 'gcp', resource });
    expect(state.bindings.map((b) => b.principal)).toContain('user:carol@example.com');
  });

  it('converges for every change under random 429s, 5xxs, conflicts and hangs', async () => {
    const rates = { tooManyRequests: 0.1, unavailable: 0.1, serverError: 0.05, concurrentWrite: 0.15, hang: 0.05 };
    double.setFaultRates('getIamPolicy', { ...rates, concurrentWrite: 0 });
    double.setFaultRates('setIamPolicy', rates);
    const patient = providerFor(double, { sleep: async () => {}, callTimeoutMs: 300, retry: { maxAttempts: 30 } });
    const bindings = Array.from({ length: 15 }, (_, i) => aGcpBinding().for(`user:person${i}@example.com`).build());
    for (const binding of bindings) await patient.apply(aChange(resource, { add: [binding] }));
    await patient.close();

    expect(ours().map((b) => b.members![0])).toEqual(bindings.map((b) => b.principal));
    const stored = double.policy(resource)!.bindings!;
    for (const member of double.concurrentMembers()) expect(stored).toContainEqual({ role: 'roles/browser', members: [member] });
    expect(stored.slice(0, UNMANAGED.length)).toEqual(UNMANAGED);
    expect(double.concurrentMembers().length).toBeGreaterThan(0);
    expect(double.calls()).toBeGreaterThan(2 * bindings.length);
  });

  it('always sends the etag of its latest read with every write', async () => {
    double.script('setIamPolicy', { kind: 'concurrent-write' }, { kind: 'status', status: 503 });
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));
    await provider.apply(aChange(resource, { remove: [aGcpBinding().observed()] }));

    const requests = double.requests();
    const writes = requests.filter((r) => r.method === 'setIamPolicy');
    expect(writes).toHaveLength(4);
    for (const write of writes) {
      const latestRead = requests.slice(0, requests.indexOf(write)).filter((r) => r.method === 'getIamPolicy').at(-1);
      expect((write.body['policy'] as { etag?: string }).etag).toBe(latestRead?.answeredEtag);
    }
    expect(writes.every((w) => (w.body['policy'] as { version?: number }).version === 3)).toBe(true);
  });

  it('gives up after a bounded number of attempts with an error that names the resource and the cause', async () => {
    double.setFaultRates('getIamPolicy', { unavailable: 1 });
    const bounded = providerFor(double, { retry: { maxAttempts: 4 } });
    await expect(bounded.apply(aChange(resource, { add: [aGcpBinding().build()] }))).rejects.toThrow(
      /projects\/gitgrant-sandbox gave up after 4 attempts: 503 UNAVAILABLE: injected fault/,
    );
    expect(double.calls('getIamPolicy')).toBe(4);
    await bounded.close();
  });

  it('does not retry a permanent failure such as a rejected token', async () => {
    const wrongToken = gcpProviderFromEnv({ GITGRANT_GCP_ENDPOINT: double.url, GITGRANT_GCP_TOKEN: 'not-the-token' }, { sleep: async () => {} });
    await expect(wrongToken.read({ provider: 'gcp', resource })).rejects.toThrow(/getIamPolicy on projects\/gitgrant-sandbox failed: 401 UNAUTHENTICATED/);
    expect(double.calls('getIamPolicy')).toBe(1);
    await wrongToken.close();
  });

  it('makes no call at all for an empty change', async () => {
    await provider.apply(aChange(resource));
    expect(double.calls()).toBe(0);
  });
});

describe('the Resource Manager double', () => {
  let double: GcpDouble;
  let client: ProjectsClient;
  const resource = 'projects/gitgrant-sandbox';

  beforeEach(async () => {
    double = await startGcpDouble();
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: double.token });
    client = new ProjectsClient({ fallback: 'rest', apiEndpoint: '127.0.0.1', port: double.port, protocol: 'http', authClient: auth as never });
  });
  afterEach(async () => {
    await client.close();
    await double.close();
  });

  it('refuses a write without an etag and keeps the stored policy', async () => {
    double.seedPolicy(resource, { version: 3, bindings: UNMANAGED });
    await expect(client.setIamPolicy({ resource, policy: { version: 3, bindings: [] } }, { retry: null })).rejects.toMatchObject({ status: 400 });
    expect(double.policy(resource)?.bindings).toEqual(UNMANAGED);
  });

  it('refuses a conditional binding in a policy below version 3', async () => {
    const [read] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } });
    const policy = { version: 1, etag: read.etag, bindings: [UNMANAGED[1]!] };
    await expect(client.setIamPolicy({ resource, policy }, { retry: null })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a stale etag with 409', async () => {
    const [read] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } });
    double.seedPolicy(resource, { version: 1, bindings: [UNMANAGED[0]!] });
    await expect(client.setIamPolicy({ resource, policy: { ...read, bindings: [] } }, { retry: null })).rejects.toMatchObject({ status: 409 });
  });

  it('answers an empty policy without bindings, as GCP does', async () => {
    const [read] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } });
    expect({ version: read.version, bindings: read.bindings, etag: Buffer.from(read.etag as Uint8Array).toString('base64') }).toEqual({
      version: 1,
      bindings: [],
      etag: 'ACAB',
    });
  });

  it('hides conditions from a version 1 read', async () => {
    double.seedPolicy(resource, { version: 3, bindings: UNMANAGED });
    const [read] = await client.getIamPolicy({ resource, options: { requestedPolicyVersion: 1 } });
    expect(read.version).toBe(1);
    expect(read.bindings?.map((b) => b.role)).toEqual([
      'roles/owner',
      expect.stringMatching(/^roles\/viewer_withcond_[0-9a-f]+$/),
      expect.stringMatching(/^roles\/storage\.objectViewer_withcond_[0-9a-f]+$/),
    ]);
  });

  it('counts calls by method and waits the configured latency', async () => {
    double.setLatency(5);
    await client.getIamPolicy({ resource });
    await client.getIamPolicy({ resource });
    expect({ get: double.calls('getIamPolicy'), set: double.calls('setIamPolicy'), all: double.calls() }).toEqual({ get: 2, set: 0, all: 2 });
  });
});
