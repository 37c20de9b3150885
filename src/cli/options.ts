/** Parsing of option values shared by several commands. */
import { resolve } from 'node:path';
import { parseDuration } from '../model/duration.js';
import { parseInstant } from '../model/instant.js';
import type { Instant, Millis } from '../model/types.js';
import { UsageError, type CliIo } from './io.js';

export function nowOption(io: CliIo, value: string | undefined): Instant {
  if (value === undefined) return io.now();
  const parsed = parseInstant(value);
  if (parsed === undefined) throw new UsageError(`--now ${value} is not a date and time with a zone`, 'write e.g. --now 2026-11-22T18:00:00Z');
  return parsed;
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

export function repoOption(io: CliIo, value: string | undefined): string {
  return resolve(io.cwd, value ?? '.');
}
