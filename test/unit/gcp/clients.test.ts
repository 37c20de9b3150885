import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGcpClients, gcpConnectionFromEnv, resourceKind } from '../../../src/adapters/gcp/clients.js';
import { createGcpProvider } from '../../../src/adapters/gcp/provider.js';
import { compactBinding } from '../../../src/core/gcp/policy.js';

describe('choosing the GCP client', () => {
  it('picks the client by the resource prefix', () => {
    expect(['projects/x', 'folders/123', 'organizations/456'].map(resourceKind)).toEqual(['projects', 'folders', 'organizations']);
  });

  it('refuses a resource that is none of the three, with a hint', () => {
    expect(() => resourceKind('billingAccounts/1')).toThrow(/not projects\/<id>, folders\/<number> or organizations\/<number>; fix the role's gcp target/);
    expect(() => resourceKind('projects/x/buckets/y')).toThrow();
  });

  it('uses application default credentials unless the environment names an endpoint or a token', () => {
    expect(gcpConnectionFromEnv({})).toEqual({});
    expect(gcpConnectionFromEnv({ GITGRANT_GCP_ENDPOINT: 'http://127.0.0.1:9', GITGRANT_GCP_TOKEN: 't' })).toEqual({ endpoint: 'http://127.0.0.1:9', token: 't' });
  });
});

describe('a machine without Google credentials', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('gets one line with the cause and the fix, once, instead of a stack trace from the SDK', async () => {
    const emptyConfig = mkdtempSync(join(tmpdir(), 'gitgrant-no-gcloud-'));
    try {
      vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', undefined);
      vi.stubEnv('CLOUDSDK_CONFIG', emptyConfig);
      vi.stubEnv('HOME', emptyConfig);
      // Never probe the GCE metadata address from a test: this machine talks to loopback only.
      vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
      const sleeps: number[] = [];
      const provider = createGcpProvider({ clients: createGcpClients({}), sleep: async (ms) => void sleeps.push(ms) });
      const read = provider.read({ provider: 'gcp', resource: 'projects/acme-prod' });
      await expect(read).rejects.toThrow(
        /^no Google credentials \(Could not load the default credentials\); in GitHub Actions log in with google-github-actions\/auth \(docs\/setup\.md\), locally run `gcloud auth application-default login`, or point GITGRANT_GCP_ENDPOINT and GITGRANT_GCP_TOKEN at an emulator$/,
      );
      expect(sleeps).toEqual([]);
      await provider.close();
    } finally {
      rmSync(emptyConfig, { recursive: true, force: true });
    }
  });
});

describe('compacting a binding before it is written', () => {
  it('drops the empty defaults the SDK fills in on read, and keeps every real field', () => {
    expect(
      compactBinding({ role: 'roles/viewer', members: ['user:a@example.com'], condition: { expression: 'e', title: 't', description: '', location: '' } }),
    ).toEqual({ role: 'roles/viewer', members: ['user:a@example.com'], condition: { expression: 'e', title: 't' } });
    expect(compactBinding({ role: 'roles/owner', members: ['user:a@example.com'], condition: null })).toEqual({ role: 'roles/owner', members: ['user:a@example.com'] });
  });
});
