/** The CLI's window on the world: the only place argv, env, stdout, stderr and the clock are read. */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTTY: boolean;
  /** Wall-clock time; commands take `--now` to override it. */
  now(): number;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    // Asked when a command needs it: touching process.stdin opens a stream that most commands never read.
    get isTTY() {
      return Boolean(process.stdin.isTTY && process.stdout.isTTY);
    },
    now: () => Date.now(),
  };
}

/** With `--json`, stdout carries the JSON alone: whatever else a command prints goes to stderr. */
export function besideJson(io: CliIo, json: boolean | undefined): CliIo {
  return json ? { ...io, stdout: io.stderr } : io;
}

/** Defined with the use cases (app/errors.ts), which stop with them too; mapped to exit codes in main.ts. */
export { CommandFailure, UsageError } from '../../app/errors.js';

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
