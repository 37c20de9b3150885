/**
 * `npm run bench:session-ends [-- --print-only]`
 *
 * What session ends cost (issue 10): for one target role (iam strategy) and one permission set
 * (identity-center), N grantees applied at once against moto, each grant ending at a different
 * minute (the worst case: one statement per end). For each N it reports the statements gitgrant
 * holds on the role, the characters used against IAM's 10,240 limit, the plan-time finding at the
 * limit, and the API calls of the apply and of the expiry sweep, by action. Writes section
 * `session-ends` of docs/benchmarks.md.
 */
import { CreateRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateIdentityUserCommand } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, GetInlinePolicyForPermissionSetCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { parseArgs } from 'node:util';
import { grantId } from '../src/core/model/types.js';
import type { DesiredBinding, TargetRef } from '../src/core/plan/types.js';
import { REVOCATION_POLICY_NAME } from '../src/core/aws/iam-revocations.js';
import { MANAGED_PERMISSION_SET_MARKER, identityCenterBindingId } from '../src/adapters/aws/identity-center-strategy.js';
import { IAM_QUOTAS, checkAwsLimits } from '../src/adapters/aws/limits.js';
import { startMoto } from '../src/adapters/sandbox/moto.js';
import { parsePolicyDocument, policySize } from '../src/core/aws/policy-document.js';
import { accountOf, changeFor, clientsFor, createUser, isEmpty, providerFor } from '../test/integration/aws/harness.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { anIamBinding } from '../test/support/builders/aws.js';
import { writeSection } from './lib/doc-section.js';
import { formatNumber, markdownTable } from './lib/figures.js';
import { machineLine } from './lib/machine.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const SIZES = [1, 10, 20, 30, 36, 37, 60];

const { values: args } = parseArgs({ options: { 'print-only': { type: 'boolean', default: false } } });

Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' });
const moto = await startMoto();
const proxy = await startFaultProxy({ upstream: moto.endpoint });
const clients = clientsFor(proxy.url);
const direct = clientsFor(moto.endpoint);
const started = new Date();

const calls = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([action, n]) => `${action} ${n}`)
    .join(', ');
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

interface Row {
  n: number;
  statements: string;
  size: string;
  headroom: string;
  finding: string;
  applyCalls: string;
  sweepCalls: string;
}

async function iamRow(n: number, sameEnd: boolean): Promise<Row> {
  await moto.reset();
  const account = await accountOf(direct);
  const target: TargetRef = { provider: 'aws', strategy: 'iam', account };
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
  await direct.iam.send(new CreateRoleCommand({ RoleName: 'db', AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: 12 * 3600 }));
  await direct.iam.send(
    new PutRolePolicyCommand({ RoleName: 'db', PolicyName: 'work', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }),
  );
  const desired: DesiredBinding[] = [];
  for (let i = 0; i < n; i++) {
    await createUser(direct, `user${i}`);
    desired.push(anIamBinding(`g${i}`).inAccount(account).for(`user${i}`).onRole('db').until(T0 + 4 * HOUR + (sameEnd ? 0 : i * MINUTE)).build());
  }
  const provider = providerFor(clients, { now: () => T0 });
  const state = await provider.read(target);
  const findings = checkAwsLimits(target, desired, state).filter((d) => d.severity === 'error');
  proxy.resetCounts();
  let applyCalls = '—';
  if (findings.length === 0) {
    await provider.apply({ ...changeFor(desired, state), basis: state.basis });
    const counts = proxy.calls();
    applyCalls = `${total(counts)}: ${calls(counts)}`;
  }
  const stored = await direct.iam.send(new GetRolePolicyCommand({ RoleName: 'db', PolicyName: REVOCATION_POLICY_NAME })).catch(() => undefined);
  const document = stored?.PolicyDocument ? parsePolicyDocument(stored.PolicyDocument) : undefined;
  const size = document ? policySize(document) : 0;
  let sweepCalls = '—';
  if (findings.length === 0) {
    const sweeper = providerFor(clients, { now: () => T0 + 6 * HOUR });
    const observed = await sweeper.read(target);
    const change = { ...changeFor([], observed), basis: observed.basis };
    proxy.resetCounts();
    if (!isEmpty(change)) await sweeper.apply(change);
    const counts = proxy.calls();
    sweepCalls = `${total(counts)}: ${calls(counts)}`;
  }
  const work = policySize({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  return {
    n,
    statements: document ? String(document.Statement.length) : '0',
    size: findings.length === 0 ? `${formatNumber(size)} + ${work} (role's own)` : 'not written',
    headroom: findings.length === 0 ? formatNumber(IAM_QUOTAS.roleInlinePolicySize - size - work) : '—',
    finding: findings.map((d) => `${d.code}: ${d.summary}`).join('; ') || 'none',
    applyCalls,
    sweepCalls,
  };
}

async function identityCenterRow(n: number): Promise<Row> {
  await moto.reset();
  const account = await accountOf(direct);
  const instance = (await direct.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0]!;
  const target = { provider: 'aws' as const, strategy: 'identity-center' as const, account, instanceArn: instance.InstanceArn! };
  const set = (
    await direct.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instance.InstanceArn!, Name: 'db', Description: MANAGED_PERMISSION_SET_MARKER, SessionDuration: 'PT12H' }))
  ).PermissionSet!.PermissionSetArn!;
  const desired: DesiredBinding[] = [];
  for (let i = 0; i < n; i++) {
    const user = await direct.identityStore.send(
      new CreateIdentityUserCommand({ IdentityStoreId: instance.IdentityStoreId!, UserName: `user${i}`, DisplayName: `user${i}`, Name: { GivenName: 'U', FamilyName: `${i}` } }),
    );
    desired.push({ id: identityCenterBindingId(account, set, user.UserId!), target, principal: user.UserId!, permission: set, window: { expires: T0 + 4 * HOUR + i * MINUTE }, grants: [grantId(`grants/db/u${i}.yaml`)] });
  }
  const provider = providerFor(clients, { now: () => T0 });
  const state = await provider.read(target);
  const findings = checkAwsLimits(target, desired, state).filter((d) => d.severity === 'error');
  proxy.resetCounts();
  let applyCalls = '—';
  if (findings.length === 0) {
    await provider.apply({ target, add: desired, update: [], remove: [], unmanaged: [] });
    const counts = proxy.calls();
    applyCalls = `${total(counts)}: ${calls(counts)}`;
  }
  const inline = await direct.ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instance.InstanceArn!, PermissionSetArn: set }));
  const document = inline.InlinePolicy ? parsePolicyDocument(inline.InlinePolicy) : undefined;
  const size = document ? policySize(document) : 0;
  let sweepCalls = '—';
  if (findings.length === 0) {
    const sweeper = providerFor(clients, { now: () => T0 + 6 * HOUR });
    const observed = await sweeper.read(target);
    proxy.resetCounts();
    await sweeper.apply({ target, add: [], update: [], remove: observed.bindings, unmanaged: [] });
    const counts = proxy.calls();
    sweepCalls = `${total(counts)}: ${calls(counts)}`;
  }
  return {
    n,
    statements: document ? String(document.Statement.length) : '0',
    size: findings.length === 0 ? formatNumber(size) : 'not written',
    headroom: findings.length === 0 ? formatNumber(IAM_QUOTAS.roleInlinePolicySize - size) : '—',
    finding: findings.map((d) => d.code).join('; ') || 'none',
    applyCalls,
    sweepCalls,
  };
}

const header = ['grantees (distinct ends)', 'statements held', 'characters used', 'headroom of 10,240', 'plan-time finding', 'calls of the apply', 'calls of the expiry sweep'];
const toCells = (r: Row) => [String(r.n), r.statements, r.size, r.headroom, r.finding, r.applyCalls, r.sweepCalls];
try {
  const iam: Row[] = [];
  for (const n of SIZES) iam.push(await iamRow(n, false));
  const sameEnd = await iamRow(150, true);
  const ic: Row[] = [];
  for (const n of [1, 10, 20, 27, 28]) ic.push(await identityCenterRow(n));
  const body = [
    '## session ends (`npm run bench:session-ends`)',
    '',
    `Run: ${machineLine(started)}. moto ${'5.2.1'} behind the counting proxy, no added latency (these are counts and sizes, not times).`,
    '',
    'Scenario: one target role (MaxSessionDuration 12 h, one inline policy of its own) and N grantees applied in one run, each grant ending at a different minute: the worst case, one session-end statement per end. Then the expiry sweep 6 h later removes every grant (their ends stay: 12 h of sessions may still be alive). The same for one permission set (SessionDuration 12 h) in Identity Center.',
    '',
    '### iam strategy: the role\'s `gitgrant-revocations` policy',
    '',
    markdownTable(header, iam.map(toCells)),
    '',
    `Grantees sharing one end are one statement: ${sameEnd.n} grantees ending at the same instant hold ${sameEnd.statements} statement of ${sameEnd.size} characters (headroom ${sameEnd.headroom}); apply ${sameEnd.applyCalls}.`,
    '',
    '### identity-center strategy: the permission set\'s inline policy',
    '',
    markdownTable(header, ic.map(toCells)),
    '',
    'Reading: each session end costs 280 characters on a role (one statement per end instant; a second grantee at the same instant adds about 35) and about 370 in a permission set (one per assignment, with its Identity Store user id). With IAM\'s 10,240-character inline quota per role that is 36 ends alive at once on a role whose own inline policies are small, and 27 assignments per permission set with no permissions of its own inline; an end stays for MaxSessionDuration (SessionDuration) after it. Beyond that the plan reports the finding and holds back new grants on the target (removals still go ahead); no deny is dropped. Calls: the iam apply adds GetRole + GetRolePolicy + PutRolePolicy per touched role (3, whatever N); Identity Center adds GetInlinePolicyForPermissionSet + DescribePermissionSet + PutInlinePolicyToPermissionSet + ProvisionPermissionSet per touched set (4) to the assignment calls.',
  ].join('\n');
  console.log(body);
  if (!args['print-only']) writeSection('docs/benchmarks.md', 'session-ends', body);
} finally {
  await proxy.close();
  await moto.stop();
}
