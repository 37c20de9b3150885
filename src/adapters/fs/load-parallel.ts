/**
 * Loads an access repository as fast as the machine allows: on several cores for large ones (worker
 * threads take shares of the files while the main thread loads its own), and with the `yaml` library
 * loaded only when a file needs it. Results are identical to `loadRepo`'s; below a threshold, or
 * where the compiled worker is not available (running from TypeScript sources), files load here.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { assembleLoadedRepo, type LoadedRepo } from '../../core/model/assemble.js';
import { loadFile, type LoadedFile } from '../../core/model/load-file.js';
import type { SourceMap } from '../../core/model/source-map.js';
import { parseYamlFile, type ReferenceReader } from '../../core/model/yaml-file.js';
import { readRepoFilesInBatches } from './read-repo-batched.js';
import { readRepoFiles, type RepoFile } from './read-repo.js';

/** Below this, starting a worker (loading yaml and ajv again) costs more than it saves. */
export const PARALLEL_THRESHOLD = 1_000;
/** A worker starts later than the main thread, so it gets a slightly smaller share. */
const WORKER_SHARE = 0.85;

export type Loaded = { path: string; loaded: LoadedFile }[];

/**
 * The same as `loadRepo`, on several cores for large repositories: with parse workers (3 cores or
 * more), or, where there are none, with the files read on a second thread while this one parses.
 * `GITGRANT_READ_THREAD=0` reads them here instead.
 */
export async function loadRepoParallel(root: string, include?: (path: string) => boolean): Promise<LoadedRepo> {
  if (defaultWorkers() === 0) {
    const loading = new LibraryWhenNeeded();
    const threshold = process.env.GITGRANT_READ_THREAD === '0' ? Infinity : PARALLEL_THRESHOLD;
    const diagnostics = await readRepoFilesInBatches(root, include, threshold, (files) => {
      for (const file of files) loading.load(file);
    });
    return assembleLoadedRepo(await loading.finish(), diagnostics);
  }
  const { files, diagnostics } = readRepoFiles(root, include);
  return assembleLoadedRepo(await loadFilesParallel(files), diagnostics);
}

/** A file the main reader declined; the `yaml` library reads it once it is loaded. */
class LibraryNeeded extends Error {}
const libraryNeeded: ReferenceReader = () => {
  throw new LibraryNeeded();
};

/**
 * Loads files with the main reader, setting aside those it declines; `finish` loads the `yaml`
 * library (a ninth of a small run's start) only if one was set aside, and reads those with it.
 * Positions need no library: the main reader recovers them for the files it read.
 */
class LibraryWhenNeeded {
  private readonly loaded: Loaded = [];
  private readonly declined: { index: number; file: RepoFile }[] = [];

  load(file: RepoFile): void {
    try {
      this.loaded.push({ path: file.path, loaded: loadFile(file.path, file.bytes, libraryNeeded) });
    } catch (error) {
      if (!(error instanceof LibraryNeeded)) throw error;
      this.declined.push({ index: this.loaded.length, file });
      this.loaded.push({ path: file.path, loaded: { kind: 'other', diagnostics: [] } });
    }
  }

  async finish(): Promise<Loaded> {
    if (this.declined.length > 0) {
      const { parseYamlText } = await import('../../core/model/yaml-reference.js');
      for (const { index, file } of this.declined) this.loaded[index] = { path: file.path, loaded: loadFile(file.path, file.bytes, parseYamlText) };
    }
    return this.loaded;
  }
}

export async function loadFilesParallel(files: readonly RepoFile[], workers = defaultWorkers()): Promise<Loaded> {
  const workerUrl = new URL('./load-worker.js', import.meta.url);
  if (workers < 1 || files.length < PARALLEL_THRESHOLD || !existsSync(fileURLToPath(workerUrl))) {
    const loading = new LibraryWhenNeeded();
    for (const file of files) loading.load(file);
    return loading.finish();
  }
  // A worker's file may have been read by the library, and its positions are recovered here.
  const [{ Worker }, { parseYamlText }] = await Promise.all([import('node:worker_threads'), import('../../core/model/yaml-reference.js')]);
  const shares = split(files, workers);
  const pending = shares.slice(1).map((share) => runWorker(Worker, workerUrl, share));
  const own = shares[0]!.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes, parseYamlText) }));
  const results = (await Promise.all(pending)).flat();
  const bytes = new Map(files.map((file) => [file.path, file.bytes]));
  for (const { loaded } of results) {
    if ((loaded.kind === 'grant' || loaded.kind === 'role' || loaded.kind === 'policy') && loaded.value) rebuildOnDemand(loaded.value.source, bytes.get(loaded.value.source.file)!, parseYamlText);
  }
  return [...results, ...own];
}

/** The worker sent the file without its source map; it is parsed again the first time it is read. */
function rebuildOnDemand(source: SourceMap, bytes: Uint8Array, reference: ReferenceReader): void {
  let nodes: SourceMap['nodes'] | undefined;
  Object.defineProperty(source, 'nodes', {
    enumerable: true,
    get: () => (nodes ??= parseYamlFile(source.file, bytes, reference).source.nodes),
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

function runWorker(Worker: typeof import('node:worker_threads').Worker, url: URL, files: RepoFile[]): Promise<Loaded> {
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
