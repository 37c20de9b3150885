/**
 * Worker side of the parallel loader: parses and checks a share of the files. A file's source map
 * is left behind: copying thousands of them across threads costs more than parsing; the main
 * thread rebuilds one from the file's bytes only when a rule needs a place in that file.
 */
import { parentPort } from 'node:worker_threads';
import { loadFile } from '../../core/model/load-file.js';
import { parseYamlText } from '../../core/model/yaml-reference.js';
import type { RepoFile } from './read-repo.js';

parentPort!.once('message', (files: RepoFile[]) => {
  parentPort!.postMessage(
    files.map((file) => {
      const loaded = loadFile(file.path, file.bytes, parseYamlText);
      // Positions are left behind for every kind (their getter would compute them to copy them).
      if ((loaded.kind === 'grant' || loaded.kind === 'role' || loaded.kind === 'policy') && loaded.value) loaded.value.source = { file: file.path, nodes: {} };
      return { path: file.path, loaded };
    }),
  );
});
