/** Parsing of option values shared by several commands. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDuration } from '../../core/model/duration.js';
import { parseInstant } from '../../core/model/instant.js';
import type { Instant, Millis } from '../../core/model/types.js';
import { parseRemovalLimit, type RemovalLimit } from '../../core/plan/guards.js';
import { UsageError, type CliIo } from './io.js';

export function nowOption(io: CliIo, value: string | undefined): Instant {
  if (value === undefined) return io.now();
  const parsed = parseInstant(value);
  if (parsed === undefined) throw new UsageError(`--now ${value} is not a date and time with a zone`, 'write e.g. --now 2026-11-22T18:00:00Z');
  return parsed;
}

/** `--concurrency`: how many targets are read or changed at once (default 8). */
export function concurrencyOption(text: string | undefined): number {
  const value = Number(text ?? 8);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--concurrency ${text} is not a positive whole number`);
  return value;
}

/** `--max-removals`: a count or a percentage of the managed bindings; undefined when not given. */
export function removalLimitOption(text: string | undefined): RemovalLimit | undefined {
  if (text === undefined) return undefined;
  const limit = parseRemovalLimit(text);
  if (!limit) throw new UsageError(`--max-removals ${text} is not a count or a percentage`, 'write e.g. --max-removals 20 or --max-removals 10%');
  return limit;
}

export function instantOption(name: string, value: string): Instant {
  const parsed = parseInstant(value);
  if (parsed === undefined) throw new UsageError(`--${name} ${value} is not a date and time with a zone`, 'write e.g. 2026-11-22T18:00:00Z');
  return parsed;
}

export function durationOption(name: string, value: string): Millis {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new UsageError(`--${name} ${value} is not a duration`, 'write e.g. 30m, 4h, 2d or 1d12h');
  return parsed;
}

/**
 * The access repo's root: the nearest folder at or above `--repo` (default: the working directory)
 * that holds `policies/` or `roles/`, so gitgrant works from `grants/x/` as it does from the root.
 * With none, the folder itself (commands then say what is missing). A path that is not a folder is
 * a usage error, not a crash.
 */
export function repoOption(io: CliIo, value: string | undefined): string {
  const start = resolve(io.cwd, value ?? '.');
  if (!isFolder(start)) throw new UsageError(`--repo ${value ?? start} is not a folder`, "give the access repo's root folder, or run gitgrant inside the repo");
  for (let dir = start; ; dir = dirname(dir)) {
    if (isFolder(join(dir, 'policies')) || isFolder(join(dir, 'roles'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** `2026-11-01` (midnight UTC) or a full RFC 3339 instant. */
export function dayOrInstant(name: string, value: string | undefined): Instant | undefined {
  if (value === undefined) return undefined;
  const parsed = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (parsed === undefined) throw new UsageError(`--${name} ${value} is not a date`, 'write a day (2026-11-01) or an instant (2026-11-01T09:00:00Z)');
  return parsed;
}
