/**
 * Apply's first write uses the etag and bindings of the plan's own read (the change's basis), so an
 * uncontended change costs one call; a policy that changed since the plan is a 409, re-read and
 * converged, never overwritten.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetChange } from '../../../src/core/plan/types.js';
import { gcpProviderFromEnv, type GcpProvider } from '../../../src/adapters/gcp/provider.js';
import { aChange, aGcpBinding, gcpTarget } from '../../support/builders/gcp.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';

const resource = 'projects/gitgrant-sandbox';
const standing = { role: 'roles/owner', members: ['user:root@example.com'] };

describe('applying a change planned from a read', () => {
  let double: GcpDouble;
  let provider: GcpProvider;

  beforeEach(async () => {
    double = await startGcpDouble();
    double.seedPolicy(resource, { version: 3, bindings: [standing] });
    provider = gcpProviderFromEnv({ GITGRANT_GCP_ENDPOINT: double.url, GITGRANT_GCP_TOKEN: double.token }, { sleep: async () => {} });
  });
  afterEach(async () => {
    await provider.close();
    await double.close();
  });

  /** What the planner hands apply: the change plus the basis of the read it was computed from. */
  async function plannedChange(parts: Partial<Omit<TargetChange, 'target'>>): Promise<TargetChange> {
    const state = await provider.read(gcpTarget(resource));
    return { ...aChange(resource, parts), basis: state.basis };
  }

  const members = () => (double.policy(resource)?.bindings ?? []).flatMap((b) => b.members ?? []);

  it('writes once, with the etag of the plan\'s read, and reads nothing more', async () => {
    const change = await plannedChange({ add: [aGcpBinding().build()] });
    const plannedEtag = double.requests()[0]!.answeredEtag;

    await provider.apply(change);

    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 1, writes: 1 });
    const [write] = double.requests().filter((r) => r.method === 'setIamPolicy');
    expect((write!.body['policy'] as { etag?: string }).etag).toBe(plannedEtag);
    expect(members()).toEqual(['user:root@example.com', 'user:alice@example.com']);
  });

  it('writes on the bindings the plan read, so the unmanaged ones go back unchanged', async () => {
    const change = await plannedChange({ add: [aGcpBinding().build()] });
    await provider.apply(change);
    expect(double.policy(resource)!.bindings![0]).toEqual(standing);
  });

  it('re-reads after a 409 when the policy changed since the plan, and keeps the other writer\'s change', async () => {
    const change = await plannedChange({ add: [aGcpBinding().build()] });
    double.seedPolicy(resource, { version: 3, bindings: [standing, { role: 'roles/browser', members: ['user:late@example.com'] }] });

    await provider.apply(change);

    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 2, writes: 2 });
    expect(members()).toEqual(['user:root@example.com', 'user:late@example.com', 'user:alice@example.com']);
  });

  it('re-reads after a transient failure of the first write instead of trusting the plan\'s read again', async () => {
    const change = await plannedChange({ add: [aGcpBinding().build()] });
    double.script('setIamPolicy', { kind: 'status', status: 503 });

    await provider.apply(change);

    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 2, writes: 2 });
    expect(members()).toEqual(['user:root@example.com', 'user:alice@example.com']);
  });

  it('reads first, as before, when a change carries no basis', async () => {
    await provider.apply(aChange(resource, { add: [aGcpBinding().build()] }));
    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 1, writes: 1 });
  });

  it('reads first when the basis is not a GCP read', async () => {
    await provider.apply({ ...aChange(resource, { add: [aGcpBinding().build()] }), basis: { versions: {} } });
    expect({ reads: double.calls('getIamPolicy'), writes: double.calls('setIamPolicy') }).toEqual({ reads: 1, writes: 1 });
    expect(members()).toContain('user:alice@example.com');
  });
});
