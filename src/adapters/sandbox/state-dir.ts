/**
 * Where a running sandbox leaves its environment for other shells: `<state dir>/env.sh` (the
 * export lines) and `<state dir>/sandbox.json` (its pid and endpoints), removed when it stops.
 * `gitgrant sandbox --print-env` reads the record and prints its environment again, quoted.
 *
 * The default folder is per repository under the system's temporary folder, which other users can
 * write to: it must be a real folder of ours that nobody else can enter, or it is refused (someone
 * who planted it could read the emulator's token or feed another shell its environment).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SandboxRecord {
  /** gitgrant's own process, which stops the emulators on SIGINT or SIGTERM. */
  pid: number;
  /** moto's python process, so a check can prove it is gone after the stop. */
  motoPid: number;
  repo: string;
  env: Record<string, string | undefined>;
}

export class StateDirProblem extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

export function defaultStateDir(repoRoot: string): string {
  return join(tmpdir(), `gitgrant-sandbox-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}`);
}

/** Makes (or checks) the folder: a directory, not a link, owned by this user, closed to others. */
export function prepareStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkStateDir(dir);
}

/**
 * The same checks before reading: what `--print-env` prints is eval'd by a shell, so it is read
 * only from a folder nobody else could have written.
 */
export function checkStateDir(dir: string): void {
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory()) throw new StateDirProblem(`${dir} is not a folder`, 'give another --state-dir');
  if (uid !== undefined && stat.uid !== uid) throw new StateDirProblem(`${dir} belongs to another user`, 'give a folder of your own with --state-dir');
  if ((stat.mode & 0o077) !== 0) throw new StateDirProblem(`${dir} can be read or entered by other users`, `run \`chmod 700 ${dir}\` or give another --state-dir`);
}

/** The sandbox recorded in `dir`, if its process is still running. */
export function runningSandbox(dir: string): SandboxRecord | undefined {
  const path = join(dir, 'sandbox.json');
  if (!existsSync(path)) return undefined;
  checkStateDir(dir);
  let record: SandboxRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as SandboxRecord;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(record.pid) || record.pid <= 0 || typeof record.env !== 'object' || record.env === null) return undefined;
  record.env = Object.fromEntries(Object.entries(record.env).map(([name, value]) => [name, typeof value === 'string' ? value : undefined]));
  try {
    process.kill(record.pid, 0);
    return record;
  } catch {
    // EPERM: the process exists but is not ours, so it is not the sandbox this user started.
    return undefined;
  }
}

export function writeSandboxRecord(dir: string, record: SandboxRecord, envScript: string): void {
  writePrivate(join(dir, 'env.sh'), envScript);
  // null for a variable to unset: JSON would drop an undefined.
  const env = Object.fromEntries(Object.entries(record.env).map(([name, value]) => [name, value ?? null]));
  writePrivate(join(dir, 'sandbox.json'), JSON.stringify({ ...record, env }, null, 2) + '\n');
}

export function removeSandboxRecord(dir: string): void {
  rmSync(join(dir, 'sandbox.json'), { force: true });
  rmSync(join(dir, 'env.sh'), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // Not empty: someone keeps other files there.
  }
}

function writePrivate(path: string, text: string): void {
  rmSync(path, { force: true });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
