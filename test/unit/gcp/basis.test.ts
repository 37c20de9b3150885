import { describe, expect, it } from 'vitest';
import { basisOfPolicy, policyOfBasis } from '../../../src/core/gcp/basis.js';

describe('the basis a GCP read hands to apply', () => {
  it('carries a byte etag as base64 and compacted bindings, and survives JSON', () => {
    const basis = basisOfPolicy({
      version: 3,
      etag: Buffer.from('etag-1'),
      bindings: [{ role: 'roles/owner', members: ['user:root@example.com'], condition: null }],
    });
    expect(policyOfBasis(JSON.parse(JSON.stringify(basis)))).toEqual({
      etag: Buffer.from('etag-1').toString('base64'),
      bindings: [{ role: 'roles/owner', members: ['user:root@example.com'] }],
    });
  });

  it('keeps an etag that is already text as it is', () => {
    expect(policyOfBasis(basisOfPolicy({ etag: 'QUNBQg==' }))).toEqual({ etag: 'QUNBQg==', bindings: [] });
  });

  it('is absent for a read without an etag, so apply reads again', () => {
    expect(basisOfPolicy({ bindings: [] })).toBeUndefined();
    expect(basisOfPolicy({ etag: new Uint8Array() })).toBeUndefined();
  });

  it('is not mistaken for anything else a provider might have read', () => {
    for (const other of [undefined, null, 'etag', { etag: 'x' }, { bindings: [] }, { etag: '', bindings: [] }]) {
      expect(policyOfBasis(other)).toBeUndefined();
    }
  });
});
