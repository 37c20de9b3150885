/** Reads, parses and assembles an access repository: the front door of the core for adapters. */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { checkRoles } from '../../core/model/role-checks.js';
import { assembleRepo } from '../../core/model/assemble.js';
import { loadFile } from '../../core/model/load-file.js';
import { defaultWorkers, loadFilesParallel, PARALLEL_THRESHOLD, type Loaded } from './load-parallel.js';
import { readRepoFilesInBatches } from './read-repo-batched.js';
import { readRepoFiles, type RepoFile } from './read-repo.js';
import type { AccessRepo } from '../../core/model/types.js';

export interface LoadedRepo {
  repo: AccessRepo;
  diagnostics: Diagnostic[];
  fileCount: number;
}

export function loadRepoFromFiles(files: readonly RepoFile[], readDiagnostics: Diagnostic[] = []): LoadedRepo {
  return assemble(files.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes) })), readDiagnostics);
}

function assemble(loaded: Loaded, readDiagnostics: Diagnostic[]): LoadedRepo {
  const { repo, diagnostics } = assembleRepo(loaded);
  return { repo, diagnostics: [...readDiagnostics, ...diagnostics, ...checkRoles(repo)], fileCount: loaded.length };
}

export function loadRepo(root: string, include?: (path: string) => boolean): LoadedRepo {
  const { files, diagnostics } = readRepoFiles(root, include);
  return loadRepoFromFiles(files, diagnostics);
}

/**
 * The same as `loadRepo`, on several cores for large repositories: with parse workers (3 cores or
 * more), or, where there are none, with the files read on a second thread while this one parses.
 * `GITGRANT_READ_THREAD=0` reads them here instead.
 */
export async function loadRepoParallel(root: string, include?: (path: string) => boolean): Promise<LoadedRepo> {
  if (defaultWorkers() === 0) {
    const loaded: Loaded = [];
    const threshold = process.env.GITGRANT_READ_THREAD === '0' ? Infinity : PARALLEL_THRESHOLD;
    const diagnostics = await readRepoFilesInBatches(root, include, threshold, (files) => {
      for (const file of files) loaded.push({ path: file.path, loaded: loadFile(file.path, file.bytes) });
    });
    return assemble(loaded, diagnostics);
  }
  const { files, diagnostics } = readRepoFiles(root, include);
  return assemble(await loadFilesParallel(files), diagnostics);
}
