/**
 * The offline demo: starts the AWS emulator (moto) and the GCP IAM double on loopback, seeds them
 * with some access gitgrant did not make, and walks a copy of the example organisation through
 * validate -> plan -> apply -> (clock advanced past expiry) -> plan -> apply, printing the cloud at
 * each step. No credentials, no network beyond 127.0.0.1.
 *
 *   npm run demo
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, GetPolicyVersionCommand,
  ListAttachedUserPoliciesCommand, ListPoliciesCommand, ListUsersCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateIdentityUserCommand } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { parseInstant } from '../src/model/instant.js';
import { createAwsClients, destroyAwsClients } from '../src/providers/aws/clients.js';
import { MANAGED_PERMISSION_SET_MARKER } from '../src/providers/aws/identity-center-strategy.js';
import { startMoto } from '../src/providers/aws/moto-process.js';
import { startGcpDouble, type GcpDouble } from '../test/support/gcp-double.js';

const ACCOUNT = '111111111111';
const T0 = '2026-11-23T10:00:00Z';
const T1 = '2026-11-23T19:00:00Z';
const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const say = (text = '') => process.stdout.write(text + '\n');
const step = (title: string) => say(`\n${bold(`=== ${title}`)}\n`);

async function demo(): Promise<number> {
  const repo = mkdtempSync(join(tmpdir(), 'gitgrant-demo-'));
  for (const folder of ['policies', 'roles', 'grants']) cpSync(folder, join(repo, folder), { recursive: true });
  // The emulators take any credentials; the SDKs' default chain reads them from the environment.
  Object.assign(process.env, { MOTO_ACCOUNT_ID: ACCOUNT, AWS_ACCESS_KEY_ID: 'demo', AWS_SECRET_ACCESS_KEY: 'demo', AWS_REGION: 'us-east-1' });
  step('Starting the emulators on loopback');
  const moto = await startMoto();
  const gcp = await startGcpDouble();
  say(`moto (AWS IAM, Identity Center, Identity Store) at ${moto.endpoint}; GCP IAM double at ${gcp.url}`);
  const env = {
    ...process.env,
    CI: 'true',
    GITGRANT_AWS_ENDPOINT: moto.endpoint, GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token,
    GITHUB_ACTIONS: undefined,
  };
  const aws = createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
  try {
    step('Seeding the clouds with people, roles and some access gitgrant did not make');
    await seedAws(aws.iam, repo);
    await seedIdentityCenter(aws, repo);
    seedGcp(gcp);
    say('AWS: IAM users and the target roles; a hand-made policy lets alice assume ProdOrdersDbAdmin (unmanaged).');
    say('GCP: a standing, unconditional roles/owner for legacy-admin on projects/acme-prod-orders (unmanaged).');
    say('A new grant is requested for heidi on the Identity Center role staging-poweruser:');
    await run(env, T0, ['new-grant', '--repo', repo, '--role', 'staging-poweruser', '--grantee', 'heidi@example.com', '--reason', 'Test the release candidate against staging data', '--duration', '6h', '--starts', T0, '--now', T0]);

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
    say('assignment lasts until the sweep removes it. The sweep (gitgrant expire) applies the same plan:');
    await run(env, T1, ['plan', '--repo', repo, '--now', T1]);
    await run(env, T1, ['apply', '--repo', repo, '--now', T1, '--max-removals', '10']);
    await showCloud(aws, gcp);
    step('plan after expiry: nothing to do; the unmanaged access is still reported, never touched');
    await run(env, T1, ['plan', '--repo', repo, '--now', T1]);
    return 0;
  } finally {
    destroyAwsClients(aws);
    await gcp.close();
    await moto.stop();
    rmSync(repo, { recursive: true, force: true });
  }
}

async function run(env: Record<string, string | undefined>, now: string, argv: string[]): Promise<void> {
  say(`$ gitgrant ${argv.filter((a, i) => a !== '--repo' && argv[i - 1] !== '--repo').join(' ')}`);
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text.replace(/^/gm, '  ').replace(/ {2}$/, '')),
    stderr: (text) => process.stderr.write(text),
    env, cwd: process.cwd(), isTTY: false, now: () => parseInstant(now)!,
  };
  const code = await main(argv, io);
  say(`  (exit ${code})`);
}

async function seedAws(iam: IAMClient, repo: string): Promise<void> {
  for (const user of ['alice@example.com', 'bob.example', 'gina@example.com']) await iam.send(new CreateUserCommand({ UserName: user }));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
  const roleNames = new Set<string>();
  for (const file of readdirSync(join(repo, 'roles'))) for (const m of readFileSync(join(repo, 'roles', file), 'utf8').matchAll(/roleName: (\w+)/g)) roleNames.add(m[1]!);
  for (const name of roleNames) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  const legacy = await iam.send(new CreatePolicyCommand({
    PolicyName: 'legacy-db-admin',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/ProdOrdersDbAdmin` }] }),
  }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice@example.com', PolicyArn: legacy.Policy!.Arn! }));
}

/** moto makes its own Identity Center instance; the demo's copy of the roles is pointed at it. */
async function seedIdentityCenter(aws: ReturnType<typeof createAwsClients>, repo: string): Promise<void> {
  const instance = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
  await aws.identityStore.send(new CreateIdentityUserCommand({
    IdentityStoreId: instance.IdentityStoreId!, UserName: 'heidi@example.com', DisplayName: 'Heidi',
    Name: { GivenName: 'Heidi', FamilyName: 'Example' }, Emails: [{ Value: 'heidi@example.com', Primary: true }],
  }));
  for (const file of readdirSync(join(repo, 'roles'))) {
    const path = join(repo, 'roles', file);
    const text = readFileSync(path, 'utf8');
    const permissionSet = /permissionSetArn: (\S+)/.exec(text)?.[1];
    if (!permissionSet) continue;
    const created = await aws.ssoAdmin.send(new CreatePermissionSetCommand({
      InstanceArn: instance.InstanceArn!, Name: file.replace('.yaml', ''), Description: `Just-in-time access. ${MANAGED_PERMISSION_SET_MARKER}`,
    }));
    writeFileSync(path, text.replace(/instanceArn: \S+/, `instanceArn: ${instance.InstanceArn}`).replace(permissionSet, created.PermissionSet!.PermissionSetArn!));
  }
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

process.exitCode = await demo();
