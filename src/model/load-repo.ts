/** Reads, parses and assembles an access repository: the front door of the core for adapters. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkRoles } from '../policy/role-checks.js';
import { assembleRepo } from './assemble.js';
import { loadFile } from './load-file.js';
import { readRepoFiles, type RepoFile } from './read-repo.js';
import type { AccessRepo } from './types.js';

export interface LoadedRepo {
  repo: AccessRepo;
  diagnostics: Diagnostic[];
  fileCount: number;
}

export function loadRepoFromFiles(files: readonly RepoFile[], readDiagnostics: Diagnostic[] = []): LoadedRepo {
  const loaded = files.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes) }));
  const { repo, diagnostics } = assembleRepo(loaded);
  return { repo, diagnostics: [...readDiagnostics, ...diagnostics, ...checkRoles(repo)], fileCount: files.length };
}

export function loadRepo(root: string, include?: (path: string) => boolean): LoadedRepo {
  const { files, diagnostics } = readRepoFiles(root, include);
  return loadRepoFromFiles(files, diagnostics);
}
