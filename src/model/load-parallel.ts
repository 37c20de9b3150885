/**
 * Loads many files on several cores: worker threads take shares of the files while the main thread
 * loads its own. Results are identical to the sequential loader; below a threshold, or where the
 * compiled worker is not available (running from TypeScript sources), it is the sequential loader.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadFile, type LoadedFile } from './load-file.js';
import type { RepoFile } from './read-repo.js';

/** Below this, starting a worker (loading yaml and ajv again) costs more than it saves. */
const PARALLEL_THRESHOLD = 1_000;
/** A worker starts later than the main thread, so it gets a slightly smaller share. */
const WORKER_SHARE = 0.85;

export type Loaded = { path: string; loaded: LoadedFile }[];

export async function loadFilesParallel(files: readonly RepoFile[], workers = defaultWorkers()): Promise<Loaded> {
  const workerUrl = new URL('./load-worker.js', import.meta.url);
  if (workers < 1 || files.length < PARALLEL_THRESHOLD || !existsSync(fileURLToPath(workerUrl))) return loadSequential(files);
  const perWorker = Math.floor((files.length / (workers + 1)) * WORKER_SHARE);
  const shares = Array.from({ length: workers }, (_, i) => files.slice(i * perWorker, (i + 1) * perWorker));
  const pending = shares.map((share) => runWorker(workerUrl, share));
  const own = loadSequential(files.slice(workers * perWorker));
  const results = await Promise.all(pending);
  return [...results.flat(), ...own];
}

function loadSequential(files: readonly RepoFile[]): Loaded {
  return files.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes) }));
}

function runWorker(url: URL, files: RepoFile[]): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url);
    worker.once('message', (result: Loaded) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.postMessage(files);
  });
}

/** `GITGRANT_WORKERS` overrides (0 = sequential); default: one per extra core, at most 3. */
function defaultWorkers(): number {
  const configured = process.env.GITGRANT_WORKERS;
  if (configured !== undefined && /^\d+$/.test(configured)) return Number(configured);
  return Math.min(Math.max(availableParallelism() - 1, 0), 3);
}
