/**
 * The GCP provider: one resource's allow policy is one target. Writes are read-modify-write with
 * the etag that was read, so a concurrent writer's change is never overwritten: GCP answers 409
 * and the whole change is re-applied to a fresh read. The first write uses the plan's own read
 * (the change's basis) when it has one, so an uncontended change costs one call.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { DesiredBinding, TargetChange, TargetRef, TargetState } from '../../core/plan/types.js';
import type { Provider } from '../../core/plan/provider.js';
import { createGcpClients, gcpConnectionFromEnv, GcpCredentialsMissing, type GcpClients, type GcpConnection } from './clients.js';
import { checkGcpLimits } from '../../core/gcp/limits.js';
import { observeBindings } from '../../core/gcp/observe.js';
import { compactBinding, CONDITIONS_POLICY_VERSION, type IamBinding, type IamPolicy } from '../../core/gcp/policy.js';
import { basisOfPolicy, policyOfBasis } from '../../core/gcp/basis.js';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { rewriteBindings, sameBindings } from '../../core/gcp/rewrite.js';

export interface GcpProviderOptions {
  clients: GcpClients;
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts. Tests pass one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of backoff jitter in [0, 1). */
  random?: () => number;
}

export interface GcpProvider extends Provider {
  readonly name: 'gcp';
  /** Releases the SDK clients. */
  close(): Promise<void>;
}

/** A write was not attempted because it would be unsafe; retrying cannot change that. */
class UnsafeWrite extends Error {}

export function createGcpProvider(options: GcpProviderOptions): GcpProvider {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const { clients } = options;

  async function withRetries<T>(action: string, resource: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (error instanceof UnsafeWrite || error instanceof GcpCredentialsMissing) throw error;
        const failure = classifyFailure(error);
        if (failure.kind === 'permanent') throw new Error(`GCP ${action} on ${resource} failed: ${failure.cause}`);
        if (attempt >= policy.maxAttempts) {
          throw new Error(`GCP ${action} on ${resource} gave up after ${attempt} attempts: ${failure.cause}`);
        }
        await sleep(backoffDelay(attempt, policy, random, failure.retryAfterMs));
      }
    }
  }

  return {
    name: 'gcp',

    async read(target: TargetRef): Promise<TargetState> {
      const resource = gcpResource(target);
      const client = clients.forResource(resource);
      const read = await withRetries('getIamPolicy', resource, () => client.getIamPolicy(resource));
      const basis = basisOfPolicy(read);
      return { target, bindings: observeBindings(read), ...(basis === undefined ? {} : { basis }) };
    },

    async apply(change: TargetChange): Promise<void> {
      const resource = gcpResource(change.target);
      if (change.add.length + change.update.length + change.remove.length === 0) return;
      const client = clients.forResource(resource);
      // Only the first attempt may write on the plan's read; every later one re-reads: after a 409
      // or a lost answer the change is re-applied to what is there now, which is idempotent, and a
      // write that did land shows up as nothing to do.
      let planned = change.basis === undefined ? undefined : policyOfBasis(change.basis);
      await withRetries('IAM policy update', resource, async () => {
        const read = planned ?? (await client.getIamPolicy(resource));
        planned = undefined;
        const current = read.bindings ?? [];
        const bindings = rewriteBindings(current, change);
        if (sameBindings(current, bindings)) return;
        await client.setIamPolicy(resource, writable(resource, read, bindings));
      });
    },

    checkLimits(target: TargetRef, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
      return checkGcpLimits(target, desired, observed);
    },

    close: () => clients.close(),
  };
}

export interface GcpProviderEnvOptions extends Omit<GcpProviderOptions, 'clients'> {
  callTimeoutMs?: number;
}

/** The provider for the connection GITGRANT_GCP_ENDPOINT / GITGRANT_GCP_TOKEN describe (ADC when unset). */
export function gcpProviderFromEnv(env: Readonly<Record<string, string | undefined>>, options: GcpProviderEnvOptions = {}): GcpProvider {
  const { callTimeoutMs, ...rest } = options;
  const connection: GcpConnection = { ...gcpConnectionFromEnv(env), ...(callTimeoutMs === undefined ? {} : { callTimeoutMs }) };
  return createGcpProvider({ ...rest, clients: createGcpClients(connection) });
}

function writable(resource: string, read: IamPolicy, bindings: readonly IamBinding[]): IamPolicy {
  // Without the etag GCP would let this write silently replace a concurrent one, and could even
  // drop conditions from a version 3 policy.
  if (!read.etag || read.etag.length === 0) {
    throw new UnsafeWrite(`GCP getIamPolicy on ${resource} returned no etag; refusing to write the policy without one`);
  }
  return { version: CONDITIONS_POLICY_VERSION, etag: read.etag, bindings: bindings.map(compactBinding) };
}

function gcpResource(target: TargetRef): string {
  if (target.provider !== 'gcp') throw new Error(`the GCP provider was given a ${target.provider} target (caller bug)`);
  return target.resource;
}
