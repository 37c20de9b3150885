/**
 * Every subcommand of the CLI. Implementations are imported when their command runs, so `validate`
 * does not pay for loading the cloud SDKs; adding a command is one declaration here.
 */
import { Option, type Command } from 'commander';
import type { CommandModule } from '../support/command.js';

/** The options of every command that plans: which part of the cloud it covers. Declared once. */
function scopeOptions(command: Command): Command {
  return command
  .option('--provider <aws|gcp>', 'only the targets of this cloud')
  .option('--target <id>', 'only this target, as plans name it (e.g. gcp:projects/acme-prod, aws:iam:123456789012)');
}

/** `--repo`, declared once; some commands say more about the checkout they need. */
function repoFlag(what = 'the access repository'): Option {
  return new Option('--repo <dir>', what).default('.');
}

/** `--concurrency`, declared once: how many targets a command works on at the same time. */
function concurrencyFlag(what: string): Option {
  return new Option('--concurrency <n>', what).default('8');
}

/** The removal guard of every command that applies. */
const MAX_REMOVALS = ['--max-removals <n|p%>', 'stop before any change if the plan removes more bindings than this'] as const;

const validate: CommandModule = (command, io, run) => {
  command
  .description('check every file against the schemas and the policy')
  .addOption(repoFlag())
  .option('--now <time>', 'evaluate at this instant (RFC 3339) instead of the clock')
  .option('--json', 'print findings as JSON')
  .option('--changed-since <ref>', 'check only what changed since this git ref, and every cross-file rule it touches')
  .action((opts) => run(async () => (await import('./validate.js')).validateCommand(io, opts)));
};

const explain: CommandModule = (command, io, run) => {
  command
  .description('explain a grant: durations, approval requirement and why, cloud targets')
  .argument('<grant>', 'path of the grant file')
  .addOption(repoFlag())
  .option('--now <time>', 'evaluate at this instant (RFC 3339)')
  .option('--author <login>', 'GitHub login of the requester (the PR author)')
  .option('--json', 'print as JSON')
  .action((grant, opts) => run(async () => (await import('./explain.js')).explainCommand(io, grant, opts)));
};

const list: CommandModule = (command, io, run) => {
  command
  .description('who holds what: active and scheduled grants on this checkout, soonest expiry first')
  .addOption(repoFlag())
  .option('--now <time>', 'evaluate at this instant (RFC 3339) instead of the clock')
  .option('--role <role>', 'only this role')
  .option('--grantee <email>', 'only this person')
  .option('--state <states>', 'active, scheduled, expired (not yet swept), comma-separated; default active,scheduled')
  .option('--json', 'print as JSON')
  .action((opts) => run(async () => (await import('./list.js')).listCommand(io, opts)));
};

const codeowners: CommandModule = (command, io, run) => {
  command
  .description('generate .github/CODEOWNERS from the roles (--write) or check it is current (--check)')
  .addOption(repoFlag())
  .option('--check', 'fail when the file differs from what the roles say')
  .option('--write', 'write the file')
  .action((opts) => run(async () => (await import('./codeowners.js')).codeownersCommand(io, opts)));
};

const init: CommandModule = (command, io, run) => {
  command
  .description('turn a repo made from the template into your organisation\'s access repo (asks on a terminal)')
  .addOption(repoFlag())
  .option('--org <name>', 'your GitHub organisation, e.g. acme')
  .option('--domain <domain>', 'the email domain of your people, e.g. acme.com')
  .option('--owners <handles>', 'who approves roles, policies and code: @org/team or @user, comma-separated')
  .option('--role <name>', 'optional first role, e.g. prod-db-readonly')
  .option('--role-description <text>', 'what the first role is for')
  .option('--role-owners <handles>', 'who approves the first role\'s grants (default: --owners)')
  .option('--gcp-target <resource:role>', 'the first role\'s GCP target, e.g. projects/acme-prod:roles/viewer')
  .option('--aws-target <account:role>', 'the first role\'s AWS target (iam strategy), e.g. 123456789012:ProdReadOnly')
  .option('--now <time>', 'record this instant (RFC 3339) as the start instead of the clock')
  .option('--yes', 'do not ask for confirmation (needed when not on a terminal)')
  .action((opts) => run(async () => (await import('./init.js')).initCommand(io, opts, (await import('../support/prompts.js')).inquirerInitPrompter)));
};

const newGrant: CommandModule = (command, io, run) => {
  command
  .description('write a well-formed grant file (asks for missing values on a terminal)')
  .addOption(repoFlag())
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
  .action((opts) => run(async () => (await import('./new-grant.js')).newGrantCommand(io, opts, (await import('../support/prompts.js')).inquirerPrompter)));
};

const plan: CommandModule = (command, io, run) => {
  command
  .description('show the bindings to add, change and remove in AWS and GCP')
  .addOption(repoFlag())
  .option('--now <time>', 'plan for this instant (RFC 3339)')
  .option('--offline', 'do not read the cloud: the intended bindings only (for PRs from forks)')
  .option('--json', 'print the plan as JSON')
  .option('--markdown', 'print the plan as Markdown')
  .addOption(concurrencyFlag('cloud reads in flight at once'));
  scopeOptions(command).action((opts) => run(async () => (await import('./plan.js')).planCommand(io, opts)));
};

const apply: CommandModule = (command, io, run) => {
  command
  .description('apply the plan to AWS and GCP')
  .addOption(repoFlag())
  .option('--now <time>', 'apply as of this instant (RFC 3339)')
  .option('--dry-run', 'plan and check the guards, change nothing')
  .option(...MAX_REMOVALS)
  .addOption(concurrencyFlag('targets changed at once'))
  .option('--yes', 'confirm applying outside CI');
  scopeOptions(command).action((opts) => run(async () => (await import('./apply.js')).applyCommand(io, opts)));
};

const expire: CommandModule = (command, io, run) => {
  command
  .description('revoke grants past their expiry (or whose ticket was closed) and delete their files in one commit')
  .addOption(repoFlag())
  .option('--now <time>', 'sweep as of this instant (RFC 3339)')
  .option('--dry-run', 'say what would be revoked; change nothing')
  .option('--json', 'print the result as JSON')
  .addOption(concurrencyFlag('targets changed at once'))
  .action((opts) => run(async () => (await import('./expire.js')).expireCommand(io, opts)));
};

const reconcile: CommandModule = (command, io, run) => {
  command
  .description('read every managed target: remove orphaned and expired bindings, report access outside gitgrant')
  .addOption(repoFlag())
  .option('--now <time>', 'reconcile as of this instant (RFC 3339)')
  .option('--dry-run', 'report only; remove nothing')
  .option('--json', 'print the findings as JSON')
  .option('--max-removals <n|p%>', 'stop before any removal if there are more than this')
  .addOption(concurrencyFlag('targets read and changed at once'))
  .action((opts) => run(async () => (await import('./reconcile.js')).reconcileCommand(io, opts)));
};

const verify: CommandModule = (command, io, run) => {
  command
  .description('prove that access ended: read back the cloud for every grant that ended in the window and evaluate it')
  .addOption(repoFlag())
  .option('--now <time>', 'verify as of this instant (RFC 3339)')
  .option('--since <time>', 'start of the window (default: the end of the last recorded run, else 24 hours back)')
  .option('--record', 'write the evidence to evidence/verify/ and commit it')
  .option('--json', 'print the evidence as JSON')
  .option('--markdown', 'print the evidence as Markdown')
  .action((opts) => run(async () => (await import('./verify.js')).verifyCommand(io, opts)));
};

const gate: CommandModule = (command, io, run) => {
  command
  .description('the required PR check: every added or changed grant has fresh approvals from the right people')
  .option('--pr <number>', 'the pull request number (found from --head-sha when left out)')
  .addOption(repoFlag('the checkout of the pull request; with --head-sha, the trusted checkout of main'))
  .option('--base-ref <ref>', 'judge with roles/ and policies/ as of this commit (the PR base), grants as in the PR')
  .option('--head-sha <sha>', 'judge this PR head, read from git objects fetched into --repo and never checked out')
  .option('--head-repo <owner/name>', 'with --head-sha: the repository the head was pushed to (a fork, or this one)')
  .option('--post-check', 'post the verdict as the "gitgrant gate" check run on the judged commit (GitHub App token)')
  .option('--now <time>', 'judge at this instant (RFC 3339)')
  .action((opts) => run(async () => (await import('./gate.js')).gateCommand(io, opts)));
};

const comment: CommandModule = (command, io, run) => {
  command
  .description('create or update the one gitgrant comment on a PR: findings, approvals, offline plan')
  .option('--pr <number>', 'the pull request number (found from --head-sha when left out)')
  .addOption(repoFlag('the checkout of the pull request; with --head-sha, the trusted checkout of main'))
  .option('--base-ref <ref>', 'judge approvals with roles/ and policies/ as of this commit')
  .option('--head-sha <sha>', 'comment on this PR head, read from git objects fetched into --repo and never checked out')
  .option('--head-repo <owner/name>', 'with --head-sha: the repository the head was pushed to (a fork, or this one)')
  .option('--now <time>', 'judge at this instant (RFC 3339)')
  .action((opts) => run(async () => (await import('./comment.js')).commentCommand(io, opts)));
};

const breakGlass: CommandModule = (command, io, run) => {
  command
  .description('grant a role at once during an incident: checks, commits, applies, notifies, opens the review issue')
  .requiredOption('--role <role>', 'the role to grant')
  .requiredOption('--duration <d>', 'how long (capped by the role and the policy)')
  .requiredOption('--reason <text>', 'what you are doing and why it cannot wait')
  .requiredOption('--incident <ref>', 'the incident, e.g. INC-4321')
  .requiredOption('--actor <login>', 'GitHub login of the person breaking glass')
  .addOption(repoFlag())
  .option('--now <time>', 'as of this instant (RFC 3339)')
  .option('--no-apply', 'commit only; the apply workflow lands it')
  .option(MAX_REMOVALS[0], `${MAX_REMOVALS[1]} (the apply it runs; default 10%, as the apply workflow)`)
  .option('--dry-run', 'check, and print the grant it would commit and the plan it would apply; change nothing')
  .action((opts) => run(async () => (await import('./break-glass.js')).breakGlassCommand(io, opts)));
};

const request: CommandModule = (command, io, run) => {
  command
  .description('request access: write the grant, push a branch and open the pull request')
  .option('--role <role>', 'the role to request')
  .option('--duration <d>', 'how long (default: the role\'s default)')
  .option('--starts <time>', 'scheduled start (RFC 3339)')
  .option('--reason <text>', 'what you will do and why')
  .option('--ticket <key>', 'ticket or issue (INC-1234, #123)')
  .option('--grantee <email>', 'who gets access (default: git config user.email)')
  .option('--from-issue <number>', 'take the request from an access-request issue form; the grantee is its author')
  .option('--base <branch>', 'the branch the pull request targets', 'main')
  .addOption(repoFlag())
  .option('--now <time>', 'as of this instant (RFC 3339)')
  .option('--dry-run', 'print the grant file and the pull request; write, push and open nothing')
  .action((opts) => run(async () => (await import('./request.js')).requestCommand(io, opts)));
};

const revoke: CommandModule = (command, io, run) => {
  command
  .description('end a grant early: delete its file in a pull request (no approval needed), or only in the checkout with --no-pr')
  .argument('<grant>', 'the grant: its path, the end of its path, or its file name')
  .option('--reason <text>', 'why, for the pull request and the record')
  .option('--no-pr', 'only delete the file in the checkout')
  .option('--base <branch>', 'the branch the pull request targets', 'main')
  .addOption(repoFlag())
  .option('--now <time>', 'as of this instant (RFC 3339)')
  .action((grant, opts) => run(async () => (await import('./change-grant.js')).revokeCommand(io, grant, opts)));
};

const extend: CommandModule = (command, io, run) => {
  command
  .description("move a grant's expiry later in a pull request (fresh approval needed), or only in the checkout with --no-pr")
  .argument('<grant>', 'the grant: its path, the end of its path, or its file name')
  .requiredOption('--by <duration>', 'how much longer, e.g. 2h')
  .option('--reason <text>', 'why, for the pull request')
  .option('--no-pr', 'only rewrite the file in the checkout')
  .option('--base <branch>', 'the branch the pull request targets', 'main')
  .addOption(repoFlag())
  .option('--now <time>', 'as of this instant (RFC 3339)')
  .action((grant, opts) => run(async () => (await import('./change-grant.js')).extendCommand(io, grant, opts.by, opts)));
};

const hrCheck: CommandModule = (command, io, run) => {
  command
  .description('compare holders with HR: revoke leavers, report the rest, open or update the standing-access PR')
  .addOption(repoFlag())
  .option('--now <time>', 'compare as of this instant (RFC 3339)')
  .option('--dry-run', 'report only; revoke nothing, push nothing')
  .option('--json', 'print the findings as JSON')
  .addOption(concurrencyFlag('targets changed at once'))
  .action((opts) => run(async () => (await import('./hr-check.js')).hrCheckCommand(io, opts)));
};

const audit: CommandModule = (command, io, run) => {
  command
  .description('the evidence report from git history: every grant\'s lifecycle, organised by control')
  .addOption(repoFlag('the access repository (a git checkout with full history)'))
  .option('--since <date>', 'from this day or instant')
  .option('--until <date>', 'up to (not including) this day or instant')
  .option('--format <text|md|csv|json>', 'output format (default: text in a terminal, md when piped)')
  .action((opts) => run(async () => (await import('./audit.js')).auditCommand(io, opts)));
};

const accessAt: CommandModule = (command, io, run) => {
  command
  .description('who could do what at an instant, in both clouds, from git history alone')
  .argument('<time>', 'the instant (RFC 3339) or day')
  .addOption(repoFlag('the access repository (a git checkout with full history)'))
  .option('--grantee <email>', 'only this person')
  .option('--role <role>', 'only this role')
  .option('--json', 'print as JSON')
  .action((time, opts) => run(async () => (await import('./access-at.js')).accessAtCommand(io, time, opts)));
};

const dashboard: CommandModule = (command, io, run) => {
  command
  .description('write the static audit dashboard (one self-contained HTML page) from git history')
  .requiredOption('--out <dir>', 'folder to write index.html into')
  .addOption(repoFlag('the access repository (a git checkout with full history)'))
  .option('--now <time>', 'what "now" is for active grants (RFC 3339)')
  .action((opts) => run(async () => (await import('./dashboard.js')).dashboardCommand(io, opts)));
};

const anomalies: CommandModule = (command, io, run) => {
  command
  .description('anomaly rules over the grant history: repeated use, break-glass, approver concentration, off-hours starts')
  .addOption(repoFlag())
  .option('--now <time>', 'evaluate as of this instant (RFC 3339)')
  .option('--json', 'print the findings as JSON')
  .action((opts) => run(async () => (await import('./anomalies.js')).anomaliesCommand(io, opts)));
};

const docs: CommandModule = (command, io, run) => {
  command
  .description('render the access procedure and the questionnaire answer from this repo\'s configuration')
  .addOption(repoFlag())
  .option('--out <dir>', 'write access-procedure.md and questionnaire-answer.md here instead of printing')
  .action((opts) => run(async () => (await import('./docs.js')).docsCommand(io, opts)));
};

const exceptions: CommandModule = (command, io, run) => {
  command
  .description('run reconcile, hr-check, anomalies and overdue expiries in report mode; keep one GitHub issue per finding')
  .addOption(repoFlag())
  .option('--now <time>', 'evaluate as of this instant (RFC 3339)')
  .option('--dry-run', 'print the findings; touch no issue')
  .option('--json', 'print the findings and issue changes as JSON')
  .addOption(concurrencyFlag('targets read at once'))
  .action((opts) => run(async () => (await import('./exceptions.js')).exceptionsCommand(io, opts)));
};

const report: CommandModule = (command, io, run) => {
  command
  .description('the monthly exception report: HR validation, anomalies and remediation, as Markdown and CSV')
  .addOption(repoFlag())
  .option('--now <time>', 'report as of this instant (RFC 3339)')
  .option('--monthly', 'the monthly exception report')
  .option('--month <yyyy-mm>', 'the month to report (default: the previous month)')
  .option('--out <dir>', 'write exceptions-<month>.md and .csv here instead of printing the Markdown')
  .action((opts) => run(async () => (await import('./report-monthly.js')).reportCommand(io, opts)));
};

const rejudge: CommandModule = (command, io, run) => {
  command
  .description('before apply: judge again the PRs that landed since a commit, and take back (delete, in one commit) the grants whose approval did not hold')
  .option('--since <sha>', 'main before the push (default: judge HEAD alone)')
  .addOption(repoFlag('the access repository (a full git checkout of main)'))
  .option('--now <time>', 'the instant written as Revoked-At (RFC 3339)')
  .option('--dry-run', 'judge and say what would be taken back; commit nothing')
  .action((opts) => run(async () => (await import('./rejudge.js')).rejudgeCommand(io, opts)));
};

const recordApprovals: CommandModule = (command, io, run) => {
  command
  .description('after a PR landed: record who approved it: with --record-on, a commit on main under approvals/ (the record the audit counts), and a git note copy on the landed commit (refs/notes/gitgrant)')
  .requiredOption('--commit <sha>', 'the commit that landed on main (checked out)')
  .option('--pr <number>', 'the pull request that landed it (default: asked from GitHub)')
  .option('--record-on <ref>', 'also commit the record on top of main as fetched (e.g. origin/main), as the automation, to the local branch gitgrant-approval-record for the workflow to push to main: the audit counts only that record')
  .addOption(repoFlag('the access repository (a git checkout at that commit)'))
  .action((opts) => run(async () => (await import('./record-approvals.js')).recordApprovalsCommand(io, opts)));
};

const sandbox: CommandModule = (command, io, run) => {
  command
  .description('run AWS (moto) and GCP IAM emulators on loopback, seeded from this repo\'s roles, until Ctrl-C; prints the environment to export')
  .addOption(repoFlag())
  .option('--print-env', 'print the environment of the sandbox running for this repo, for eval "$(gitgrant sandbox --print-env)"')
  .option('--port <n>', 'AWS endpoint on this loopback port, GCP on the next (default: free ports)')
  .option('--state-dir <dir>', 'where the running sandbox writes env.sh for --print-env (default: a private folder per repo under the temporary folder)')
  .option('--python <path>', 'the python that has moto installed', 'python3')
  .action((opts) => run(async () => (await import('./sandbox.js')).sandboxCommand(io, opts)));
};

const completion: CommandModule = (command, io, run) => {
  command
  .description('print a shell completion script (bash, zsh or fish)')
  .argument('<shell>', 'bash, zsh or fish')
  .action((shell: string) =>
    run(async () => {
      const { completionScript, SHELLS } = await import('../support/completion.js');
      const { UsageError, EXIT } = await import('../support/io.js');
      const chosen = SHELLS.find((s) => s === shell);
      if (!chosen) throw new UsageError(`no completion for ${shell}`, `choose one of ${SHELLS.join(', ')}`);
      const commands = command.parent!.commands.map((c) => ({ name: c.name(), options: c.options.map((o) => o.long).filter((o): o is string => o !== undefined) }));
      io.stdout(completionScript(chosen, commands));
      return EXIT.ok;
    }));
};

/** Every command by its name, in the order `--help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandModule>> = { init, validate, explain, list, codeowners, 'new-grant': newGrant, plan, apply, expire, reconcile, verify, gate, comment, 'break-glass': breakGlass, request, revoke, extend, 'hr-check': hrCheck, audit, 'access-at': accessAt, dashboard, anomalies, docs, exceptions, report, rejudge, 'record-approvals': recordApprovals, sandbox, completion };

/** Commands that read the other commands' declarations: the whole program is declared for them. */
export const READS_EVERY_COMMAND: ReadonlySet<string> = new Set(['completion']);
