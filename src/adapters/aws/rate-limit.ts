/**
 * Client-side pacing for Identity Center's admin API. AWS throttles it as a whole (about 20 calls a
 * second) and limits the asynchronous assignment operations in flight (10 at once); going over
 * returns ThrottlingException or ConflictException, which the SDK's retries only partly absorb. So the
 * adapter spaces its calls and caps its operations in flight itself. The clock and the wait are
 * injected, so the pacing is testable without waiting.
 */
import pLimit, { type LimitFunction } from 'p-limit';

export interface IdentityCenterPacing {
  /** Calls started per second, all operations together. */
  callsPerSecond: number;
  /** Assignment creations and deletions in flight (each from its call until its status is final). */
  assignmentsInFlight: number;
}

export const defaultIdentityCenterPacing: IdentityCenterPacing = { callsPerSecond: 20, assignmentsInFlight: 10 };

/** Spaces call starts at least 1/perSecond apart: never more than `perSecond` starts in any second. */
export class RateLimiter {
  private nextSlot = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves when the caller may start its call. */
  async acquire(): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await this.sleep(slot - now);
  }
}

export interface Pacer {
  /** Runs one API call once the rate allows it. */
  call<T>(send: () => Promise<T>): Promise<T>;
  /** Runs one whole assignment operation (its call and its status polls) within the in-flight cap. */
  assignment: LimitFunction;
}

export function identityCenterPacer(pacing: IdentityCenterPacing, clock: () => number, sleep: (ms: number) => Promise<void>): Pacer {
  const rate = new RateLimiter(pacing.callsPerSecond, clock, sleep);
  return {
    async call(send) {
      await rate.acquire();
      return send();
    },
    assignment: pLimit(pacing.assignmentsInFlight),
  };
}
