/**
 * Reads the files of a large repository on a second thread, in batches, so the main thread parses
 * one batch while the next is read: on 10,000 grants the opening, reading and closing of files is
 * about a sixth of a validate run, and here it no longer waits for it.
 *
 * The same files and the same refusals as `readRepoFiles`: the main thread lists (and refuses
 * links and other non-regular entries) exactly as it does; the reader thread only opens each listed
 * path with O_NOFOLLOW, as `readRegular` does, and a path that became a link is refused the same way.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { changedWhileRead, listRepoFiles, readListedFiles, type RepoFile } from './read-repo.js';

/** The reader thread: plain CommonJS, evaluated as it is (it imports nothing of gitgrant). */
const READER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
parentPort.once('message', ({ root, paths, sizes }) => {
  let at = 0;
  for (const size of sizes) {
    const batch = paths.slice(at, at + size);
    at += size;
    const parts = [];
    const entries = [];
    let total = 0;
    for (const path of batch) {
      let fd;
      try {
        fd = fs.openSync(root + '/' + path, FLAGS);
      } catch (error) {
        entries.push(error.code === 'ELOOP' ? { path, refused: true } : { path, error: String(error.message) });
        continue;
      }
      try {
        const bytes = fs.readFileSync(fd);
        parts.push(bytes);
        entries.push({ path, start: total, end: total + bytes.length });
        total += bytes.length;
      } catch (error) {
        entries.push({ path, error: String(error.message) });
      } finally {
        fs.closeSync(fd);
      }
    }
    // One fresh buffer per batch, moved to the main thread rather than copied.
    const buffer = new ArrayBuffer(total);
    const view = new Uint8Array(buffer);
    let offset = 0;
    for (const part of parts) { view.set(part, offset); offset += part.length; }
    parentPort.postMessage({ entries, buffer }, [buffer]);
  }
});
`;

type Entry = { path: string; start: number; end: number } | { path: string; refused: true } | { path: string; error: string };

/** Batch sizes: a small first one, so parsing starts as soon as the reader thread is up. */
function batchSizes(count: number): number[] {
  const sizes: number[] = [];
  for (let left = count, size = 64; left > 0; left -= size, size = Math.min(size * 2, 1024)) sizes.push(Math.min(size, left));
  return sizes;
}

/**
 * Lists like `readRepoFiles`, then hands each batch of read files to `onBatch` (in path order) as
 * it arrives. Resolves with the diagnostics `readRepoFiles` would have returned. Below `threshold`
 * files (starting the thread costs more than it saves) the files are read here, as one batch.
 */
export async function readRepoFilesInBatches(root: string, include: ((path: string) => boolean) | undefined, threshold: number, onBatch: (files: RepoFile[]) => void): Promise<Diagnostic[]> {
  const { paths, diagnostics } = listRepoFiles(root, include);
  if (paths.length < threshold) {
    const { files, diagnostics: unread } = readListedFiles(root, paths);
    onBatch(files);
    return [...diagnostics, ...unread];
  }
  // Loaded here: a small read (`validate --changed-since`) never starts a thread.
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(READER, { eval: true });
  const sizes = batchSizes(paths.length);
  return new Promise<Diagnostic[]>((resolve, reject) => {
    let batches = 0;
    const fail = (error: unknown) => {
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', ({ entries, buffer }: { entries: Entry[]; buffer: ArrayBuffer }) => {
      try {
        const files: RepoFile[] = [];
        for (const entry of entries) {
          if ('error' in entry) throw new Error(`could not read ${entry.path}: ${entry.error}`);
          if ('refused' in entry) diagnostics.push(changedWhileRead(entry.path));
          else files.push({ path: entry.path, bytes: new Uint8Array(buffer, entry.start, entry.end - entry.start) });
        }
        onBatch(files);
      } catch (error) {
        fail(error);
        return;
      }
      if (++batches === sizes.length) {
        void worker.terminate();
        resolve(diagnostics);
      }
    });
    worker.once('error', fail);
    worker.postMessage({ root, paths, sizes });
  });
}
