/** The machine a benchmark ran on, in one line for its section of docs/benchmarks.md. */
import { cpus, totalmem } from 'node:os';

export function machineLine(date: Date): string {
  const cores = cpus();
  const model = cores[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 2 ** 30);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cores.length} cores (${model}), ${memory} GiB; Node ${process.versions.node} on ${process.platform}`;
}
