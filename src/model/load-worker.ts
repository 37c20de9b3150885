/** Worker side of the parallel loader: parses and checks a share of the files. */
import { parentPort } from 'node:worker_threads';
import { loadFile } from './load-file.js';
import type { RepoFile } from './read-repo.js';

parentPort!.once('message', (files: RepoFile[]) => {
  parentPort!.postMessage(files.map((file) => ({ path: file.path, loaded: loadFile(file.path, file.bytes) })));
});
