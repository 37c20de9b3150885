/**
 * Loads many files on several cores: worker threads take shares of the files while the main thread
 * loads its own. Results are identical to the sequential loader; below a threshold, or where the
 * compiled worker is not available (running from TypeScript sources), it is the sequential loader.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadFile, type LoadedFile } from '../../core/model/load-file.js';
import type { SourceMap } from '../../core/model/source-map.js';
import { parseYamlFile } from '../../core/model/yaml-file.js';
import type { RepoFile } from './read-repo.js';

/** Below this, starting a worker (loading yaml and ajv again) costs more than it saves. */
export const PARALLEL_THRESHOLD = 1_000;
/** A worker starts later than the main thread, so it gets a slightly smaller share. */
const WORKER_SHARE = 0.85;

export type Loaded = { path: string; loaded: LoadedFile }[];

export async function loadFilesParallel(files: readonly RepoFile[], workers = defaultWorkers()): Promise<Loaded> {
  const workerUrl = new URL('./load-worker.js', import.meta.url);
  if (workers < 1 || files.length < PARALLEL_THRESHOLD || !existsSync(fileURLToPath(workerUrl))) return loadSequential(files);
  const shares = split(files, workers);
  const pending = shares.slice(1).map((share) => runWorker(workerUrl, share));
  const own = loadSequential(shares[0]!);
  const results = (await Promise.all(pending)).flat();
  const bytes = new Map(files.map((file) => [file.path, file.bytes]));
  for (const { loaded } of results) {
    if ((loaded.kind === 'grant' || loaded.kind === 'role' || loaded.kind === 'policy') && loaded.value) rebuildOnDemand(loaded.value.source, bytes.get(loaded.value.source.file)!);
  }
  return [...results, ...own];
}

/** The worker sent the file without its source map; it is parsed again the first time it is read. */
function rebuildOnDemand(source: SourceMap, bytes: Uint8Array): void {
  let nodes: SourceMap['nodes'] | undefined;
  Object.defineProperty(source, 'nodes', {
    enumerable: true,
    get: () => (nodes ??= parseYamlFile(source.file, bytes).source.nodes),
  });
}

/**
 * Splits by estimated cost, not count: flat grant files take the fast path, roles and policies the
 * full YAML library at about thirty times the cost per file (measured). The main thread starts at
 * once, so it takes share 0, a little larger than the workers' shares.
 */
function split(files: readonly RepoFile[], workers: number): RepoFile[][] {
  const cost = (file: RepoFile) => (file.path.startsWith('grants/') ? 1 : 30);
  const total = files.reduce((sum, file) => sum + cost(file), 0);
  const workerShare = (total / (workers + 1)) * WORKER_SHARE;
  const shares: RepoFile[][] = Array.from({ length: workers + 1 }, () => []);
  const load = new Array<number>(workers + 1).fill(0);
  // Round-robin over workers until each reaches its share; everything else stays on the main thread.
  let next = 1;
  for (const file of files) {
    const open = Array.from({ length: workers }, (_, i) => 1 + ((next - 1 + i) % workers)).find((w) => load[w]! + cost(file) <= workerShare);
    const target = open ?? 0;
    shares[target]!.push(file);
    load[target]! += cost(file);
    if (open !== undefined) next = (open % workers) + 1;
  }
  return shares;
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

/**
 * `GITGRANT_WORKERS` overrides (0 = sequential). By default one core is left to V8's own threads
 * (GC, compilation): measured on 2 cores, one worker made a 10,000-grant validate slower (1.4 s
 * against 1.25 s sequential), because the worker's start-up and the main thread's contention for
 * the second core cost more than the split saved.
 */
export function defaultWorkers(): number {
  const configured = process.env.GITGRANT_WORKERS;
  if (configured !== undefined && /^\d+$/.test(configured)) return Number(configured);
  return Math.min(Math.max(availableParallelism() - 2, 0), 3);
}
