import { describe, expect, it } from 'vitest';
import { gcpConnectionFromEnv, resourceKind } from '../../../src/providers/gcp/clients.js';
import { compactBinding } from '../../../src/providers/gcp/policy.js';

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

describe('compacting a binding before it is written', () => {
  it('drops the empty defaults the SDK fills in on read, and keeps every real field', () => {
    expect(
      compactBinding({ role: 'roles/viewer', members: ['user:a@example.com'], condition: { expression: 'e', title: 't', description: '', location: '' } }),
    ).toEqual({ role: 'roles/viewer', members: ['user:a@example.com'], condition: { expression: 'e', title: 't' } });
    expect(compactBinding({ role: 'roles/owner', members: ['user:a@example.com'], condition: null })).toEqual({ role: 'roles/owner', members: ['user:a@example.com'] });
  });
});
