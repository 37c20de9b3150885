/**
 * Faults on the wire, end to end: throttling, 5xx, 409 conflicts and timeouts injected by the
 * fault proxy in front of moto and by the GCP double. Each apply is one scheduled run; a run may
 * fail, and within three runs the cloud must match the grants, with access gitgrant did not make
 * untouched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault, FaultRate } from '../../support/fault-proxy.js';
import { startTestCloud, type CloudRun, type TestCloud } from '../../support/cloud.js';
import type { GcpFault, GcpFaultRates } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import { PROJECT, T0, UNMANAGED_GCP, seedScenario, unmanagedOf, type Scenario } from './scenario.js';

const MAX_RUNS = 3;
let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => {
  // Short timeouts, so an injected hang costs half a second rather than the production default.
  cloud = await startTestCloud({ awsRequestTimeoutMs: 500, gcpCallTimeoutMs: 500 });
});
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

const conflict = (code: string): Fault => ({
  status: 409,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>injected conflict</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
});

interface Faults {
  aws?: FaultRate[];
  awsScript?: [action: string, ...faults: Fault[]][];
  gcp?: GcpFaultRates;
  gcpScript?: [method: 'getIamPolicy' | 'setIamPolicy', ...faults: GcpFault[]][];
}

/** Applies until a run succeeds, at most MAX_RUNS times, under the faults; returns every run. */
async function applyUnder(faults: Faults): Promise<CloudRun[]> {
  const repo = scenario.repo();
  cloud.proxy.setRates(faults.aws ?? []);
  for (const [action, ...script] of faults.awsScript ?? []) cloud.proxy.script(action, ...script);
  for (const method of ['getIamPolicy', 'setIamPolicy'] as const) cloud.double.setFaultRates(method, faults.gcp ?? {});
  for (const [method, ...script] of faults.gcpScript ?? []) cloud.double.script(method, ...script);
  const concurrentBefore = cloud.double.concurrentMembers().length;
  const runs: CloudRun[] = [];
  for (let run = 1; run <= MAX_RUNS; run++) {
    runs.push(await cloud.run(['apply', '--repo', repo.root], T0));
    if (runs.at(-1)!.code === 0) break;
  }
  cloud.proxy.setRates([]);
  for (const method of ['getIamPolicy', 'setIamPolicy'] as const) cloud.double.setFaultRates(method, {});

  const plan = await cloud.run(['plan', '--json', '--repo', repo.root], T0);
  const why = runs.map((r, i) => `run ${i + 1} (exit ${r.code}):\n${r.stdout}${r.stderr}`).join('\n');
  expect(runs.at(-1)!.code, why).toBe(0);
  expect(JSON.parse(plan.stdout).totals, why).toMatchObject({ add: 0, update: 0, remove: 0 });
  // What gitgrant did not make stays byte for byte; what the simulated other writer added survives too
  // (re-serialised by the SDK, so compared by value).
  const unmanaged = unmanagedOf(await cloud.gcpBindings(PROJECT));
  expect(JSON.stringify(unmanaged.slice(0, UNMANAGED_GCP.length))).toBe(JSON.stringify(UNMANAGED_GCP));
  const otherWriter = cloud.double.concurrentMembers().slice(concurrentBefore).map((member) => ({ role: 'roles/browser', members: [member] }));
  expect(unmanaged.slice(UNMANAGED_GCP.length)).toEqual(otherWriter);
  return runs;
}

const injectedOnAws = () => Object.values(cloud.proxy.faults()).reduce((a, b) => a + b, 0);

describe('apply under injected faults', () => {
  it('converges within three runs when AWS throttles', async () => {
    await applyUnder({ aws: [{ fault: 'throttle', rate: 0.3 }] });
    expect(cloud.proxy.faults()).not.toEqual({});
  });

  it('converges within three runs through AWS 500 and 503 answers', async () => {
    await applyUnder({ aws: [{ fault: 'server-error', rate: 0.15 }, { fault: 'unavailable', rate: 0.15 }] });
    expect(injectedOnAws()).toBeGreaterThan(0);
  });

  it('converges within three runs when AWS calls hang until they time out', async () => {
    await applyUnder({ aws: [{ fault: 'hang', rate: 0.1 }] });
    expect(injectedOnAws()).toBeGreaterThan(0);
  });

  it('converges on the next run after IAM answers 409 conflicts the SDK does not retry', async () => {
    const runs = await applyUnder({ awsScript: [['CreatePolicy', conflict('ConcurrentModification')], ['AttachUserPolicy', conflict('ConcurrentModification')]] });
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.stdout).toContain('ConcurrentModification');
    expect(runs.length).toBeLessThanOrEqual(MAX_RUNS);
  });

  it('converges within three runs when GCP throttles, fails with 5xx, conflicts and hangs', async () => {
    await applyUnder({
      gcp: { serverError: 0.15, unavailable: 0.15, concurrentWrite: 0.2, hang: 0.1 },
      gcpScript: [['getIamPolicy', { kind: 'status', status: 429, retryAfterSeconds: 1 }]],
    });
    // Every read and write beyond the one of each a clean run needs met a fault.
    expect(cloud.double.calls()).toBeGreaterThan(4);
  });

  it('converges within three runs with every kind of fault on both clouds at once', async () => {
    await applyUnder({
      aws: [{ fault: 'throttle', rate: 0.1 }, { fault: 'server-error', rate: 0.05 }, { fault: 'unavailable', rate: 0.05 }, { fault: 'hang', rate: 0.05 }],
      awsScript: [['CreatePolicyVersion', conflict('ConcurrentModification')]],
      gcp: { serverError: 0.1, unavailable: 0.1, concurrentWrite: 0.15, hang: 0.05 },
    });
    expect(injectedOnAws()).toBeGreaterThan(0);
  });
});
