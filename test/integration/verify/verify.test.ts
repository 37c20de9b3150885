/**
 * `gitgrant verify` against moto and the GCP double, on the plan suite's scenario: alice's grant
 * (GCP + IAM role DbReader) ends at 13:00, heidi's (Identity Center) at 12:00, bob's at 15:00.
 * verify reads back what the clouds hold and evaluates it; it proves a clean end, and finds a
 * planted leftover path (a hand-made policy allowing sts:AssumeRole on the role, an unconditional
 * GCP binding) and a live session nothing denies.
 */
import {
  DeleteRolePolicyCommand, DetachRolePolicyCommand, DetachUserPolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, PutRolePolicyCommand, PutUserPolicyCommand, UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import type { VerifyEvidence } from '../../../src/core/jobs/verify-report.js';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { runCli } from '../../support/run-cli.js';
import { AUTOMATION_COMMITTER, type TempRepo } from '../../support/temp-repo.js';
import { ALICE, PROJECT, T0, T1, seedScenario, type Scenario } from '../plan/scenario.js';

let cloud: TestCloud;
let scenario: Scenario;

beforeAll(async () => void (cloud = await startTestCloud()));
afterAll(async () => cloud.close());
beforeEach(async () => {
  await cloud.reset();
  scenario = await seedScenario(cloud);
});

type VerifyJson = VerifyEvidence & { findings: Finding[]; complete: boolean; recorded: string | null };

function gitScenario(): TempRepo {
  const repo = scenario.repo().initGit();
  // The nightly workflow commits as the App's bot user: the automation identity the policy trusts.
  repo.git('config', 'user.name', AUTOMATION_COMMITTER.name);
  repo.git('config', 'user.email', AUTOMATION_COMMITTER.email);
  return repo;
}

async function applyAndExpire(repo: TempRepo): Promise<void> {
  expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(0);
  expect((await cloud.run(['expire', '--repo', repo.root], T1)).code).toBe(0);
}

async function withoutHandMadePolicy(): Promise<void> {
  const legacy = (await cloud.iamPolicies()).find((p) => p.name === 'legacy-db-reader')!;
  await cloud.aws.iam.send(new DetachUserPolicyCommand({ UserName: ALICE, PolicyArn: legacy.arn }));
}

/** Every policy on the role gone: whatever gitgrant wrote there, no deny is left to end a session. */
async function stripRolePolicies(roleName: string): Promise<void> {
  const { iam } = cloud.aws;
  for (const name of (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
  for (const p of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []) await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn! }));
}

const AFTER_SESSIONS = '2026-11-23T14:30:00Z';
const verify = async (repo: TempRepo, now: string, ...extra: string[]) => {
  const run = await cloud.run(['verify', '--repo', repo.root, '--json', ...extra], now);
  return { code: run.code, stderr: run.stderr, result: JSON.parse(run.stdout) as VerifyJson };
};

describe('gitgrant verify', () => {
  it('proves a clean end: every ended grant, read back and evaluated, has no path left', async () => {
    await withoutHandMadePolicy();
    const repo = gitScenario();
    await applyAndExpire(repo);

    const { code, result } = await verify(repo, AFTER_SESSIONS, '--since', '2026-11-23T10:00:00Z');

    expect(code).toBe(0);
    expect(result.proofs.map((p) => [p.grant, p.verdict, p.endedAt, p.provenAt])).toEqual([
      [scenario.grants.heidi.path, 'ended', '2026-11-23T12:00:00Z', AFTER_SESSIONS],
      [scenario.grants.alice.path, 'ended', '2026-11-23T13:00:00Z', AFTER_SESSIONS],
    ]);
    const alice = result.proofs[1]!;
    const iam = alice.bindings.find((b) => b.target.startsWith('aws:iam'))!;
    expect(iam.checks).toEqual([
      `new sts:AssumeRole by ${ALICE} at ${AFTER_SESSIONS}: ImplicitlyDenied (no statement allows it)`,
      "no session issued before the end can still be alive: the role's sessions last at most 1h, over since 2026-11-23T13:59:59Z",
    ]);
    expect(alice.bindings.find((b) => b.target === `gcp:${PROJECT}`)!.checks).toEqual([`no binding of roles/cloudsql.viewer for user:${ALICE} on ${PROJECT}`]);
    expect(result.proofs[0]!.bindings[0]!.checks[0]).toBe(`assignment of ops to ${scenario.heidiId} in ${scenario.account}: absent`);
    expect(result.findings).toEqual([]);
  });

  it('finds a planted leftover path: a hand-made policy allowing sts:AssumeRole on the role, and an unconditional GCP binding', async () => {
    const repo = gitScenario();
    await applyAndExpire(repo);
    // After the sweep, someone grants alice the project role again by hand, without a condition.
    const bindings = await cloud.gcpBindings(PROJECT);
    await cloud.seedGcpPolicy(PROJECT, [...bindings, { members: [`user:${ALICE}`], role: 'roles/cloudsql.viewer' }]);

    const { code, result } = await verify(repo, AFTER_SESSIONS, '--since', '2026-11-23T10:00:00Z');

    expect(code).toBe(1);
    const alice = result.proofs.find((p) => p.grant === scenario.grants.alice.path)!;
    expect(alice.verdict).toBe('path-remains');
    expect(alice.bindings.flatMap((b) => b.paths)).toEqual([
      `binding of roles/cloudsql.viewer "(no condition)" has no condition: user:${ALICE} holds roles/cloudsql.viewer now`,
      `new sts:AssumeRole by ${ALICE} at ${AFTER_SESSIONS}: Allowed by policy/legacy-db-reader:ReadForever`,
    ]);
    expect(result.findings.map((f) => [f.kind, f.source, f.target, f.grants])).toEqual([
      ['ACCESS_NOT_ENDED', 'verify', `aws:iam:${scenario.account}`, [scenario.grants.alice.path]],
      ['ACCESS_NOT_ENDED', 'verify', `gcp:${PROJECT}`, [scenario.grants.alice.path]],
    ]);
    expect(result.findings[0]!.summary).toBe(`${ALICE} can still use ${scenario.roleArn} on aws:iam:${scenario.account} after ${scenario.grants.alice.path} ended at 2026-11-23T13:00:00Z`);
  });

  it('reports a session issued just before the end as a path while no deny ends it, and proves the end once one does', async () => {
    await withoutHandMadePolicy();
    const repo = gitScenario();
    await applyAndExpire(repo);
    await stripRolePolicies('DbReader');

    const open = await verify(repo, T1ISO, '--since', '2026-11-23T12:30:00Z');

    expect(open.code).toBe(1);
    const session = `session DbReader/${ALICE} issued 2026-11-23T12:59:59Z, used ${T1ISO}`;
    expect(open.result.proofs[0]!.bindings.flatMap((b) => b.paths)).toEqual([
      `${session}: Allowed by (the session's own permissions, assumed to allow):#1 (alive until 2026-11-23T13:59:59Z unless denied)`,
    ]);

    // The deny a deadline puts on the role: the grantee's sessions issued before the end, from the end on.
    await cloud.aws.iam.send(new PutRolePolicyCommand({
      RoleName: 'DbReader', PolicyName: 'deadline-test',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{
        Sid: 'EndAlice', Effect: 'Deny', Action: '*', Resource: '*',
        Condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-23T13:00:00Z' }, DateLessThan: { 'aws:TokenIssueTime': '2026-11-23T13:00:00Z' }, StringLike: { 'aws:userid': `*:${ALICE}` } },
      }] }),
    }));
    const closed = await verify(repo, T1ISO, '--since', '2026-11-23T12:30:00Z');

    expect(closed.code).toBe(0);
    expect(closed.result.proofs[0]!.bindings.find((b) => b.target.startsWith('aws:iam'))!.checks).toContain(`${session}: ExplicitlyDenied by DbReader/deadline-test (inline):EndAlice`);
  });

  it('finds paths that are closed now but open again later: a binding starting tomorrow, an office-hours binding, an Allow dated tomorrow', async () => {
    await withoutHandMadePolicy();
    const repo = gitScenario();
    await applyAndExpire(repo);
    // While the grant was live (an admin role), alice left herself ways back that are all closed at 14:30.
    const bindings = await cloud.gcpBindings(PROJECT);
    await cloud.seedGcpPolicy(PROJECT, [
      ...bindings,
      { members: [`user:${ALICE}`], role: 'roles/cloudsql.viewer', condition: { title: 'standby', expression: 'request.time >= timestamp("2026-11-24T09:00:00Z")' } },
      { members: [`user:${ALICE}`], role: 'roles/cloudsql.viewer', condition: { title: 'night shift', expression: 'request.time.getHours("UTC") >= 22' } },
    ]);
    await cloud.aws.iam.send(new PutUserPolicyCommand({
      UserName: ALICE, PolicyName: 'standby',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{
        Sid: 'Tomorrow', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: scenario.roleArn,
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-11-24T09:00:00Z' } },
      }] }),
    }));

    const { code, result } = await verify(repo, AFTER_SESSIONS, '--since', '2026-11-23T10:00:00Z');

    expect(code).toBe(1);
    const alice = result.proofs.find((p) => p.grant === scenario.grants.alice.path)!;
    expect(alice.verdict).toBe('path-remains');
    expect(alice.bindings.flatMap((b) => b.paths).sort()).toEqual([
      'binding of roles/cloudsql.viewer "standby": condition false at 2026-11-23T14:30:00Z but true at 2026-11-24T09:00:00Z',
      'binding of roles/cloudsql.viewer "night shift": condition false at 2026-11-23T14:30:00Z but true at 2026-11-23T22:00:00Z',
      `new sts:AssumeRole by ${ALICE} at 2026-11-24T09:00:00.001Z (not at ${AFTER_SESSIONS}): Allowed by ${ALICE}/standby (inline):Tomorrow`,
    ].sort());
  });

  it("finds a path through the grantee's IAM user after the user moved to another path (its ARN changed, its name did not)", async () => {
    const repo = gitScenario();
    await applyAndExpire(repo);
    // The legacy policy still lets alice assume the role; her user now lives under /contractors/.
    await cloud.aws.iam.send(new UpdateUserCommand({ UserName: ALICE, NewPath: '/contractors/' }));

    const { code, result } = await verify(repo, AFTER_SESSIONS, '--since', '2026-11-23T10:00:00Z');

    expect(code).toBe(1);
    const alice = result.proofs.find((p) => p.grant === scenario.grants.alice.path)!;
    expect(alice.verdict).toBe('path-remains');
    expect(alice.bindings.flatMap((b) => b.paths)).toContain(`new sts:AssumeRole by ${ALICE} at ${AFTER_SESSIONS}: Allowed by policy/legacy-db-reader:ReadForever`);
  });

  it('evaluates a grant the sweep has not removed yet: its condition at the end\'s boundaries', async () => {
    await withoutHandMadePolicy();
    const repo = gitScenario();
    expect((await cloud.run(['apply', '--repo', repo.root], T0)).code).toBe(0);

    const { result } = await verify(repo, AFTER_SESSIONS, '--since', '2026-11-23T12:30:00Z');

    const alice = result.proofs.find((p) => p.grant === scenario.grants.alice.path)!;
    expect(alice).toMatchObject({ how: 'expired (not yet swept)', verdict: 'ended' });
    const gcp = alice.bindings.find((b) => b.target === `gcp:${PROJECT}`)!;
    expect(gcp.checks).toHaveLength(1);
    expect(gcp.checks[0]).toMatch(/request\.time=2026-11-23T12:59:59\.999Z \(end - 1ms\): true; request\.time=2026-11-23T13:00:00Z \(end\): false; request\.time=2026-11-23T14:30:00Z \(now\): false$/);
  });
});

describe('gitgrant verify --record', () => {
  it('commits its evidence; the next run starts where it ended; audit shows it under the revocation controls', async () => {
    await withoutHandMadePolicy();
    const repo = gitScenario();
    await applyAndExpire(repo);

    const first = await cloud.run(['verify', '--repo', repo.root, '--record', '--since', '2026-11-23T10:00:00Z'], AFTER_SESSIONS);

    expect(first.code, first.stdout).toBe(0);
    const file = 'evidence/verify/2026-11-23T14-30-00Z.json';
    expect(first.stdout).toContain(`gitgrant verify: evidence recorded in ${file}`);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('Verify 2 ended grants: no path remains');
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe(file);

    // Someone else commits an evidence file claiming a later run, which would hide bob's end (15:00).
    const forged = { kind: 'gitgrant-verify', version: 1, since: AFTER_SESSIONS, until: '2026-11-23T15:20:00Z', proofs: [] };
    repo.write({ path: 'evidence/verify/2026-11-23T15-20-00Z.json', text: JSON.stringify(forged) });
    repo.git('add', '-A');
    repo.git('-c', 'user.name=mallory', '-c', 'user.email=mallory@example.com', 'commit', '-q', '-m', 'Evidence');

    // No --since: the window starts where the automation's recorded run ended. Bob's grant ended at 15:00 since.
    const next = await verify(repo, '2026-11-23T15:30:00Z');
    expect(next.result.since).toBe(AFTER_SESSIONS);
    expect(next.result.proofs.map((p) => [p.grant, p.how])).toEqual([[scenario.grants.bob.path, 'expired (not yet swept)']]);

    const audit = await runCli(['audit', '--repo', repo.root, '--format', 'json'], { cwd: repo.root });
    expect(audit.code, audit.stderr).toBe(0);
    const report = JSON.parse(audit.stdout) as AuditJson;
    const verified = report.events.filter((e) => e.kind === 'verified');
    expect(verified.map((e) => [e.grant, e.at])).toEqual([
      [scenario.grants.heidi.path, Date.parse(AFTER_SESSIONS)],
      [scenario.grants.alice.path, Date.parse(AFTER_SESSIONS)],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(verified[0]!.summary).toMatch(/^access verified ended at 2026-11-23T1[23]:00:00Z \(expired\): no path remains; evidence evidence\/verify\/2026-11-23T14-30-00Z\.json by gitgrant\[bot\]$/);
    expect(verified[0]!.commit).toBe(repo.git('log', '-1', '--format=%H', '--', file).trim());
    const privileged = report.controls.find((c) => c.reference === '11.f')!;
    expect(privileged.evidence.map((i) => report.events[i]!.kind)).toContain('verified');
    expect(privileged.facts).toContain('2 ended grant(s) verified in the cloud by gitgrant verify: 2 with no path left, 0 with a path remaining, 0 not verified.');
  });
});

const T1ISO = '2026-11-23T13:30:00Z';
