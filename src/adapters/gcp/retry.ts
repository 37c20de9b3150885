/**
 * How a failed GCP call is treated, and how long to wait before the next attempt. Pure.
 * The SDK's own retries are switched off (see clients.ts) so this is the only retry layer.
 */

export type FailureKind =
  /** 409 ABORTED: the policy changed since it was read; re-read and re-apply. */
  | 'conflict'
  /** 429, 5xx, timeouts, dropped connections: the same call may succeed later. */
  | 'transient'
  /** Anything else (400, 403, 404 ...): retrying cannot help. */
  | 'permanent';

export interface CallFailure {
  kind: FailureKind;
  /** One line, for the final error message. */
  cause: string;
  /** From a Retry-After header (seconds form), when the server sent one. */
  retryAfterMs?: number;
}

export interface RetryPolicy {
  /** Attempts of the whole read-modify-write, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };

const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);
// gRPC codes a GoogleError may carry: ABORTED, and DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED / INTERNAL / UNAVAILABLE.
const GRPC_ABORTED = 10;
const TRANSIENT_GRPC = new Set([4, 8, 13, 14]);

interface ErrorLike {
  message?: unknown;
  status?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: unknown };
}

export function classifyFailure(error: unknown): CallFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const cause = describe(e, error);
  const status = httpStatus(e);
  if (status !== undefined) {
    if (status === 409) return { kind: 'conflict', cause };
    if (!TRANSIENT_HTTP.has(status)) return { kind: 'permanent', cause };
    const retryAfterMs = retryAfter(e.response?.headers);
    return retryAfterMs === undefined ? { kind: 'transient', cause } : { kind: 'transient', cause, retryAfterMs };
  }
  if (e.code === GRPC_ABORTED) return { kind: 'conflict', cause };
  if (typeof e.code === 'number') return { kind: TRANSIENT_GRPC.has(e.code) ? 'transient' : 'permanent', cause };
  // No status at all: the request never got an answer (timeout, reset, refused).
  return { kind: 'transient', cause };
}

/**
 * Exponential backoff with full jitter (delay drawn from [0, base·2^(attempt-1)], capped), never
 * shorter than what the server asked for with Retry-After. `attempt` counts from 1.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(Math.round(random() * ceiling), retryAfterMs ?? 0);
}

function httpStatus(e: ErrorLike): number | undefined {
  const status = typeof e.status === 'number' ? e.status : e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

function retryAfter(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get('retry-after')
      : (headers as Record<string, unknown>)['retry-after'];
  const seconds = Number(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The server's own message when the body was a Google error, else the error's message; one line. */
function describe(e: ErrorLike, error: unknown): string {
  const message = typeof e.message === 'string' ? e.message : String(error);
  let text = message;
  try {
    const parsed = JSON.parse(message) as { error?: { code?: number; status?: string; message?: string } };
    if (parsed.error?.message) text = `${parsed.error.code ?? ''} ${parsed.error.status ?? ''}: ${parsed.error.message}`.trim();
  } catch {
    // Not a JSON body: the message is already what happened.
  }
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}
