/**
 * What `gitgrant init` writes for a new organisation, as plain data: the checked answers and the
 * files they become. Pure: no file system, no clock (the instant is a parameter).
 *
 * Every answer ends up in YAML files and in .github/CODEOWNERS, so each is checked against a
 * strict pattern before anything is rendered (a newline or a `#` in an owner would add a
 * CODEOWNERS rule; a quote in a domain would add a YAML key). Free text (a role's description) is
 * one printable line, written as a double-quoted scalar.
 */
import { formatInstant } from '../model/instant.js';
import type { Instant } from '../model/types.js';
import { ROLE_NAME_PATTERN } from '../model/assemble.js';

/**
 * The file whose first addition on main's first-parent line starts the access history: audit,
 * access-at, anomalies and the dashboard read nothing before that commit (the template's own
 * history, with its example organisation). Later edits do not move it.
 */
export const EPOCH_PATH = '.gitgrant/epoch.yaml';

export interface OrgAnswers {
  org?: string;
  domain?: string;
  /** Comma- or space-separated `@org/team` or `@user` handles. */
  owners?: string;
  role?: string;
  roleDescription?: string;
  roleOwners?: string;
  /** `<resource>:<role>`, e.g. `projects/acme-prod:roles/viewer`. */
  gcpTarget?: string;
  /** `<account>:<role name>`, e.g. `123456789012:ProdReadOnly` (the iam strategy). */
  awsTarget?: string;
}

export type FirstRoleTarget =
  | { kind: 'gcp'; resource: string; role: string }
  | { kind: 'aws'; account: string; roleName: string };

export interface FirstRole {
  name: string;
  description: string;
  owners: string[];
  targets: FirstRoleTarget[];
}

export interface OrgSetup {
  org: string;
  domain: string;
  owners: string[];
  role?: FirstRole;
}

export interface AnswerProblem {
  /** The flag the answer came from, e.g. `--domain`. */
  flag: string;
  message: string;
  hint: string;
}

// GitHub's rules: an organisation or user login is letters, digits and single inner dashes, at most 39.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM_SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const GCP_RESOURCE = /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]|folders\/\d{1,20}|organizations\/\d{1,20})$/;
const GCP_ROLE = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[A-Za-z0-9_.-]+\/roles\/[A-Za-z0-9_.]+)$/;
const AWS_ACCOUNT = /^\d{12}$/;
const AWS_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** One line of printable text: no control characters, no line or paragraph separators. */
const ONE_LINE = /^[^\p{Cc}\u2028\u2029]{10,300}$/u;

export const REQUIRED_ANSWERS = ['org', 'domain', 'owners'] as const;

/** Checks every answer; returns the setup only when all are good, and every problem otherwise. */
export function checkOrgAnswers(answers: OrgAnswers): { setup?: OrgSetup; problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const org = answers.org?.trim() ?? '';
  if (!LOGIN.test(org)) {
    problems.push({ flag: '--org', message: `${show(answers.org)} is not a GitHub organisation name`, hint: 'letters, digits and single dashes, at most 39, e.g. --org acme' });
  }
  const domain = (answers.domain ?? '').trim().toLowerCase();
  if (!DOMAIN.test(domain)) {
    problems.push({ flag: '--domain', message: `${show(answers.domain)} is not an email domain`, hint: 'the part after @ in your people\'s addresses, e.g. --domain acme.com' });
  }
  const owners = checkHandles('--owners', answers.owners, org, problems);
  let role: FirstRole | undefined;
  const wantsRole = [answers.role, answers.roleDescription, answers.roleOwners, answers.gcpTarget, answers.awsTarget].some((v) => v !== undefined && v !== '');
  if (wantsRole) role = checkRole(answers, org, owners, problems);
  if (problems.length > 0) return { problems };
  return { setup: { org, domain, owners, ...(role ? { role } : {}) }, problems };
}

function checkHandles(flag: string, text: string | undefined, org: string, problems: AnswerProblem[]): string[] {
  const handles = (text ?? '').split(/[\s,]+/).filter(Boolean);
  if (handles.length === 0) {
    problems.push({ flag, message: 'no owners given', hint: `give the team or people who approve changes to roles and policies, e.g. ${flag} @${org || 'acme'}/security` });
    return [];
  }
  const good: string[] = [];
  for (const handle of handles) {
    const [login, team, ...rest] = handle.startsWith('@') ? handle.slice(1).split('/') : [];
    if (login === undefined || !LOGIN.test(login) || rest.length > 0 || (team !== undefined && !TEAM_SLUG.test(team))) {
      problems.push({ flag, message: `${show(handle)} is not a GitHub team or user`, hint: 'write @org/team or @user' });
    } else if (team !== undefined && login.toLowerCase() !== org.toLowerCase()) {
      // GitHub ignores a CODEOWNERS team of another organisation: nobody could approve.
      problems.push({ flag, message: `${handle} is a team of ${login}, not of ${org || 'the organisation'}`, hint: `CODEOWNERS teams must belong to the repository's organisation: @${org || 'org'}/${team}` });
    } else if (!good.some((g) => g.toLowerCase() === handle.toLowerCase())) {
      good.push(handle);
    }
  }
  return good;
}

function checkRole(answers: OrgAnswers, org: string, policyOwners: string[], problems: AnswerProblem[]): FirstRole | undefined {
  const before = problems.length;
  const name = answers.role?.trim() ?? '';
  if (!ROLE_NAME_PATTERN.test(name)) {
    problems.push({ flag: '--role', message: `${show(answers.role)} is not a role name`, hint: 'lower-case letters, digits and dashes, e.g. --role prod-db-readonly' });
  }
  const description = answers.roleDescription?.trim() ?? '';
  if (!ONE_LINE.test(description)) {
    problems.push({ flag: '--role-description', message: description ? 'the description must be one line of 10 to 300 printable characters' : 'the first role needs a description', hint: 'say what the access is for, e.g. --role-description "Read-only access to the production database"' });
  }
  const owners = answers.roleOwners ? checkHandles('--role-owners', answers.roleOwners, org, problems) : policyOwners;
  const targets: FirstRoleTarget[] = [];
  if (answers.gcpTarget) {
    const [resource = '', role = ''] = splitOnce(answers.gcpTarget.trim(), ':');
    if (GCP_RESOURCE.test(resource) && GCP_ROLE.test(role)) targets.push({ kind: 'gcp', resource, role });
    else problems.push({ flag: '--gcp-target', message: `${show(answers.gcpTarget)} is not <resource>:<role>`, hint: 'e.g. --gcp-target projects/acme-prod:roles/viewer (or folders/123, organizations/123)' });
  }
  if (answers.awsTarget) {
    const [account = '', roleName = ''] = splitOnce(answers.awsTarget.trim(), ':');
    if (AWS_ACCOUNT.test(account) && AWS_ROLE_NAME.test(roleName)) targets.push({ kind: 'aws', account, roleName });
    else problems.push({ flag: '--aws-target', message: `${show(answers.awsTarget)} is not <account>:<IAM role name>`, hint: 'e.g. --aws-target 123456789012:ProdDbReadOnly' });
  }
  if (!answers.gcpTarget && !answers.awsTarget) {
    problems.push({ flag: '--role', message: 'the first role needs a cloud target', hint: 'add --gcp-target <resource>:<role> or --aws-target <account>:<IAM role name>, or leave out --role' });
  }
  return problems.length === before ? { name, description, owners, targets } : undefined;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** An answer as a message shows it: quoted, control characters escaped, cut short. */
function show(value: string | undefined): string {
  if (value === undefined || value === '') return '(nothing)';
  const short = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(short);
}

/** A checked string as a YAML double-quoted scalar (JSON's escapes are YAML's). */
const quoted = (text: string): string => JSON.stringify(text);
const handles = (list: readonly string[]): string => `[${list.map((h) => `'${h}'`).join(', ')}]`;

export interface OrgFile {
  path: string;
  text: string;
}

/** The policies, the first role (if any) and the epoch marker for a new organisation. */
export function orgFiles(setup: OrgSetup, at: Instant): OrgFile[] {
  const files: OrgFile[] = [
    { path: 'policies/access.yaml', text: accessPolicy(setup) },
    { path: 'policies/identities.yaml', text: identitiesPolicy(setup) },
    { path: 'policies/automation.yaml', text: AUTOMATION_POLICY },
  ];
  if (setup.role?.targets.some((t) => t.kind === 'aws')) files.push({ path: 'policies/aws.yaml', text: AWS_POLICY });
  if (setup.role) files.push({ path: `roles/${setup.role.name}.yaml`, text: roleFile(setup.role) });
  files.push({ path: EPOCH_PATH, text: epochFile(setup, at) });
  return files;
}

function accessPolicy(setup: OrgSetup): string {
  return [
    '# yaml-language-server: $schema=../schemas/policy.schema.json',
    `# Organisation-wide rules for every grant of ${setup.org}. Written by \`gitgrant init\`; edit them to fit`,
    '# (the keys are described in schemas/policy.schema.json and docs/).',
    '',
    '# Who approves changes to roles/, policies/, .github/, schemas and code.',
    `owners: ${handles(setup.owners)}`,
    '',
    'durations:',
    '  default: 4h',
    '  max: 30d',
    '  breakGlassMax: 4h',
    '',
    'tickets:',
    '  required: production   # production roles need a ticket; others may give one',
    "  pattern: '^([A-Z][A-Z0-9]+-[0-9]+|#[0-9]+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+)$'",
    '',
    'reasons:',
    '  minLength: 15',
    '',
    'grantees:',
    `  domains: [${setup.domain}]`,
    '',
    'duplicates:',
    '  allow: false',
    '',
    '# Break-glass: each person at most 4h of it per rolling 24h, whichever roles.',
    'breakGlass:',
    '  budget:',
    '    total: 4h',
    '    window: 24h',
    '',
  ].join('\n');
}

function identitiesPolicy(setup: OrgSetup): string {
  return [
    '# yaml-language-server: $schema=../schemas/policy.schema.json',
    "# How a grantee's email (the HR key) becomes each cloud's principal, and their GitHub login (so the",
    "# gate never counts a grantee's approval of their own grant). Convention first, people second:",
    `# add people as \`alice@${setup.domain}: { github: alice }\` under people.`,
    'identities:',
    "  gcp: 'user:{email}'",
    "  awsIamUser: '{email}'",
    "  identityCenterUserName: '{email}'",
    '',
  ].join('\n');
}

const AUTOMATION_POLICY = [
  '# yaml-language-server: $schema=../schemas/policy.schema.json',
  "# Who the automation is in git: the gitgrant App's bot user (docs/setup.md). Lifecycle trailers",
  "# count only on main's first-parent commits made by this identity.",
  'automation:',
  '  # email: 149000001+gitgrant[bot]@users.noreply.github.com   # pin the bot user id, once known',
  '  name: gitgrant[bot]',
  '',
].join('\n');

const AWS_POLICY = [
  '# yaml-language-server: $schema=../schemas/policy.schema.json',
  '# How gitgrant reaches the AWS accounts its roles target (docs/providers.md, docs/setup.md).',
  'aws:',
  '  region: us-east-1',
  '  # gitgrant assumes this role in each target account (created by scripts/setup-aws-oidc.mjs).',
  '  accountRoleName: gitgrant-automation',
  '  sessionName: gitgrant',
  '',
].join('\n');

function roleFile(role: FirstRole): string {
  const lines = [
    '# yaml-language-server: $schema=../schemas/role.schema.json',
    `description: ${quoted(role.description)}`,
    `owners: ${handles(role.owners)}`,
    'defaultDuration: 4h',
    'maxDuration: 24h',
    'approvals:',
    '  - name: owners',
    '    count: 1',
    `    from: ${handles(role.owners)}`,
    'targets:',
  ];
  for (const target of role.targets) {
    if (target.kind === 'gcp') lines.push(`  - gcp: { resource: ${target.resource}, role: ${quoted(target.role)} }`);
    else lines.push(`  - aws: { account: '${target.account}', strategy: iam, roleName: ${quoted(target.roleName)} }`);
  }
  return lines.join('\n') + '\n';
}

function epochFile(setup: OrgSetup, at: Instant): string {
  return [
    '# Written by `gitgrant init`. The commit that first adds this file on main starts the access',
    "# history: audit, access-at, anomalies and the dashboard read nothing before it (the template's",
    '# example organisation). Keep it; editing or re-adding it later does not move the start.',
    `org: ${setup.org}`,
    `initialisedAt: ${formatInstant(at)}`,
    '',
  ].join('\n');
}

/** The repository's files as init needs them; paths are repo-relative with `/`. */
export interface OrgFolder {
  /** Every entry under `dir`, recursively; `regular` is false for links and other non-files. */
  entries(dir: string): { path: string; regular: boolean }[];
  /** A regular file's bytes, or undefined when there is none. */
  read(path: string): Uint8Array | undefined;
  write(path: string, text: string): void;
  remove(path: string): void;
}
