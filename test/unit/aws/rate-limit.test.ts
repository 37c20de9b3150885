import { describe, expect, it } from 'vitest';
import { RateLimiter, identityCenterPacer } from '../../../src/adapters/aws/rate-limit.js';

/** A clock that only moves when the limiter waits. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    waits,
    starts: [] as number[],
  };
}

describe('pacing Identity Center calls', () => {
  it('starts no more than 20 calls in any second', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(20, time.clock, time.sleep);
    for (let i = 0; i < 45; i++) {
      await limiter.acquire();
      time.starts.push(time.clock());
    }
    for (const start of time.starts) expect(time.starts.filter((s) => s >= start && s < start + 1000).length).toBeLessThanOrEqual(20);
    expect(time.starts.at(-1)).toBe(44 * 50);
  });

  it('does not wait when calls are already spaced', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(20, time.clock, time.sleep);
    await limiter.acquire();
    await time.sleep(1000);
    time.waits.length = 0;
    await limiter.acquire();
    expect(time.waits).toEqual([]);
  });

  it('keeps at most 10 assignment operations in flight', async () => {
    const pacer = identityCenterPacer({ callsPerSecond: 1000, assignmentsInFlight: 10 }, () => 0, async () => {});
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const operations = Array.from({ length: 25 }, () =>
      pacer.assignment(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight -= 1;
      }),
    );
    let done = false;
    const all = Promise.all(operations).then(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      release.splice(0).forEach((r) => r());
    }
    await all;
    expect(most).toBe(10);
  });
});
