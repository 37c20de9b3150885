/** The machine a benchmark ran on, in one line for its section of docs/benchmarks.md. */
import { cpus, loadavg, totalmem } from 'node:os';

export function machineLine(date: Date): string {
  const cores = cpus();
  const model = cores[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 2 ** 30);
  // The load average says how much else the machine was doing (other processes share the cores).
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cores.length} cores (${model}), ${memory} GiB; Node ${process.versions.node} on ${process.platform}; load average ${load} (1, 5, 15 min) at the end of the run`;
}
