/** Runs the CLI in-process with captured output, a fixed clock and a controlled environment. */
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/support/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the trailing empty one. */
  lines: string[];
}

/** The clock a command would read if a test forgot `--now`: far from every example grant, so a forgotten flag shows. */
const UNUSED_CLOCK = Date.parse('2000-01-01T00:00:00Z');

export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string>; isTTY?: boolean }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    now: () => UNUSED_CLOCK,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, lines: stdout.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1) };
}
