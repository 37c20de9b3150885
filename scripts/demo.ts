/**
 * The offline demo: starts `gitgrant sandbox`'s clouds (moto and the GCP IAM emulator on loopback,
 * seeded from the repo's roles), adds some access gitgrant did not make, and walks a copy of the example organisation (a fresh
 * git repository) through validate -> plan -> apply -> (clock advanced past expiry) -> expire, the
 * real sweep, which revokes and commits the deletion of the expired grants with machine-readable
 * trailers, printing the cloud at each step; then a session issued just before a deadline, used after
 * it, evaluated against what IAM holds, and `verify`'s proof that access ended. No credentials, no
 * network beyond 127.0.0.1.
 *
 *   npm run demo
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AttachUserPolicyCommand, CreatePolicyCommand, GetPolicyVersionCommand, ListAttachedUserPoliciesCommand, ListPoliciesCommand,
  ListUsersCommand, UpdateRoleCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { ListAccountAssignmentsCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/support/io.js';
import { parseInstant } from '../src/core/model/instant.js';
import { createAwsClients, destroyAwsClients } from '../src/adapters/aws/clients.js';
import { startSandbox } from '../src/app/sandbox.js';
import { describeEvaluation } from '../src/core/evaluate/iam.js';
import { roleSessionEvaluation } from '../src/core/jobs/verify.js';
import { readIamAuthorization } from '../src/adapters/aws/iam-authorization.js';
import type { GcpIamEmulator as GcpDouble } from '../src/adapters/sandbox/gcp-iam-emulator.js';

const EXAMPLE_ORG = fileURLToPath(new URL('../examples/example-org/', import.meta.url));
const ACCOUNT = '111111111111';
const T0 = '2026-11-23T10:00:00Z';
const T1 = '2026-11-23T19:00:00Z';
const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const say = (text = '') => process.stdout.write(text + '\n');
const step = (title: string) => say(`\n${bold(`=== ${title}`)}\n`);

async function demo(): Promise<number> {
  const repo = mkdtempSync(join(tmpdir(), 'gitgrant-demo-'));
  // The example organisation lives in examples/, never at the repository root (that is the adopting org's).
  for (const folder of ['policies', 'roles', 'grants', 'hr']) cpSync(join(EXAMPLE_ORG, folder), join(repo, folder), { recursive: true });
  initRepository(repo);
  step('Starting the sandbox: `gitgrant sandbox`, as a user runs it on their own repo');
  const sandbox = await startSandbox({ root: repo });
  const { moto, gcp, summary } = sandbox;
  say(`moto (AWS IAM, Identity Center, Identity Store) behind ${sandbox.env.GITGRANT_AWS_ENDPOINT}; GCP IAM emulator at ${gcp.url}`);
  say(`Seeded from the roles: ${summary.roles} target roles and ${summary.iamUsers} IAM users in ${summary.accounts.join(', ')}, ${summary.permissionSets} Identity Center`);
  say(`permission sets marked as gitgrant's, ${summary.identityStoreUsers} Identity Store users, ${summary.gcpResources.length} GCP resources with empty policies.`);
  // The sandbox's environment, as `eval "$(gitgrant sandbox --print-env)"` sets it in a shell.
  for (const [name, value] of Object.entries(sandbox.env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const env = {
    ...process.env,
    CI: 'true',
    // Offline: no GitHub, so ticket states are not looked up (expiry does not depend on them).
    GITHUB_ACTIONS: undefined, GITHUB_REPOSITORY: undefined, GITHUB_TOKEN: undefined,
  };
  // Straight to moto, to add what a real account would already hold and to show the state.
  const aws = createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
  try {
    step('Adding some access gitgrant did not make');
    await seedAws(aws.iam);
    seedGcp(gcp);
    say('AWS: a hand-made policy lets alice assume ProdOrdersDbAdmin (unmanaged); the roles allow 12-hour sessions.');
    say('GCP: a standing, unconditional roles/owner for legacy-admin on projects/acme-prod-orders (unmanaged).');
    say('A new grant is requested for heidi on the Identity Center role staging-poweruser:');
    await run(env, T0, ['new-grant', '--repo', repo, '--role', 'staging-poweruser', '--grantee', 'heidi@example.com', '--reason', 'Test the release candidate against staging data', '--duration', '6h', '--starts', T0, '--now', T0]);
    commitAll(repo, 'Grant heidi@example.com staging-poweruser (in real life: a reviewed, merged PR)');

    step(`validate (now = ${T0})`);
    await run(env, T0, ['validate', '--repo', repo, '--now', T0]);
    step('plan: what apply would change');
    await run(env, T0, ['plan', '--repo', repo, '--now', T0]);
    step('apply');
    await run(env, T0, ['apply', '--repo', repo, '--now', T0, '--max-removals', '10']);
    await showCloud(aws, gcp);
    step('plan again: nothing to do');
    await run(env, T0, ['plan', '--repo', repo, '--now', T0]);

    step(`The clock moves to ${T1}: alice, erin, gina and heidi's grants have expired`);
    say('GCP and AWS IAM already refuse them (their conditions carry the deadline); the Identity Center');
    say('assignment lasts until the sweep removes it. What the sweep will remove:');
    await run(env, T1, ['plan', '--repo', repo, '--now', T1]);
    step('expire: the sweep the expire workflow runs every few minutes');
    await run(env, T1, ['expire', '--repo', repo, '--now', T1]);
    step('The sweep\'s commit on main (git log -1 --format=%B): its trailers make the history machine-readable');
    say(git(repo, 'log', '-1', '--format=%B').trimEnd().replace(/^/gm, '  '));
    await showCloud(aws, gcp);
    step('plan after expiry: nothing to do; the unmanaged access is still reported, never touched');
    const after = await run(env, T1, ['plan', '--repo', repo, '--now', T1]);
    if (!after.includes('No changes')) throw new Error('the plan after the sweep is not empty');

    step('A live session after `expires`: gina\'s grant on PaymentsConsoleOperator ended at 16:00');
    say('She assumed the role at 15:59:59, one second before the end; the role lets sessions last 12 hours.');
    say(`Her session used at ${T1}, evaluated with the IAM policy evaluator against what IAM holds for the role now:`);
    await showLiveSession(aws.iam, 'PaymentsConsoleOperator', 'gina@example.com', '2026-11-23T15:59:59Z', T1);
    step('verify: read the clouds back for every grant that ended since the apply, and prove that access ended');
    await run(env, T1, ['verify', '--repo', repo, '--since', T0, '--now', T1], [0, 1]);
    return 0;
  } finally {
    destroyAwsClients(aws);
    await sandbox.stop();
    rmSync(repo, { recursive: true, force: true });
  }
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A repository of its own, as the access repo is: the sweep deletes grant files in a commit. */
function initRepository(repo: string): void {
  git(repo, 'init', '-q', '-b', 'main');
  // A fixed identity, whatever the machine's git configuration; the sweep commits with it too.
  for (const [key, value] of [['user.name', 'gitgrant demo'], ['user.email', 'demo@example.com'], ['commit.gpgsign', 'false']]) git(repo, 'config', key!, value!);
  commitAll(repo, 'The example organisation');
}

function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

/**
 * A session of `roleName` named `sessionName` (gitgrant pins the session name to the IAM user),
 * issued at `issued` and used at `now`, evaluated against the role's policies as moto holds them.
 */
async function showLiveSession(iam: IAMClient, roleName: string, sessionName: string, issued: string, now: string): Promise<void> {
  const authorization = await readIamAuthorization(iam, ACCOUNT);
  const role = authorization.principals.find((p) => p.kind === 'role' && p.name === roleName)!;
  const evaluation = await roleSessionEvaluation(role, ACCOUNT, sessionName, parseInstant(issued)!, parseInstant(now)!);
  say(`  role policies read back: ${role.policies.map((p) => p.name).join(', ') || '(none)'}`);
  say(`  session ${roleName}/${sessionName} issued ${issued}, used ${now}: ${describeEvaluation(evaluation)}`);
  say(evaluation.decision === 'Allowed'
    ? '  => Allowed: nothing in the cloud ends this session at `expires` yet; verify below reports it as a path that remains.'
    : '  => Denied: the cloud refuses the session after `expires`, whether or not any workflow runs.');
}

/** Runs one command as a user would, printing its output; the demo fails if any command exits otherwise than `expected`. */
async function run(env: Record<string, string | undefined>, now: string, argv: string[], expected: readonly number[] = [0]): Promise<string> {
  say(`$ gitgrant ${argv.filter((a, i) => a !== '--repo' && argv[i - 1] !== '--repo').join(' ')}`);
  let output = '';
  const io: CliIo = {
    stdout: (text) => {
      output += text;
      process.stdout.write(text.replace(/^/gm, '  ').replace(/ {2}$/, ''));
    },
    stderr: (text) => process.stderr.write(text),
    env, cwd: process.cwd(), isTTY: false, now: () => parseInstant(now)!,
  };
  const code = await main(argv, io);
  say(`  (exit ${code})`);
  if (!expected.includes(code)) throw new Error(`gitgrant ${argv[0]} exited ${code}; the demo expects ${expected.join(' or ')}`);
  return output;
}

async function seedAws(iam: IAMClient): Promise<void> {
  // Twelve-hour sessions, as many organisations allow: a session outlives the grant it came from.
  for (const name of ['PaymentsConsoleOperator', 'ProdOrdersDbAdmin', 'ProdOrdersDbReadOnly', 'ProdOrdersDbReadWrite']) {
    await iam.send(new UpdateRoleCommand({ RoleName: name, MaxSessionDuration: 43_200 }));
  }
  const legacy = await iam.send(new CreatePolicyCommand({
    PolicyName: 'legacy-db-admin',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/ProdOrdersDbAdmin` }] }),
  }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice@example.com', PolicyArn: legacy.Policy!.Arn! }));
}

function seedGcp(gcp: GcpDouble): void {
  gcp.seedPolicy('projects/acme-prod-orders', { version: 1, bindings: [{ role: 'roles/owner', members: ['user:legacy-admin@example.com'] }] });
}

async function showCloud(aws: ReturnType<typeof createAwsClients>, gcp: GcpDouble): Promise<void> {
  say(`\n${bold('Cloud state now:')}`);
  for (const resource of ['projects/acme-prod-orders', 'projects/acme-customer-globex', 'projects/acme-analytics', 'folders/281746352014']) {
    const bindings = gcp.policy(resource)?.bindings ?? [];
    say(`  GCP ${resource}: ${bindings.length === 0 ? '(no bindings)' : ''}`);
    for (const b of bindings) say(`    ${b.role} ${(b.members ?? []).join(',')} ${b.condition ? `if ${b.condition.expression}` : '(always)'}`);
  }
  const users = (await aws.iam.send(new ListUsersCommand({}))).Users ?? [];
  for (const user of users) {
    const attached = (await aws.iam.send(new ListAttachedUserPoliciesCommand({ UserName: user.UserName! }))).AttachedPolicies ?? [];
    say(`  AWS IAM ${user.UserName}: ${attached.map((p) => p.PolicyName).join(', ') || '(no policies)'}`);
  }
  const managed = (await aws.iam.send(new ListPoliciesCommand({ PathPrefix: '/gitgrant/' }))).Policies ?? [];
  for (const policy of managed) {
    const version = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn!, VersionId: policy.DefaultVersionId! }));
    const document = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)) as { Statement: { Resource: string; Condition: Record<string, Record<string, string>> }[] };
    for (const s of document.Statement) say(`    ${policy.PolicyName}: AssumeRole ${s.Resource} while aws:CurrentTime ${JSON.stringify(s.Condition.DateGreaterThan?.['aws:CurrentTime'] ?? '')}..${JSON.stringify(s.Condition.DateLessThan?.['aws:CurrentTime'])}`);
  }
  const instance = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
  const { ListPermissionSetsCommand } = await import('@aws-sdk/client-sso-admin');
  const sets = (await aws.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instance.InstanceArn! }))).PermissionSets ?? [];
  let count = 0;
  for (const set of sets) {
    const assignments = (await aws.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: instance.InstanceArn!, AccountId: '222222222222', PermissionSetArn: set })).catch(() => ({ AccountAssignments: [] }))).AccountAssignments ?? [];
    for (const a of assignments) say(`  AWS Identity Center account 222222222222: ${a.PrincipalType} ${a.PrincipalId} has ${set.split('/').at(-1)}`), count++;
  }
  if (count === 0) say('  AWS Identity Center: (no assignments)');
}

process.exitCode = await demo().catch((error: unknown) => {
  // moto missing and the like: the cause and the fix, not a stack.
  if (error instanceof Error && 'hint' in error) {
    process.stderr.write(`demo: ${error.message}\nhint: ${String(error.hint)}\n`);
    return 1;
  }
  throw error;
});
