/**
 * The GCP provider's behaviour as a suite that runs against any endpoint: the double (always) or
 * a real sandbox resource (when GITGRANT_GCP_LIVE_RESOURCE is set). Only what both can show is
 * here; fault injection lives with the double's own tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GcpProvider } from '../../src/adapters/gcp/provider.js';
import { aChange, aGcpBinding, type GcpBindingBuilder } from './builders/gcp.js';
import type { StoredBinding } from '../../src/adapters/sandbox/gcp-iam-emulator.js';

export interface GcpContractHarness {
  provider: GcpProvider;
  resource: string;
  /** Two principals the endpoint accepts in bindings. */
  principals: readonly [string, string];
  role: string;
  /** Bindings as the endpoint stores them, read around the provider. */
  rawBindings(): Promise<StoredBinding[]>;
  /** setIamPolicy calls so far, where the endpoint can count them. */
  writes?(): number;
  close(): Promise<void>;
}

const isOurs = (b: StoredBinding) => b.condition?.title?.startsWith('gitgrant ') ?? false;

export function describeGcpProviderContract(name: string, setup: () => Promise<GcpContractHarness>): void {
  describe(`the GCP provider against ${name}`, () => {
    let h: GcpContractHarness;
    let added: GcpBindingBuilder[];
    const binding = (n: 0 | 1 = 0) => {
      const b = aGcpBinding().on(h.resource).for(h.principals[n]).withRole(h.role).withId(`contract/${h.resource}/${n}`);
      added.push(b);
      return b;
    };

    beforeEach(async () => {
      h = await setup();
      added = [];
    });
    afterEach(async () => {
      // A live sandbox keeps its policy between runs: take back what the test added.
      await h.provider.apply(aChange(h.resource, { remove: added.map((b) => b.observed()) }));
      await h.provider.close();
      await h.close();
    });

    it('adds a conditional binding whose stored condition carries the exact window', async () => {
      const alice = binding().from('2026-11-22T14:00:00Z').until('2026-11-22T18:00:00Z').build();
      await h.provider.apply(aChange(h.resource, { add: [alice] }));

      const stored = (await h.rawBindings()).filter(isOurs);
      expect(stored).toEqual([
        {
          role: h.role,
          members: [h.principals[0]],
          condition: {
            expression: 'request.time >= timestamp("2026-11-22T14:00:00Z") && request.time < timestamp("2026-11-22T18:00:00Z")',
            title: `gitgrant ${alice.id}`,
            description: 'Granted by gitgrant for grants/prod-db-readonly/alice-inc-1234.yaml; expires 2026-11-22T18:00:00Z',
          },
        },
      ]);
    });

    it('reads its own binding back as managed, with the window it wrote', async () => {
      const alice = binding().until('2026-11-22T18:00:00Z');
      await h.provider.apply(aChange(h.resource, { add: [alice.build()] }));

      const state = await h.provider.read({ provider: 'gcp', resource: h.resource });
      expect(state.bindings.filter((b) => b.managed)).toEqual([alice.observed()]);
    });

    it('leaves every binding it does not own byte for byte unchanged', async () => {
      const before = (await h.rawBindings()).filter((b) => !isOurs(b));
      const bob = binding(1);
      await h.provider.apply(aChange(h.resource, { add: [binding().build(), bob.build()] }));
      await h.provider.apply(aChange(h.resource, { remove: [bob.observed()] }));

      const after = (await h.rawBindings()).filter((b) => !isOurs(b));
      expect(JSON.stringify(after)).toBe(JSON.stringify(before));
    });

    it('is idempotent: applying the same change twice leaves the policy as the first apply did, with one write', async () => {
      const change = aChange(h.resource, { add: [binding().build()] });
      const writesBefore = h.writes?.() ?? 0;
      await h.provider.apply(change);
      const once = await h.rawBindings();
      await h.provider.apply(change);

      expect(await h.rawBindings()).toEqual(once);
      if (h.writes) expect(h.writes() - writesBefore).toBe(1);
    });

    it('removes an expired managed binding, and a second removal of it is done', async () => {
      const expired = binding().until('2020-01-01T00:00:00Z');
      await h.provider.apply(aChange(h.resource, { add: [expired.build()] }));
      const removal = aChange(h.resource, { remove: [expired.observed()] });
      await h.provider.apply(removal);
      await h.provider.apply(removal);

      expect((await h.rawBindings()).filter(isOurs)).toEqual([]);
    });

    it('extends a window by replacing the binding that has the same id', async () => {
      const short = binding().until('2026-11-22T18:00:00Z');
      await h.provider.apply(aChange(h.resource, { add: [short.build()] }));
      const extended = aGcpBinding().on(h.resource).for(h.principals[0]).withRole(h.role).withId(short.build().id).until('2026-11-23T18:00:00Z');
      await h.provider.apply(aChange(h.resource, { update: [{ from: short.observed(), to: extended.build() }] }));

      const state = await h.provider.read({ provider: 'gcp', resource: h.resource });
      expect(state.bindings.filter((b) => b.managed)).toEqual([extended.observed()]);
    });
  });
}
