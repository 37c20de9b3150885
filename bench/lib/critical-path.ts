/**
 * The critical-path bound: the shortest wall time any scheduler could reach for a set of calls of
 * a fixed latency, at most `parallelism` in flight, where no chain of calls that wait for one
 * another can be shortened. It is the larger of the two limits (work over parallelism, span):
 *
 *   bound = latency × max(longest chain, ⌈calls / parallelism⌉)
 *
 * Phases separated by a barrier (all reads before any write) add up.
 */
export interface Phase {
  calls: number;
  /** Calls in the longest chain of calls that each need the previous one's answer. */
  chain: number;
}

export function criticalPathBoundMs(phases: readonly Phase[], parallelism: number, latencyMs: number): number {
  return phases.reduce((sum, phase) => sum + latencyMs * Math.max(phase.chain, Math.ceil(phase.calls / parallelism)), 0);
}
