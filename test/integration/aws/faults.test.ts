import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredBinding, TargetRef } from '../../../src/core/plan/types.js';
import type { AwsClients } from '../../../src/adapters/aws/clients.js';
import type { FaultProxy } from '../../support/fault-proxy.js';
import type { AwsTestEndpoint } from '../../support/moto.js';
import { T0, HOUR, anIamBinding } from '../../support/builders/aws.js';
import { startMotoBehindProxy, type MotoBehindProxy, accountOf, changeFor, clientsFor, converge, createRole, createUser, isEmpty, providerFor } from './harness.js';

let emulators: MotoBehindProxy;
let aws: AwsTestEndpoint;
let proxy: FaultProxy;
let direct: AwsClients;
let flaky: AwsClients;
let target: TargetRef;
let desired: DesiredBinding[];
let run = 0;
/** Why runs failed, shown when a convergence assertion fails. */
const failures: string[] = [];

beforeAll(async () => {
  emulators = await startMotoBehindProxy(7);
  ({ aws, proxy } = emulators);
  direct = clientsFor(aws.endpoint);
  // The default 5 attempts; a short timeout so hung calls are abandoned and retried quickly.
  flaky = clientsFor(proxy.url, { requestTimeoutMs: 300 });
});
afterAll(() => emulators.close());

beforeEach(async () => {
  await aws.reset();
  proxy.setRates([]);
  proxy.resetCounts();
  failures.length = 0;
  run += 1;
  const account = await accountOf(direct);
  target = { provider: 'aws', strategy: 'iam', account };
  const users = ['alice', 'bob', 'carol', 'dave'].map((name) => `${name}${run}`);
  for (const user of users) await createUser(direct, user);
  await createRole(direct, account, `prod-db-${run}`);
  await createRole(direct, account, `billing-${run}`);
  desired = users.flatMap((user, i) => [
    anIamBinding(`db${run}${i}`).inAccount(account).for(user).onRole(`prod-db-${run}`).until(T0 + (i + 1) * HOUR).build(),
    anIamBinding(`bill${run}${i}`).inAccount(account).for(user).onRole(`billing-${run}`).build(),
  ]);
});

/** Runs plan + apply until nothing is left to do; a failed run is what the next scheduled run retries. */
const injectedFaults = () => Object.values(proxy.faults()).reduce((a, b) => a + b, 0);

async function runsUntilConverged(maxRuns: number): Promise<number> {
  const provider = providerFor(flaky, { now: () => T0 });
  for (let runs = 1; runs <= maxRuns; runs++) {
    try {
      await converge(provider, target, desired);
    } catch (error) {
      failures.push(String(error));
      continue;
    }
    if (isEmpty(changeFor(desired, await providerFor(direct).read(target)))) return runs;
  }
  return Infinity;
}

describe('the AWS provider under injected faults', () => {
  it('converges within 3 runs while IAM throttles a third of all calls', async () => {
    proxy.setRates([{ fault: 'throttle', rate: 0.33 }]);
    expect(await runsUntilConverged(3), failures.join('\n')).toBeLessThanOrEqual(3);
    expect(injectedFaults()).toBeGreaterThan(0);
  });

  it('converges within 3 runs through 500s and 503s', async () => {
    proxy.setRates([
      { fault: 'server-error', rate: 0.15 },
      { fault: 'unavailable', rate: 0.15 },
    ]);
    expect(await runsUntilConverged(3), failures.join('\n')).toBeLessThanOrEqual(3);
    expect(injectedFaults()).toBeGreaterThan(0);
  });

  it('converges within 3 runs when some calls hang until the request timeout', async () => {
    proxy.setRates([{ fault: 'hang', rate: 0.1 }]);
    expect(await runsUntilConverged(3), failures.join('\n')).toBeLessThanOrEqual(3);
    expect(injectedFaults()).toBeGreaterThan(0);
  });

  it('retries a throttled write inside the same run', async () => {
    proxy.script('CreatePolicy', 'throttle', 'throttle');
    proxy.resetCounts();
    expect(await runsUntilConverged(1)).toBe(1);
    expect(proxy.faults()).toEqual({ CreatePolicy: 2 });
    expect(proxy.calls().CreatePolicy).toBe(desired.length / 2 + 2);
  });

  it('reports every failed principal together and applies the others', async () => {
    const provider = providerFor(flaky, { now: () => T0 });
    proxy.setRates([{ fault: 'server-error', rate: 1, action: 'AttachUserPolicy' }]);
    const change = changeFor(desired, await provider.read(target));

    await expect(provider.apply(change)).rejects.toThrow(/4 change\(s\) failed on aws:iam:.*InternalFailure/);

    proxy.setRates([]);
    expect(await runsUntilConverged(1)).toBe(1);
  });
});
