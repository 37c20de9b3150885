/** Reads, parses and assembles an access repository: the front door of the core for adapters. */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { assembleLoadedRepo, type LoadedRepo } from '../../core/model/assemble.js';
import { loadFile } from '../../core/model/load-file.js';
import { parseYamlText } from '../../core/model/yaml-reference.js';
import { readRepoFiles, type RepoFile } from './read-repo.js';

export type { LoadedRepo } from '../../core/model/assemble.js';

export function loadRepoFromFiles(files: readonly RepoFile[], readDiagnostics: Diagnostic[] = []): LoadedRepo {
  return assembleLoadedRepo(files.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes, parseYamlText) })), readDiagnostics);
}

export function loadRepo(root: string, include?: (path: string) => boolean): LoadedRepo {
  const { files, diagnostics } = readRepoFiles(root, include);
  return loadRepoFromFiles(files, diagnostics);
}
