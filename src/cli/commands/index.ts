/**
 * Every subcommand of the CLI. Implementations are imported when their command runs, so `validate`
 * does not pay for loading the cloud SDKs; adding a command is one declaration here.
 */
import type { CommandModule } from '../command.js';

const validate: CommandModule = (program, io, run) => {
  program
  .command('validate')
  .description('check every file against the schemas and the policy')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'evaluate at this instant (RFC 3339) instead of the clock')
  .option('--json', 'print findings as JSON')
  .option('--changed-since <ref>', 'check only what changed since this git ref, and every cross-file rule it touches')
  .action((opts) => run(async () => (await import('./validate.js')).validateCommand(io, opts)));
};

const explain: CommandModule = (program, io, run) => {
  program
  .command('explain')
  .description('explain a grant: durations, approval requirement and why, cloud targets')
  .argument('<grant>', 'path of the grant file')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'evaluate at this instant (RFC 3339)')
  .option('--author <login>', 'GitHub login of the requester (the PR author)')
  .option('--json', 'print as JSON')
  .action((grant, opts) => run(async () => (await import('./explain.js')).explainCommand(io, grant, opts)));
};

const codeowners: CommandModule = (program, io, run) => {
  program
  .command('codeowners')
  .description('generate .github/CODEOWNERS from the roles (--write) or check it is current (--check)')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--check', 'fail when the file differs from what the roles say')
  .option('--write', 'write the file')
  .action((opts) => run(async () => (await import('./codeowners.js')).codeownersCommand(io, opts)));
};

const newGrant: CommandModule = (program, io, run) => {
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
  .action((opts) => run(async () => (await import('./new-grant.js')).newGrantCommand(io, opts, (await import('../prompts.js')).inquirerPrompter)));
};

const plan: CommandModule = (program, io, run) => {
  program
  .command('plan')
  .description('show the bindings to add, change and remove in AWS and GCP')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'plan for this instant (RFC 3339)')
  .option('--offline', 'do not read the cloud: the intended bindings only (for PRs from forks)')
  .option('--json', 'print the plan as JSON')
  .option('--markdown', 'print the plan as Markdown')
  .option('--concurrency <n>', 'cloud reads in flight at once', '8')
  .action((opts) => run(async () => (await import('./plan.js')).planCommand(io, opts)));
};

const apply: CommandModule = (program, io, run) => {
  program
  .command('apply')
  .description('apply the plan to AWS and GCP')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'apply as of this instant (RFC 3339)')
  .option('--dry-run', 'plan and check the guards, change nothing')
  .option('--max-removals <n|p%>', 'stop before any change if the plan removes more bindings than this')
  .option('--concurrency <n>', 'targets changed at once', '8')
  .option('--yes', 'confirm applying outside CI')
  .action((opts) => run(async () => (await import('./apply.js')).applyCommand(io, opts)));
};

const expire: CommandModule = (program, io, run) => {
  program
  .command('expire')
  .description('revoke grants past their expiry (or whose ticket was closed) and delete their files in one commit')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'sweep as of this instant (RFC 3339)')
  .option('--dry-run', 'say what would be revoked; change nothing')
  .option('--json', 'print the result as JSON')
  .option('--concurrency <n>', 'targets changed at once', '8')
  .action((opts) => run(async () => (await import('./expire.js')).expireCommand(io, opts)));
};

const reconcile: CommandModule = (program, io, run) => {
  program
  .command('reconcile')
  .description('read every managed target: remove orphaned and expired bindings, report access outside gitgrant')
  .option('--repo <dir>', 'the access repository', '.')
  .option('--now <time>', 'reconcile as of this instant (RFC 3339)')
  .option('--dry-run', 'report only; remove nothing')
  .option('--json', 'print the findings as JSON')
  .option('--max-removals <n|p%>', 'stop before any removal if there are more than this')
  .option('--concurrency <n>', 'targets read and changed at once', '8')
  .action((opts) => run(async () => (await import('./reconcile.js')).reconcileCommand(io, opts)));
};

export const COMMANDS: CommandModule[] = [validate, explain, codeowners, newGrant, plan, apply, expire, reconcile];
