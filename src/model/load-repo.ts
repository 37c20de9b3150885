/** Reads, parses and assembles an access repository: the front door of the core for adapters. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkRoles } from './role-checks.js';
import { assembleRepo } from './assemble.js';
import { loadFile } from './load-file.js';
import { loadFilesParallel, type Loaded } from './load-parallel.js';
import { readRepoFiles, type RepoFile } from './read-repo.js';
import type { AccessRepo } from './types.js';

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

/** The same as `loadRepo`, on several cores for large repositories. */
export async function loadRepoParallel(root: string, include?: (path: string) => boolean): Promise<LoadedRepo> {
  const { files, diagnostics } = readRepoFiles(root, include);
  return assemble(await loadFilesParallel(files), diagnostics);
}
