/**
 * The reconcile property, over random starting clouds (GCP policies, IAM policies, Identity Center
 * assignments, each with access gitgrant did not make and stale bindings marked as its own) and
 * random grant sets: after one apply,
 * gitgrant's bindings are exactly the desired ones, everything gitgrant did not make is byte for
 * byte as it was, and a second plan has nothing to do. One moto and one GCP double serve every run,
 * reset in between; runs are few and small so the suite stays fast.
 */
import { AttachUserPolicyCommand, CreatePolicyCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import { CreateAccountAssignmentCommand, ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../../src/core/model/instant.js';
import { grantId } from '../../../src/core/model/types.js';
import { grantBindingId } from '../../../src/core/plan/binding-id.js';
import { desiredState, directoryKey } from '../../../src/core/plan/desired.js';
import { DEFAULT_IDENTITIES } from '../../../src/core/model/policy-sections.js';
import type { TargetRef } from '../../../src/core/plan/types.js';
import { NOW, aGrant, aPolicy, aRepo, type FileSpec } from '../../support/builders/model.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import type { StoredBinding } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import { TempRepo } from '../../support/temp-repo.js';
import { aTargetedRole } from '../../support/builders/plan.js';

const HOUR = 3_600_000;
const PEOPLE = ['ann@example.com', 'ben@example.com', 'cat@example.com'] as const;
const RESOURCES = ['projects/prop-a', 'projects/prop-b'] as const;
/** Role i gives GCP_ROLES[i] on its GCP targets and AWS_ROLES[i] through IAM. */
const GCP_ROLES = ['roles/viewer', 'roles/editor'] as const;
const AWS_ROLES = ['PropReader', 'PropWriter'] as const;
/** A GCP resource by index, the account through IAM, or the account through Identity Center (role i: permission set i). */
type TargetChoice = 0 | 1 | 'aws' | 'ic';

let cloud: TestCloud;
let account: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  account = await cloud.account();
});
afterAll(async () => cloud.close());

// ---- generators -------------------------------------------------------------------------------

const hours = (min: number, max: number) => fc.integer({ min, max });
const windowArb = fc.record({ startsH: fc.option(hours(-6, 4), { nil: undefined }), lengthH: hours(1, 6) });
type WindowSpec = { startsH: number | undefined; lengthH: number };
const windowOf = (w: WindowSpec) => ({
  ...(w.startsH === undefined ? {} : { starts: NOW + w.startsH * HOUR }),
  // Without a start the grant runs from "now": an early end makes it already expired.
  expires: NOW + ((w.startsH ?? -2) + w.lengthH) * HOUR,
});

const grantArb = fc.record({ person: hours(0, 2), role: hours(0, 1), window: windowArb });
/** A binding marked as gitgrant's: either a stranger's id, or the id a generated grant would use (so it may need an update). */
const markedIdArb = fc.oneof(fc.stringMatching(/^[0-9a-f]{24}$/).map((hex) => ({ random: `gg${hex}` })), fc.record({ grant: hours(0, 5) }));

const cloudArb = fc.record({
  roles: fc.tuple(
    fc.subarray<TargetChoice>([0, 1, 'aws', 'ic'], { minLength: 1, maxLength: 3 }),
    fc.subarray<TargetChoice>([0, 1, 'aws', 'ic'], { minLength: 1, maxLength: 3 }),
  ),
  grants: fc.array(grantArb, { maxLength: 6 }),
  gcpUnmanaged: fc.array(
    fc.record({
      resource: hours(0, 1),
      role: fc.constantFrom('roles/viewer', 'roles/editor', 'roles/owner'),
      members: fc.subarray(['user:ann@example.com', 'user:x@example.com', 'group:ops@example.com'], { minLength: 1 }),
      condition: fc.option(fc.constantFrom('contract', 'request.time < timestamp("2027-01-01T00:00:00Z")'), { nil: undefined }),
    }),
    { maxLength: 4 },
  ),
  gcpStale: fc.array(
    fc.record({ resource: hours(0, 1), role: hours(0, 1), members: fc.subarray([...PEOPLE], { minLength: 1, maxLength: 2 }), id: markedIdArb, window: windowArb }),
    { maxLength: 3 },
  ),
  awsUnmanaged: fc.array(fc.record({ person: hours(0, 2), role: hours(0, 1) }), { maxLength: 2 }),
  awsStale: fc.array(fc.record({ person: hours(0, 2), role: hours(0, 1), id: markedIdArb, window: windowArb }), { maxLength: 3 }),
  /** Assignments of a hand-made permission set, and leftover ones of gitgrant's sets. */
  icUnmanaged: fc.uniqueArray(hours(0, 2), { maxLength: 2 }),
  icStale: fc.uniqueArray(fc.record({ person: hours(0, 2), set: hours(0, 1) }), { maxLength: 3, selector: (a) => `${a.person}/${a.set}` }),
});
type CloudCase = typeof cloudArb extends fc.Arbitrary<infer T> ? T : never;

// ---- the case on disk and in the clouds --------------------------------------------------------

const roleName = (i: number) => `prop-role-${i}`;
const roleArn = (i: number) => `arn:aws:iam::${account}:role/${AWS_ROLES[i]}`;
const grantPath = (i: number, c: CloudCase) => `grants/${roleName(c.grants[i]!.role)}/g${i}.yaml`;
const gcpTarget = (resource: number): TargetRef => ({ provider: 'gcp', resource: RESOURCES[resource]! });
const iamTarget = (): TargetRef => ({ provider: 'aws', strategy: 'iam', account });

/** moto's Identity Center for the current run: made afresh after each reset. */
let ic: { instanceArn: string; sets: string[]; handMade: string; users: string[] };

function repoFiles(c: CloudCase): FileSpec[] {
  const roles = c.roles.map((targets, i) => {
    const role = aTargetedRole(roleName(i));
    for (const t of targets) {
      if (t === 'aws') role.onAwsIam(account, AWS_ROLES[i]!);
      else if (t === 'ic') role.onIdentityCenter(ic.sets[i], { account, instanceArn: ic.instanceArn });
      else role.onGcp(RESOURCES[t]!, GCP_ROLES[i]!);
    }
    return role.build();
  });
  const grants = c.grants.map((g, i) => {
    const w = windowOf(g.window);
    const grant = aGrant().for(PEOPLE[g.person]!).ofRole(roleName(g.role)).named(`g${i}`).expiringAt(w.expires);
    return (w.starts === undefined ? grant : grant.startingAt(w.starts)).build();
  });
  return [aPolicy().allowingDuplicates().build(), ...roles, ...grants];
}

function markedId(id: CloudCase['gcpStale'][number]['id'], c: CloudCase, target: TargetRef, permission: string): string {
  if ('random' in id) return id.random;
  const index = id.grant % Math.max(c.grants.length, 1);
  return grantBindingId(grantId(c.grants.length ? grantPath(index, c) : 'grants/none/g0.yaml'), target, permission);
}

function gcpExpression(w: { starts?: number; expires: number }): string {
  const before = `request.time < timestamp("${formatInstant(w.expires)}")`;
  return w.starts === undefined ? before : `request.time >= timestamp("${formatInstant(w.starts)}") && ${before}`;
}

async function seed(c: CloudCase): Promise<void> {
  await cloud.reset();
  for (const person of PEOPLE) await cloud.createIamUser(person);
  for (const name of AWS_ROLES) await cloud.createRole(name);
  const { instanceArn } = await cloud.identityCenter();
  ic = {
    instanceArn,
    sets: [await cloud.createPermissionSet('prop-set-0', true), await cloud.createPermissionSet('prop-set-1', true)],
    handMade: await cloud.createPermissionSet('prop-hand-made', false),
    users: [],
  };
  for (const person of PEOPLE) ic.users.push(await cloud.createIdentityStoreUser(person));
  const assign = (permissionSetArn: string, person: number) => cloud.aws.ssoAdmin.send(new CreateAccountAssignmentCommand({
    InstanceArn: instanceArn, TargetId: account, TargetType: 'AWS_ACCOUNT', PermissionSetArn: permissionSetArn, PrincipalType: 'USER', PrincipalId: ic.users[person]!,
  }));
  for (const person of c.icUnmanaged) await assign(ic.handMade, person);
  for (const stale of c.icStale) await assign(ic.sets[stale.set]!, stale.person);
  for (const [r, resource] of RESOURCES.entries()) {
    // Keys in the order the Resource Manager client writes them, so byte-for-byte comparisons hold.
    const unmanaged: StoredBinding[] = c.gcpUnmanaged.filter((b) => b.resource === r).map((b) => ({
      members: b.members, role: b.role,
      ...(b.condition === undefined ? {} : { condition: b.condition.startsWith('request') ? { expression: b.condition } : { expression: 'request.time < timestamp("2027-06-01T00:00:00Z")', title: b.condition } }),
    }));
    const stale: StoredBinding[] = c.gcpStale.filter((b) => b.resource === r).map((b) => ({
      members: b.members.map((p) => `user:${p}`),
      role: GCP_ROLES[b.role],
      condition: { expression: gcpExpression(windowOf(b.window)), title: `gitgrant ${markedId(b.id, c, gcpTarget(r), GCP_ROLES[b.role]!)}`, description: 'Granted by gitgrant long ago' },
    }));
    await cloud.seedGcpPolicy(resource, [...unmanaged, ...stale]);
  }
  for (const [n, u] of c.awsUnmanaged.entries()) {
    await cloud.attachHandMadePolicy(PEOPLE[u.person]!, `hand-made-${n}`, {
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn(u.role) }],
    });
  }
  for (const [p, person] of PEOPLE.entries()) {
    const statements = new Map<string, object>();
    for (const s of c.awsStale.filter((x) => x.person === p)) {
      const sid = markedId(s.id, c, iamTarget(), roleArn(s.role));
      const w = windowOf(s.window);
      statements.set(sid, {
        Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn(s.role),
        Condition: {
          ...(w.starts === undefined ? {} : { DateGreaterThan: { 'aws:CurrentTime': formatInstant(w.starts) } }),
          DateLessThan: { 'aws:CurrentTime': formatInstant(w.expires) },
          StringEquals: { 'sts:RoleSessionName': person },
        },
      });
    }
    if (statements.size === 0) continue;
    const created = await cloud.aws.iam.send(new CreatePolicyCommand({
      PolicyName: `gitgrant-${person}`, Path: '/gitgrant/', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [...statements.values()] }),
    }));
    await cloud.aws.iam.send(new AttachUserPolicyCommand({ UserName: person, PolicyArn: created.Policy!.Arn! }));
  }
}

// ---- reading the clouds back -------------------------------------------------------------------

const isMarked = (b: StoredBinding) => b.condition?.title?.startsWith('gitgrant ') ?? false;

/**
 * What gitgrant manages: the targets some role names. A target no role names is never read, so
 * marked bindings there are out of its reach (their conditions still end them on time) and must
 * stay exactly as they are, like any unmanaged binding.
 */
function scopeOf(c: CloudCase) {
  const named = new Set(c.roles.flat());
  return { resources: RESOURCES.filter((_, r) => named.has(r as TargetChoice)), aws: named.has('aws'), ic: named.has('ic') };
}

async function managedBindings(c: CloudCase): Promise<string[]> {
  const scope = scopeOf(c);
  const gcp = (await Promise.all(scope.resources.map(async (resource) => (await cloud.gcpBindings(resource)).filter(isMarked).map((b) =>
    `${resource} ${b.condition!.title!.slice('gitgrant '.length)} ${b.role} ${(b.members ?? []).join(',')} ${b.condition!.expression}`)))).flat();
  const policies = scope.aws ? await cloud.iamPolicies('/gitgrant/') : [];
  const aws = policies.flatMap((policy) =>
    (JSON.parse(policy.document) as { Statement: { Sid: string; Resource: string; Condition: Record<string, Record<string, string>> }[] }).Statement.map((s) =>
      `${policy.name.slice('gitgrant-'.length)} ${s.Sid} ${s.Resource} ${s.Condition['DateGreaterThan']?.['aws:CurrentTime'] ?? '-'} ${s.Condition['DateLessThan']?.['aws:CurrentTime']} ${s.Condition['StringEquals']?.['sts:RoleSessionName']}`));
  const assignments = scope.ic ? (await Promise.all(ic.sets.map(assignmentsOf))).flat() : [];
  return [...gcp, ...aws, ...assignments].sort();
}

async function assignmentsOf(permissionSetArn: string): Promise<string[]> {
  const listed = await cloud.aws.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: ic.instanceArn, AccountId: account, PermissionSetArn: permissionSetArn }));
  return (listed.AccountAssignments ?? []).map((a) => `assignment ${permissionSetArn} ${a.PrincipalType} ${a.PrincipalId}`).sort();
}

function desiredBindings(c: CloudCase): string[] {
  const { repo } = aRepo().without('roles/app-readonly.yaml').with(...repoFiles(c)).load();
  const directory = new Map(PEOPLE.map((person, i) => [directoryKey(ic.instanceArn, person), ic.users[i]]));
  return desiredState(repo, NOW, DEFAULT_IDENTITIES, directory).bindings.map((b) => {
    if (b.target.provider === 'aws' && b.target.strategy === 'identity-center') return `assignment ${b.permission} USER ${b.principal}`;
    const w = b.window!;
    if (b.target.provider === 'gcp') return `${b.target.resource} ${b.id} ${b.permission} ${b.principal} ${gcpExpression(w)}`;
    const user = b.principal.split(':user/')[1]!;
    return `${user} ${b.id} ${b.permission} ${w.starts === undefined ? '-' : formatInstant(w.starts)} ${formatInstant(w.expires)} ${user}`;
  }).sort();
}

/** Everything outside gitgrant's reach or not gitgrant's, read raw. */
async function unmanagedState(c: CloudCase) {
  const scope = scopeOf(c);
  const gcp = await Promise.all(RESOURCES.map(async (r) =>
    JSON.stringify((await cloud.gcpBindings(r)).filter((b) => !isMarked(b) || !scope.resources.includes(r)))));
  const iam = (await cloud.iamPolicies()).filter((p) => !p.arn.includes(':policy/gitgrant/') || !scope.aws);
  const attached = await Promise.all(PEOPLE.map(async (person) =>
    ((await cloud.aws.iam.send(new ListAttachedUserPoliciesCommand({ UserName: person }))).AttachedPolicies ?? [])
      .map((a) => a.PolicyArn!).filter((arn) => !arn.includes(':policy/gitgrant/') || !scope.aws).sort()));
  const assignments = await Promise.all([ic.handMade, ...(scope.ic ? [] : ic.sets)].map(assignmentsOf));
  return { gcp, iam, attached, assignments };
}

// ---- the property -------------------------------------------------------------------------------

describe('reconciling random clouds with random grants', () => {
  it('leaves exactly the desired managed bindings, untouched unmanaged ones, and nothing for a second plan', async () => {
    await fc.assert(
      fc.asyncProperty(cloudArb, async (c) => {
        await seed(c);
        const before = await unmanagedState(c);
        const repo = TempRepo.fromFiles(repoFiles(c));

        const applied = await cloud.run(['apply', '--repo', repo.root, '--yes'], NOW);
        expect(applied.code, applied.stdout + applied.stderr).toBe(0);
        expect(await managedBindings(c)).toEqual(desiredBindings(c));
        expect(await unmanagedState(c)).toEqual(before);
        const plan = await cloud.run(['plan', '--json', '--repo', repo.root], NOW);
        expect(JSON.parse(plan.stdout).totals, plan.stdout).toMatchObject({ add: 0, update: 0, remove: 0 });
      }),
      // Each run resets both clouds and applies through the CLI: a few runs, no shrinking marathon.
      // GITGRANT_PROPERTY_RUNS raises the count for a longer search.
      { numRuns: Number(process.env['GITGRANT_PROPERTY_RUNS'] ?? 15), endOnFailure: true },
    );
  });
});
