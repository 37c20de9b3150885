/**
 * The CLI entry: the one place that catches errors, maps them to exit codes (0 ok, 1 findings or
 * failures, 2 usage) and prints them.
 */
import { Command, CommanderError } from 'commander';
import { plainText } from '../render/escape.js';
import { applyCommand } from './commands/apply.js';
import { codeownersCommand } from './commands/codeowners.js';
import { explainCommand } from './commands/explain.js';
import { newGrantCommand } from './commands/new-grant.js';
import { planCommand } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import { inquirerPrompter } from './prompts.js';
import { CommandFailure, EXIT, processIo, UsageError, type CliIo } from './io.js';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('gitgrant')
    .description('Just-in-time privileged cloud access managed as code.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run gitgrant --help for usage)');
  const run = (action: () => number | Promise<number>) => async () => {
    exitCode = await action();
  };

  program
    .command('validate')
    .description('check every file against the schemas and the policy')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--now <time>', 'evaluate at this instant (RFC 3339) instead of the clock')
    .option('--json', 'print findings as JSON')
    .option('--changed-since <ref>', 'check only what changed since this git ref, and every cross-file rule it touches')
    .action((opts) => run(() => validateCommand(io, opts))());

  program
    .command('explain')
    .description('explain a grant: durations, approval requirement and why, cloud targets')
    .argument('<grant>', 'path of the grant file')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--now <time>', 'evaluate at this instant (RFC 3339)')
    .option('--author <login>', 'GitHub login of the requester (the PR author)')
    .option('--json', 'print as JSON')
    .action((grant, opts) => run(() => explainCommand(io, grant, opts))());

  program
    .command('codeowners')
    .description('generate .github/CODEOWNERS from the roles (--write) or check it is current (--check)')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--check', 'fail when the file differs from what the roles say')
    .option('--write', 'write the file')
    .action((opts) => run(() => codeownersCommand(io, opts))());

  program
    .command('new-grant')
    .description('write a well-formed grant file (asks for missing values on a terminal)')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--role <role>', 'the role to request')
    .option('--grantee <email>', 'who gets access')
    .option('--reason <text>', 'what you will do and why')
    .option('--ticket <key>', 'ticket or issue (INC-1234, #123)')
    .option('--duration <d>', 'how long (default: the role\'s default)')
    .option('--starts <time>', 'scheduled start (RFC 3339)')
    .option('--expires <time>', 'absolute end instead of --duration')
    .option('--name <file>', 'file name inside grants/<role>/')
    .option('--now <time>', 'evaluate at this instant')
    .option('--stdout', 'print the file instead of writing it')
    .action((opts) => run(() => newGrantCommand(io, opts, inquirerPrompter))());

  program
    .command('plan')
    .description('show the bindings to add, change and remove in AWS and GCP')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--now <time>', 'plan for this instant (RFC 3339)')
    .option('--offline', 'do not read the cloud: the intended bindings only (for PRs from forks)')
    .option('--json', 'print the plan as JSON')
    .option('--markdown', 'print the plan as Markdown')
    .option('--concurrency <n>', 'cloud reads in flight at once', '8')
    .action((opts) => run(() => planCommand(io, opts))());

  program
    .command('apply')
    .description('apply the plan to AWS and GCP')
    .option('--repo <dir>', 'the access repository', '.')
    .option('--now <time>', 'apply as of this instant (RFC 3339)')
    .option('--dry-run', 'plan and check the guards, change nothing')
    .option('--max-removals <n|p%>', 'stop before any change if the plan removes more bindings than this')
    .option('--concurrency <n>', 'targets changed at once', '8')
    .option('--yes', 'confirm applying outside CI')
    .action((opts) => run(() => applyCommand(io, opts))());

  try {
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
  if (error instanceof CommandFailure) {
    io.stderr(`gitgrant: ${plainText(error.message)}\n${error.hint ? `hint: ${plainText(error.hint)}\n` : ''}`);
    return EXIT.findings;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`gitgrant: unexpected error: ${plainText(message)}\nhint: this is a bug in gitgrant; please report it with the command you ran\n`);
  return EXIT.findings;
}
