/**
 * The HR adapter: reads every configured source (files from the repo, SCIM over the network with
 * the token from the environment) and merges them. The caller must not compare when the result
 * has errors: a source or row that could not be read would make people look unknown to HR.
 */
import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sourceName, type HrConfig, type HrSourceConfig } from './config.js';
import { readCsvHr } from './csv-source.js';
import { readJsonHr } from './json-source.js';
import { mergeHrRecords } from './merge.js';
import type { HrReadResult } from './record.js';
import { readScimHr } from './scim-source.js';
import { HrSourceError } from './source-error.js';

export interface HrLoadOptions {
  /** Absolute path of the access repo checkout; file sources are relative to it. */
  repoRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

function sourceProblem(code: string, summary: string, hint: string, file?: string): HrReadResult {
  const diagnostic: Diagnostic = { severity: 'error', code, summary, hint };
  if (file) Object.assign(diagnostic, { file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 } });
  return { records: [], diagnostics: [diagnostic] };
}

async function readFileSource(source: Extract<HrSourceConfig, { path: string }>, repoRoot: string): Promise<HrReadResult> {
  let text: string;
  try {
    // Never through a symbolic link: hr/ holds regular files only (issue 9, finding 4).
    text = await readFile(join(repoRoot, source.path), { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      return sourceProblem('FILE_NOT_REGULAR', `HR source ${source.path} is a symbolic link; only regular files are read`, 'commit the export itself, not a link to it', source.path);
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return sourceProblem('HR_SOURCE_MISSING', `HR source ${source.path} does not exist`, 'commit the export, or fix `path` in the hr section of the policy', source.path);
    }
    throw new HrSourceError(`could not read HR source ${source.path}: ${(error as Error).message}`, 'check the file permissions in the checkout', { cause: error });
  }
  const name = { file: source.path, source: sourceName(source) };
  return source.kind === 'json' ? readJsonHr(text, name) : readCsvHr(text, name, source.columns);
}

async function readSource(source: HrSourceConfig, options: HrLoadOptions): Promise<HrReadResult> {
  if (source.kind !== 'scim') return readFileSource(source, options.repoRoot);
  const token = options.env[source.tokenEnv];
  if (!token) {
    return sourceProblem(
      'HR_SCIM_TOKEN_MISSING',
      `the SCIM token for ${sourceName(source)} is not set: $${source.tokenEnv} is empty`,
      `set ${source.tokenEnv} from a secret in the workflow that runs the HR check`,
    );
  }
  return readScimHr({
    url: source.url,
    token,
    tokenEnv: source.tokenEnv,
    source: sourceName(source),
    pageSize: source.pageSize,
    timeoutMs: source.timeoutSeconds === undefined ? undefined : source.timeoutSeconds * 1000,
    fetch: options.fetch,
  });
}

/** Reads the sources in policy order (one at a time, so later sources fill gaps predictably) and merges them. */
export async function loadHrRecords(config: HrConfig, options: HrLoadOptions): Promise<HrReadResult> {
  if (config.sources.length === 0) {
    return sourceProblem('HR_NO_SOURCES', 'the policy names no HR source', 'add `hr.sources` to the policy: a json or csv export, or a scim service');
  }
  const results: HrReadResult[] = [];
  for (const source of config.sources) results.push(await readSource(source, options));
  const merged = mergeHrRecords(results.flatMap((r) => r.records));
  return { records: merged.records, diagnostics: [...results.flatMap((r) => r.diagnostics), ...merged.diagnostics] };
}
