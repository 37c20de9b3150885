/**
 * GCP IAM conditions evaluated with @bufbuild/cel, a CEL implementation that runs CEL's own
 * conformance suite. Pure: the expression and the instant are inputs.
 *
 * Only `request.time` is bound. A condition that needs anything else (`resource.name`,
 * `api.getAttribute(...)`, `request.host`) cannot be decided here and comes out `unknown`, which
 * callers count as "may allow": a condition nobody can evaluate proves nothing.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { Instant } from '../model/types.js';
import { formatInstant } from '../model/instant.js';

export type ConditionOutcome = { value: boolean } | { unknown: string };

export function evaluateCondition(expression: string, at: Instant): ConditionOutcome {
  return conditionAt(expression)(at);
}

/** The condition parsed and planned once, to evaluate at many instants. */
function conditionAt(expression: string): (at: Instant) => ConditionOutcome {
  let program: (bindings: never) => unknown;
  try {
    program = plan(celEnv(), parse(expression)) as never;
  } catch (error) {
    return () => ({ unknown: `does not parse: ${(error as Error).message}` });
  }
  return (at) => {
    let result: unknown;
    try {
      result = program({ request: new Map([['time', timestampFromMs(at)]]) } as never);
    } catch (error) {
      return { unknown: `cannot be evaluated: ${(error as Error).message}` };
    }
    if (isCelError(result)) return { unknown: String((result as { message?: string }).message ?? result) };
    if (typeof result !== 'boolean') return { unknown: `evaluates to a ${typeof result}, not a boolean` };
    return { value: result };
  };
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

/** The last instant probed: a condition still false then is false for as long as anyone can use it. */
export const FAR_FUTURE = Date.parse('9999-12-31T23:59:59.999Z');
const GRID_STEP_MS = 15 * 60 * 1000;
const GRID_SPAN_MS = 8 * 24 * 60 * 60 * 1000;

const LITERAL = String.raw`timestamp\(\s*(?:"[^"]*"|'[^']*')\s*\)`;
const OPERATOR = String.raw`(?:<=|>=|==|!=|<|>)`;
/** `request.time < timestamp("…")` (either way round), not part of arithmetic on the timestamp. */
const PLAIN_COMPARISON = new RegExp(
  String.raw`request\.time\s*${OPERATOR}\s*${LITERAL}(?!\s*[-+])|(?<![-+]\s*)${LITERAL}\s*${OPERATOR}\s*request\.time`,
  'g',
);
const LITERAL_VALUE = /timestamp\(\s*(?:"([^"]*)"|'([^']*)')\s*\)/g;

export type LaterOutcome = { at: Instant; outcome: ConditionOutcome } | { unknown: string };

/**
 * For a condition false at `now`: the first later instant at which it may allow, or undefined when
 * it is false at every later instant. A condition that only compares `request.time` with timestamp
 * literals changes value only at those literals, so probing each of them (and just after), and the
 * far future, is exhaustive. Anything else that reads the time (`getHours`, durations, arithmetic) is
 * probed every 15 minutes for 8 days, which finds office-hours and weekday patterns; still false
 * there, it cannot be shown false for good and is reported as unknown (fail closed).
 */
export function firstAllowAfter(expression: string, now: Instant): LaterOutcome | undefined {
  const literals = [...expression.matchAll(LITERAL_VALUE)].map((m) => Date.parse(m[1] ?? m[2] ?? '')).filter((t) => !Number.isNaN(t) && t > now);
  const points = new Set<Instant>([...literals.flatMap((t) => [t, t + 1]), FAR_FUTURE]);
  const simple = !/request\.time|timestamp\(|duration\(/.test(expression.replace(PLAIN_COMPARISON, ''));
  if (!simple) for (let t = now + GRID_STEP_MS; t <= now + GRID_SPAN_MS; t += GRID_STEP_MS) points.add(t);
  const evaluate = conditionAt(expression);
  for (const at of [...points].sort((a, b) => a - b)) {
    const outcome = evaluate(at);
    if (mayAllow(outcome)) return { at, outcome };
  }
  return simple ? undefined : { unknown: 'reads the time in a way that cannot be checked for every later instant' };
}
