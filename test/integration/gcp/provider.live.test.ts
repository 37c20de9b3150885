/**
 * The same contract against a real sandbox resource (or any endpoint), skipped unless
 * GITGRANT_GCP_LIVE_RESOURCE is set. Credentials: application default credentials, or
 * GITGRANT_GCP_ENDPOINT / GITGRANT_GCP_TOKEN for another endpoint.
 *   GITGRANT_GCP_LIVE_RESOURCE=projects/my-sandbox
 *   GITGRANT_GCP_LIVE_MEMBERS=user:a@example.com,user:b@example.com   (two principals that exist)
 *   GITGRANT_GCP_LIVE_ROLE=roles/browser                              (default)
 * Each test removes the gitgrant bindings it added; it never touches other bindings.
 */
import { describe } from 'vitest';
import { createGcpClients, gcpConnectionFromEnv } from '../../../src/adapters/gcp/clients.js';
import { compactBinding } from '../../../src/core/gcp/policy.js';
import { gcpProviderFromEnv } from '../../../src/adapters/gcp/provider.js';
import { describeGcpProviderContract } from '../../support/gcp-contract.js';
import type { StoredBinding } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';

const resource = process.env['GITGRANT_GCP_LIVE_RESOURCE'];
const [first = 'user:missing@example.com', second = first] = (process.env['GITGRANT_GCP_LIVE_MEMBERS'] ?? '').split(',').filter(Boolean);

describe.skipIf(!resource)('live GCP (GITGRANT_GCP_LIVE_RESOURCE)', () => {
  describeGcpProviderContract(resource ?? 'an unset live resource', async () => {
    const clients = createGcpClients(gcpConnectionFromEnv(process.env));
    return {
      provider: gcpProviderFromEnv(process.env),
      resource: resource!,
      principals: [first, second],
      role: process.env['GITGRANT_GCP_LIVE_ROLE'] ?? 'roles/browser',
      // Compacted: the SDK fills empty defaults in on read that the endpoint does not store.
      rawBindings: async () => ((await clients.forResource(resource!).getIamPolicy(resource!)).bindings ?? []).map(compactBinding) as StoredBinding[],
      close: () => clients.close(),
    };
  });
});
