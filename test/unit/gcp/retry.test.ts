import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY } from '../../../src/adapters/gcp/retry.js';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(JSON.stringify({ error: { code: status, status: 'X', message: 'from the server' } })), {
    status,
    response: { status, headers: new Headers(headers) },
  });

describe('classifying a failed call', () => {
  it('treats 409 as a conflict to re-read and re-apply', () => {
    expect(classifyFailure(httpError(409)).kind).toBe('conflict');
  });

  it('treats 429, 500 and 503 as transient, and keeps the Retry-After the server asked for', () => {
    expect(classifyFailure(httpError(429, { 'retry-after': '2' }))).toEqual({ kind: 'transient', cause: '429 X: from the server', retryAfterMs: 2000 });
    expect(classifyFailure(httpError(500)).kind).toBe('transient');
    expect(classifyFailure(httpError(503)).kind).toBe('transient');
  });

  it('treats 400, 403 and 404 as permanent', () => {
    for (const status of [400, 403, 404]) expect(classifyFailure(httpError(status)).kind).toBe('permanent');
  });

  it('treats a call that never got an answer as transient', () => {
    expect(classifyFailure(new Error('The operation was aborted.'))).toEqual({ kind: 'transient', cause: 'The operation was aborted.' });
  });

  it('understands gRPC status codes on errors that carry no HTTP status', () => {
    expect(classifyFailure(Object.assign(new Error('aborted'), { code: 10 })).kind).toBe('conflict');
    expect(classifyFailure(Object.assign(new Error('unavailable'), { code: 14 })).kind).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('denied'), { code: 7 })).kind).toBe('permanent');
  });
});

describe('backoff between attempts', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling each attempt and draws the delay below it', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 0.5))).toEqual([50, 100, 200, 400]);
  });

  it('never exceeds the maximum delay', () => {
    expect(backoffDelay(30, policy, () => 0.999)).toBeLessThanOrEqual(1_000);
  });

  it('waits at least as long as Retry-After says', () => {
    expect(backoffDelay(1, policy, () => 0, 3_000)).toBe(3_000);
  });
});
