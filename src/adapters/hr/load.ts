/**
 * The HR adapter: reads every configured source (files from the repo, SCIM over the network with
 * the token from the environment) and merges them. The caller must not compare when the result
 * has errors: a source or row that could not be read would make people look unknown to HR.
 */
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { HrConfig, HrSourceConfig } from '../../core/model/policy-sections.js';
import { sourceName } from '../../core/hr/config.js';
import { readJsonHr } from './json-source.js';
import { mergeHrRecords } from '../../core/hr/merge.js';
import type { HrReadResult, HrRecord } from '../../core/hr/record.js';
import type { Email } from '../../core/model/types.js';
import { readScimHr } from './scim-source.js';
import { HrSourceError } from './source-error.js';

export interface HrLoadOptions {
  /** Absolute path of the access repo checkout; file sources are relative to it. */
  repoRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  /**
   * Reads a file source (repo-relative path) instead of the working tree, e.g. from the base commit
   * in the gate, so a pull request cannot edit the HR data it is judged by. Undefined: it does not exist.
   */
  readRepoFile?: (path: string) => Promise<string | undefined>;
  /**
   * Only these people's rows of the file sources are built and checked (a check at request time
   * of a few grants, in a 10,000-person export); a broken row of anyone else is not reported.
   */
  only?: ReadonlySet<Email>;
}

function sourceProblem(code: string, summary: string, hint: string, file?: string): HrReadResult {
  const diagnostic: Diagnostic = { severity: 'error', code, summary, hint };
  if (file) Object.assign(diagnostic, { file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 } });
  return { records: [], diagnostics: [diagnostic] };
}

async function readFileSource(source: Extract<HrSourceConfig, { path: string }>, options: HrLoadOptions): Promise<HrReadResult> {
  const missing = () => sourceProblem('HR_SOURCE_MISSING', `HR source ${source.path} does not exist`, 'commit the export, or fix `path` in the hr section of the policy', source.path);
  let text: string;
  try {
    if (options.readRepoFile) {
      const read = await options.readRepoFile(source.path);
      if (read === undefined) return missing();
      text = read;
    } else {
      // Never through a symbolic link: hr/ holds regular files only (issue 9, finding 4). Read in one
      // call: the promise API reads a large export in 512 KiB rounds and decodes it piece by piece.
      const fd = openSync(join(options.repoRoot, source.path), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      return sourceProblem('FILE_NOT_REGULAR', `HR source ${source.path} is a symbolic link; only regular files are read`, 'commit the export itself, not a link to it', source.path);
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return missing();
    throw new HrSourceError(`could not read HR source ${source.path}: ${(error as Error).message}`, 'check the file permissions in the checkout', { cause: error });
  }
  const name = { file: source.path, source: sourceName(source) };
  if (source.kind === 'json') return readJsonHr(text, name, options.only);
  // The CSV parser (31 KB of the bundle) is loaded only for CSV sources: every CLI start pays for what it loads.
  const { readCsvHr } = await import('./csv-source.js');
  return readCsvHr(text, name, source.columns, options.only);
}

async function readSource(source: HrSourceConfig, options: HrLoadOptions): Promise<HrReadResult> {
  if (source.kind !== 'scim') return readFileSource(source, options);
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

/** HR as far as it can be read here, for the checks at request time (see at-request.ts). */
export interface HrForRequest {
  records: HrRecord[];
  read: string[];
  unread: string[];
  /** Read problems (errors mean someone missing may be missing because of them) and notices about sources not read. */
  diagnostics: Diagnostic[];
}

/**
 * Reads every source that can be read here. A SCIM source whose token is not in the environment
 * (a pull request check has no secrets) is skipped with a notice instead of an error: the caller
 * must then not claim that someone missing is unknown to HR. Undefined when no source is configured.
 */
export async function loadHrForRequest(config: HrConfig, options: HrLoadOptions): Promise<HrForRequest | undefined> {
  if (config.sources.length === 0) return undefined;
  const results: HrReadResult[] = [];
  const read: string[] = [];
  const unread: string[] = [];
  const notices: Diagnostic[] = [];
  for (const source of config.sources) {
    if (source.kind === 'scim' && !options.env[source.tokenEnv]) {
      unread.push(sourceName(source));
      notices.push({
        severity: 'notice',
        code: 'HR_SOURCE_NOT_READ',
        summary: `HR source ${sourceName(source)} was not read here ($${source.tokenEnv} is not set)`,
        hint: 'grants are checked against the other HR sources here; give the gate job the token to check this one too (the pull request check never has secrets)',
      });
      continue;
    }
    read.push(sourceName(source));
    results.push(await readSource(source, options));
  }
  const merged = mergeHrRecords(results.flatMap((r) => r.records));
  return { records: merged.records, read, unread, diagnostics: [...results.flatMap((r) => r.diagnostics), ...merged.diagnostics, ...notices] };
}
