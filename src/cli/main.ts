/**
 * The CLI entry: the one place that catches errors, maps them to exit codes (0 ok, 1 findings or
 * failures, 2 usage) and prints them.
 */
import { Command, CommanderError } from 'commander';
import { plainText } from '../core/render/escape.js';
import { loadActionsCore } from './support/actions.js';
import type { Run } from './support/command.js';
import { COMMANDS, READS_EVERY_COMMAND } from './commands/index.js';
import { GitError } from '../adapters/git/errors.js';
import { CommandFailure, EXIT, processIo, UsageError, type CliIo } from './support/io.js';
import { VERSION } from './support/version.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('gitgrant')
    .description('Just-in-time privileged cloud access managed as code.')
    .version(VERSION, '-V, --version', 'print the version of gitgrant')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run gitgrant --help for usage)');
  const run: Run = async (action) => {
    exitCode = await action();
  };

  // A run of one command declares that command alone (declaring all of them is a few milliseconds
  // of every run); help, an unknown name and the commands that read the others get them all.
  const named = argv[0];
  const only = named !== undefined && Object.hasOwn(COMMANDS, named) && !READS_EVERY_COMMAND.has(named) ? [named] : Object.keys(COMMANDS);
  for (const name of only) COMMANDS[name]!(program.command(name), io, run);

  try {
    if (io.env.GITHUB_ACTIONS === 'true') await loadActionsCore();
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(io, error);
  }
}

function report(io: CliIo, error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are successful exits; everything else commander rejects is usage.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.stderr(`gitgrant: ${plainText(error.message)}\n${error.hint ? `hint: ${plainText(error.hint)}\n` : ''}`);
    return EXIT.usage;
  }
  // git failed (src/adapters/git/run.ts): a failure outside the user's files, like CommandFailure.
  if (error instanceof CommandFailure || error instanceof GitError) {
    io.stderr(`gitgrant: ${plainText(error.message)}\n${error.hint ? `hint: ${plainText(error.hint)}\n` : ''}`);
    return EXIT.findings;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`gitgrant: unexpected error: ${plainText(message)}\nhint: this is a bug in gitgrant; please report it with the command you ran\n`);
  return EXIT.findings;
}
