/**
 * `gitgrant init`: turns a repo made from the template into an organisation's access repo. Flags
 * for scripts; on a terminal, asks for what the flags did not give and for a confirmation.
 */
import { initOrganisation } from '../../app/init.js';
import { diskOrgFolder, UnsafePathError } from '../../adapters/fs/org-folder.js';
import { checkOrgAnswers, EPOCH_PATH, type OrgAnswers } from '../../core/policy/org-init.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';
import type { InitPrompter } from '../support/prompts.js';
import { printDiagnostics } from '../support/report.js';

export interface InitOptions extends OrgAnswers {
  repo?: string;
  now?: string;
  yes?: boolean;
}

/** Asks on a terminal; `check` returns a message for an answer it refuses. */

export async function initCommand(io: CliIo, options: InitOptions, prompter?: InitPrompter): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const ask = io.isTTY && prompter ? prompter : undefined;
  const answers: OrgAnswers = { ...options };
  if (ask) await askMissing(ask, answers);

  const missing = (['org', 'domain', 'owners'] as const).filter((key) => !answers[key]);
  if (missing.length > 0) {
    throw new UsageError(`${missing.map((m) => `--${m}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`, 'e.g. gitgrant init --org acme --domain acme.com --owners @acme/security --yes, or run it on a terminal to be asked');
  }
  const { setup, problems } = checkOrgAnswers(answers);
  if (!setup) {
    const [first, ...more] = problems;
    throw new UsageError(`${first!.flag}: ${first!.message}${more.map((p) => `; ${p.flag}: ${p.message}`).join('')}`, first!.hint);
  }
  if (!options.yes) {
    if (!ask) throw new UsageError('init rewrites policies/, roles/, grants/, hr/ and .github/CODEOWNERS: confirm with --yes', 'run it on a terminal to be asked, or add --yes');
    if (!(await ask.confirm(`Set up ${setup.org} in ${root} (the example organisation is left in examples/)?`, true))) {
      io.stdout('gitgrant init: nothing written\n');
      return EXIT.ok;
    }
  }

  let outcome;
  try {
    outcome = initOrganisation(diskOrgFolder(root), setup, now);
  } catch (error) {
    if (error instanceof UnsafePathError) throw new CommandFailure(error.message, 'replace the link with a plain folder, then run init again');
    throw error;
  }
  if (outcome.kind === 'refused') {
    io.stderr(`gitgrant init: ${outcome.message}\nhint: ${outcome.hint}\n`);
    return EXIT.findings;
  }
  if (outcome.kind === 'invalid') {
    printDiagnostics(io, outcome.diagnostics);
    throw new CommandFailure('the files init generated do not validate; nothing written', 'this is a bug in gitgrant init: please report it with the flags you gave');
  }
  if (outcome.removed.length > 0) io.stdout(`gitgrant init: removed the example organisation from the root (${outcome.removed.length} files; a copy stays in examples/example-org/)\n`);
  for (const path of outcome.written) io.stdout(`  wrote ${path}\n`);
  io.stdout(
    `gitgrant init: ${setup.org} is set up. Review the files and commit them together: that commit (it adds ${EPOCH_PATH}) ` +
      'starts the access history, and audit, access-at, anomalies and the dashboard read nothing before it. Then follow docs/setup.md.\n',
  );
  return EXIT.ok;
}

/** Asks for each missing answer, checking it as it is given; the first role is optional. */
async function askMissing(ask: InitPrompter, answers: OrgAnswers): Promise<void> {
  const checkOne = (key: keyof OrgAnswers) => (answer: string): string | true => {
    const { problems } = checkOrgAnswers({ ...answers, [key]: answer });
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const problem = problems.find((p) => p.flag === flag);
    return problem ? `${problem.message} (${problem.hint})` : true;
  };
  answers.org ||= await ask.input('GitHub organisation', checkOne('org'));
  answers.domain ||= await ask.input('Email domain of your people', checkOne('domain'));
  answers.owners ||= await ask.input('Policy owners (@org/team or @user, comma-separated)', checkOne('owners'), `@${answers.org}/security`);
  const roleGiven = [answers.role, answers.gcpTarget, answers.awsTarget].some(Boolean);
  if (!roleGiven && !(await ask.confirm('Add a first role now?', false))) return;
  answers.role ||= await ask.input('Role name (e.g. prod-db-readonly)', checkOne('role'));
  answers.roleDescription ||= await ask.input('What the role is for', checkOne('roleDescription'));
  if (!answers.gcpTarget && !answers.awsTarget) {
    const cloud = await ask.input('Cloud (gcp or aws)', (a) => (a === 'gcp' || a === 'aws' ? true : 'answer gcp or aws'), 'gcp');
    if (cloud === 'gcp') answers.gcpTarget = await ask.input('GCP target <resource>:<role> (e.g. projects/acme-prod:roles/viewer)', checkOne('gcpTarget'));
    else answers.awsTarget = await ask.input('AWS target <account>:<IAM role name>', checkOne('awsTarget'));
  }
}
