/**
 * GCP IAM conditions evaluated with @bufbuild/cel, a CEL implementation that runs CEL's own
 * conformance suite. Pure: the expression and the instant are inputs.
 *
 * Only `request.time` is bound. A condition that needs anything else (`resource.name`,
 * `api.getAttribute(...)`, `request.host`) cannot be decided here and comes out `unknown`, which
 * callers count as "may allow": a condition nobody can evaluate proves nothing.
 */
import { isCelError, run } from '@bufbuild/cel';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { Instant } from '../model/types.js';
import { formatInstant } from '../model/instant.js';

export type ConditionOutcome = { value: boolean } | { unknown: string };

export function evaluateCondition(expression: string, at: Instant): ConditionOutcome {
  let result: unknown;
  try {
    result = run(expression, { request: new Map([['time', timestampFromMs(at)]]) } as never);
  } catch (error) {
    return { unknown: `does not parse: ${(error as Error).message}` };
  }
  if (isCelError(result)) return { unknown: String((result as { message?: string }).message ?? result) };
  if (typeof result !== 'boolean') return { unknown: `evaluates to a ${typeof result}, not a boolean` };
  return { value: result };
}

/** Whether the condition can allow at `at`: true, or not decidable. */
export function mayAllow(outcome: ConditionOutcome): boolean {
  return 'unknown' in outcome || outcome.value;
}

export interface ConditionProbe {
  at: Instant;
  /** For people: `expires - 1ms`, `expires`, `now`. */
  label: string;
  outcome: ConditionOutcome;
}

/**
 * The condition at the instants that prove a window: just inside its end, at its end, and now.
 * A gitgrant window is `request.time < timestamp(expires)`: true at `expires - 1ms`, false from
 * `expires` on.
 */
export function probeCondition(expression: string, end: Instant, now: Instant): ConditionProbe[] {
  const points: [Instant, string][] = [[end - 1, 'end - 1ms'], [end, 'end'], [now, 'now']];
  return points.map(([at, label]) => ({ at, label, outcome: evaluateCondition(expression, at) }));
}

export function describeProbe(probe: ConditionProbe): string {
  const value = 'unknown' in probe.outcome ? `unknown (${probe.outcome.unknown})` : String(probe.outcome.value);
  return `request.time=${formatInstant(probe.at)} (${probe.label}): ${value}`;
}
