/**
 * GCP conditions as gitgrant writes them, parsed and evaluated with the CEL library at the window's
 * boundaries: the pure expression, and the policy the GCP provider writes, read back from the double.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProbe, evaluateCondition, mayAllow, probeCondition } from '../../../src/core/evaluate/gcp-condition.js';
import { windowExpression } from '../../../src/core/gcp/marker.js';
import { gcpProviderFromEnv, type GcpProvider } from '../../../src/adapters/gcp/provider.js';
import { aChange, aGcpBinding, SANDBOX_PROJECT } from '../../support/builders/gcp.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';

const STARTS = Date.parse('2026-11-23T10:00:00Z');
const EXPIRES = Date.parse('2026-11-23T16:00:00Z');

describe('a gitgrant window condition under CEL', () => {
  const both = windowExpression({ starts: STARTS, expires: EXPIRES });
  const onlyEnd = windowExpression({ expires: EXPIRES });

  it.each([
    ['1 ms before it starts', STARTS - 1, false],
    ['the instant it starts', STARTS, true],
    ['1 ms before it expires', EXPIRES - 1, true],
    ['the instant it expires', EXPIRES, false],
    ['an hour after it expires', EXPIRES + 3_600_000, false],
  ])('with a start, is %s: %s', (_name, at, expected) => {
    expect(evaluateCondition(both, at)).toEqual({ value: expected });
  });

  it('without a start, allows until the instant it expires and never after', () => {
    expect(evaluateCondition(onlyEnd, 0)).toEqual({ value: true });
    expect(evaluateCondition(onlyEnd, EXPIRES - 1)).toEqual({ value: true });
    expect(evaluateCondition(onlyEnd, EXPIRES)).toEqual({ value: false });
  });

  it('probes the end and now, and says what each gave', () => {
    const probes = probeCondition(onlyEnd, EXPIRES, EXPIRES + 60_000);
    expect(probes.map(describeProbe)).toEqual([
      'request.time=2026-11-23T15:59:59.999Z (end - 1ms): true',
      'request.time=2026-11-23T16:00:00Z (end): false',
      'request.time=2026-11-23T16:01:00Z (now): false',
    ]);
  });

  it('counts a condition it cannot decide as one that may allow (fail closed)', () => {
    const outcome = evaluateCondition('resource.name.startsWith("projects/x") || request.time < timestamp("2020-01-01T00:00:00Z")', EXPIRES);
    expect('unknown' in outcome).toBe(true);
    expect(mayAllow(outcome)).toBe(true);
    expect(mayAllow(evaluateCondition('request.time <', EXPIRES))).toBe(true);
    expect(mayAllow(evaluateCondition('"not a boolean"', EXPIRES))).toBe(true);
  });

  it('evaluates a hand-made condition in another spelling the same way', () => {
    const handMade = "request.time < timestamp('2027-01-01T00:00:00.000Z')";
    expect(evaluateCondition(handMade, Date.parse('2026-12-31T23:59:59.999Z'))).toEqual({ value: true });
    expect(evaluateCondition(handMade, Date.parse('2027-01-01T00:00:00Z'))).toEqual({ value: false });
  });
});

describe('the condition the GCP provider writes, read back from the double', () => {
  let double: GcpDouble;
  let provider: GcpProvider;
  beforeAll(async () => {
    double = await startGcpDouble();
    provider = gcpProviderFromEnv({ GITGRANT_GCP_ENDPOINT: double.url, GITGRANT_GCP_TOKEN: double.token }, { sleep: async () => {} });
  });
  afterAll(async () => {
    await provider.close();
    await double.close();
  });

  it('is true inside the window and false from its end, at the boundaries', async () => {
    const binding = aGcpBinding().for('user:alice@example.com').from('2026-11-23T10:00:00Z').until('2026-11-23T16:00:00Z').build();
    await provider.apply(aChange(SANDBOX_PROJECT, { add: [binding] }));

    const written = (double.policy(SANDBOX_PROJECT)?.bindings ?? []).find((b) => b.members?.includes('user:alice@example.com'));
    const expression = written?.condition?.expression ?? '';
    expect(expression).not.toBe('');
    expect(evaluateCondition(expression, STARTS - 1)).toEqual({ value: false });
    expect(evaluateCondition(expression, STARTS)).toEqual({ value: true });
    expect(evaluateCondition(expression, EXPIRES - 1)).toEqual({ value: true });
    expect(evaluateCondition(expression, EXPIRES)).toEqual({ value: false });
  });
});
