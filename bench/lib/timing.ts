/** Wall-clock timing for benchmarks (never for tests: tests do not depend on the clock). */
import { performance } from 'node:perf_hooks';

export interface Timed<T> {
  value: T;
  ms: number;
}

export async function timed<T>(run: () => Promise<T>): Promise<Timed<T>> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}
