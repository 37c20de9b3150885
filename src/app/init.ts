/**
 * `gitgrant init` as a use case: turns a checkout of the template into an organisation's access
 * repo. It removes the template's example organisation from the root (if an older template put it
 * there), writes the organisation's policies and first role, regenerates CODEOWNERS with the same
 * generator as `gitgrant codeowners`, and writes the epoch file whose commit starts the history.
 *
 * It never deletes an organisation's own data: a file under policies/, roles/, grants/ or hr/ is
 * removed only when it is byte for byte the example's copy in examples/example-org/; anything else
 * means the repo already holds an organisation, and init refuses before touching a file.
 */
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import { loadRepoFromFiles } from '../adapters/fs/load-repo.js';
import { CODEOWNERS_PATH, renderCodeowners } from '../core/policy/codeowners.js';
import { EPOCH_PATH, orgFiles, type OrgFolder, type OrgSetup } from '../core/policy/org-init.js';

export type { OrgFolder };
import type { Instant } from '../core/model/types.js';

export const EXAMPLE_ORG_DIR = 'examples/example-org';
/** Where an organisation's own data lives: init owns these paths in a fresh repo. */
export const ORG_DATA_FOLDERS = ['policies', 'roles', 'grants', 'hr'] as const;

export type InitOutcome =
  | { kind: 'done'; removed: string[]; written: string[] }
  | { kind: 'refused'; message: string; hint: string; paths: string[] }
  /** The generated files do not load: a bug in init, reported rather than written. */
  | { kind: 'invalid'; diagnostics: Diagnostic[] };

export function initOrganisation(folder: OrgFolder, setup: OrgSetup, now: Instant): InitOutcome {
  if (folder.read(EPOCH_PATH) !== undefined) {
    return { kind: 'refused', message: `this repo is already initialised (${EPOCH_PATH} exists)`, hint: 'init starts a new organisation once; edit policies/ and roles/ to change it', paths: [EPOCH_PATH] };
  }
  const example: string[] = [];
  const foreign: string[] = [];
  for (const dir of ORG_DATA_FOLDERS) {
    for (const entry of folder.entries(dir)) {
      const mine = entry.regular ? folder.read(entry.path) : undefined;
      const theirs = entry.regular ? folder.read(`${EXAMPLE_ORG_DIR}/${entry.path}`) : undefined;
      if (mine !== undefined && theirs !== undefined && sameBytes(mine, theirs)) example.push(entry.path);
      else foreign.push(entry.path);
    }
  }
  if (foreign.length > 0) {
    return {
      kind: 'refused',
      message: `this repo already holds access data that is not the example organisation's: ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}`,
      hint: 'init starts a new organisation in a repo made from the template; it never deletes an organisation\'s own files',
      paths: foreign,
    };
  }

  const files = orgFiles(setup, now);
  const loaded = loadRepoFromFiles(files.filter((f) => !f.path.startsWith('.')).map((f) => ({ path: f.path, bytes: new TextEncoder().encode(f.text) })));
  if (loaded.diagnostics.some((d) => d.severity === 'error')) return { kind: 'invalid', diagnostics: loaded.diagnostics };

  for (const path of example) folder.remove(path);
  const written = [...files, { path: CODEOWNERS_PATH, text: renderCodeowners(loaded.repo) }];
  for (const file of written) folder.write(file.path, file.text);
  return { kind: 'done', removed: example, written: written.map((f) => f.path).sort() };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
