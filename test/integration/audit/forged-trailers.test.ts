/**
 * Finding 7 of issue 9: a person writes the automation's trailers into their own commit, e.g. a
 * revocation dated hours before it happened. Trailers count only on main's first-parent commits
 * whose committer is the automation's identity; anything else is a human change, dated by its
 * commit, and reported.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { readGrantHistory } from '../../../src/adapters/git/history.js';
import { formatCommitMessage } from '../../../src/core/audit/trailers.js';
import { instant } from '../../support/builders/model.js';
import { EXAMPLE_ORG } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { BOT, GITHUB, HistoryRepo, grantText } from './fixture-history.js';

const ALICE = { name: 'Alice', email: 'alice@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
const SECURITY = { name: 'Sam Security', email: 'sam@example.com' };
const ALICE_GRANT = 'grants/prod-db-readonly/alice-inc-100.yaml';
const BOB_GRANT = 'grants/prod-db-readonly/bob-inc-200.yaml';
const CAROL_GRANT = 'grants/prod-db-readonly/carol-inc-300.yaml';

let repo: HistoryRepo;
const commits: Record<string, string> = {};

beforeAll(() => {
  repo = new HistoryRepo();
  for (const folder of ['policies', 'roles']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
  commits.setup = repo.commit(SECURITY, '2026-11-01T08:00:00Z', 'Set up the access repo');

  // PR #1, squash-merged: alice holds the role 09:00-18:00.
  repo.write(ALICE_GRANT, grantText({ grantee: 'alice@example.com', reason: 'Investigate the slow checkout queries', ticket: 'INC-100', expires: '2026-11-02T18:00:00Z' }));
  commits.alice = repo.commit(ALICE, '2026-11-02T09:00:00Z', 'Request read-only database access (#1)', GITHUB);
  // PR #2, squash-merged at 15:00: alice deletes her grant, claiming the sweep revoked it at 10:00.
  repo.git(ALICE, '2026-11-02T15:00:00Z', 'rm', '-q', ALICE_GRANT);
  commits.aliceForged = repo.commit(ALICE, '2026-11-02T15:00:00Z', formatCommitMessage('Done with the database (#2)', {
    action: 'revoke', grants: [{ grant: ALICE_GRANT, role: 'prod-db-readonly', grantee: 'alice@example.com', revokedAt: instant('2026-11-02T10:00:00Z') }],
  }), GITHUB);

  // PR #3 then PR #4, whose side commit bob made in the automation's name, landed by a merge commit.
  repo.write(BOB_GRANT, grantText({ grantee: 'bob@example.com', reason: 'Check the replica lag on the orders database', ticket: 'INC-200', expires: '2026-11-03T17:00:00Z' }));
  commits.bob = repo.commit(BOB, '2026-11-03T09:00:00Z', 'Request read-only database access (#3)', GITHUB);
  repo.git(BOB, '2026-11-03T09:30:00Z', 'switch', '-q', '-c', 'bob/done');
  repo.git(BOB, '2026-11-03T09:30:00Z', 'rm', '-q', BOB_GRANT);
  commits.bobSide = repo.commit(BOT, '2026-11-03T09:30:00Z', formatCommitMessage('Revoke (HR) 1 grant: bob@example.com prod-db-readonly', {
    action: 'revoke-hr', grants: [{ grant: BOB_GRANT, role: 'prod-db-readonly', grantee: 'bob@example.com', revokedAt: instant('2026-11-03T09:30:00Z'), reason: 'HR: bob@example.com left' }],
  }));
  repo.git(GITHUB, '2026-11-03T16:00:00Z', 'switch', '-q', 'main');
  repo.git(GITHUB, '2026-11-03T16:00:00Z', 'merge', '-q', '--no-ff', '--no-gpg-sign', '-m', 'Merge pull request #4 from example-org/bob/done', 'bob/done');
  commits.bobMerge = repo.head();

  // The real thing: the sweep, pushed to main by the App, expires carol's grant.
  repo.write(CAROL_GRANT, grantText({ grantee: 'carol@example.com', reason: 'Trace the slow order exports end to end', ticket: 'INC-300', expires: '2026-11-04T12:00:00Z' }));
  commits.carol = repo.commit(ALICE, '2026-11-04T09:00:00Z', 'Request read-only database access (#5)', GITHUB);
  repo.git(BOT, '2026-11-04T12:04:00Z', 'rm', '-q', CAROL_GRANT);
  commits.carolExpire = repo.commit(BOT, '2026-11-04T12:04:00Z', formatCommitMessage('Expire 1 grant: carol@example.com prod-db-readonly', {
    action: 'expire', grants: [{ grant: CAROL_GRANT, role: 'prod-db-readonly', grantee: 'carol@example.com', expiredAt: instant('2026-11-04T12:00:00Z'), revokedAt: instant('2026-11-04T12:03:00Z') }],
  }));
});
afterAll(() => repo.dispose());

async function audit(): Promise<AuditJson> {
  const run = await runCli(['audit', '--format', 'json'], { cwd: repo.root });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as AuditJson;
}

describe('trailers a person wrote', () => {
  it('do not move the end of a grant: a backdated Revoked-At in a squash-merged PR is dated by its commit', async () => {
    const report = await audit();
    const alice = report.grants.find((g) => g.path === ALICE_GRANT)!;
    expect([alice.ended?.kind, new Date(alice.ended!.removedAt).toISOString(), alice.ended?.commit.bot]).toEqual(['revoked', '2026-11-02T15:00:00.000Z', false]);
    const ended = report.events.find((e) => e.kind === 'ended' && e.grantee === 'alice@example.com')!;
    expect(ended.summary).toBe('revoked 3h before expiry, removed by Alice');
  });

  it('leave access-at showing the access the grantee still had', async () => {
    const run = await runCli(['access-at', '2026-11-02T12:00:00Z', '--grantee', 'alice@example.com'], { cwd: repo.root });
    expect(run.lines[0]).toBe('Access at 2026-11-02T12:00:00Z: 1 grant(s), 1 person(s)');
    expect(run.stdout).toContain(`alice@example.com  prod-db-readonly  ${ALICE_GRANT}  since 2026-11-02T09:00:00Z`);
  });

  it('are listed in the audit report as a finding, with who committed them and what they claimed', async () => {
    const report = await audit();
    expect(report.forgedTrailers.map((f) => [f.commit, f.committer, f.action, f.why])).toEqual([
      [commits.aliceForged, 'GitHub <noreply@github.com>', 'revoke', 'committed by GitHub <noreply@github.com>, not by the automation (gitgrant[bot])'],
    ]);
    const markdown = (await runCli(['audit'], { cwd: repo.root })).stdout;
    expect(markdown).toContain('## Lifecycle trailers not made by the automation');
    const section = markdown.slice(markdown.indexOf('## Lifecycle trailers not made by the automation'), markdown.indexOf('## Exception issues'));
    expect(section.split('\n').filter((line) => line.startsWith('- '))).toEqual([
      `- <code>${commits.aliceForged!.slice(0, 12)}</code> (PR #2) at 2026-11-02T15:00:00Z: \`Gitgrant-Action: revoke\` committed by GitHub &#60;noreply&#64;github&#46;com&#62;, not by the automation &#40;gitgrant&#91;bot&#93;&#41;; counted as a person's change`,
    ]);
  });

  it('in a commit that only reached main through a merge do not count, even under the automation\'s name', async () => {
    const report = await audit();
    const bob = report.grants.find((g) => g.path === BOB_GRANT)!;
    expect([bob.ended?.kind, new Date(bob.ended!.removedAt).toISOString(), bob.ended?.commit.sha]).toEqual(['revoked', '2026-11-03T16:00:00.000Z', commits.bobMerge]);

    const history = readGrantHistory(repo.root);
    expect(history.lifecycle.map((e) => [e.commit, e.action])).toEqual([[commits.carolExpire, 'expire']]);
    expect(history.forged.map((f) => [f.commit, f.action, f.why])).toEqual([
      [commits.aliceForged, 'revoke', 'committed by GitHub <noreply@github.com>, not by the automation (gitgrant[bot])'],
      [commits.bobSide, 'revoke-hr', 'not on main\'s first-parent line: it reached main through a merge, so a person made it whatever its author says'],
    ]);
  });

  it('are reported by anomalies, to the policy owners', async () => {
    const run = await runCli(['anomalies', '--json', '--now', '2026-11-05T00:00:00Z'], { cwd: repo.root });
    const findings = (JSON.parse(run.stdout) as { findings: { kind: string; summary: string; notify: string[] }[] }).findings.filter((f) => f.kind === 'ANOMALY_FORGED_TRAILERS');
    expect(findings.map((f) => [f.summary, f.notify])).toEqual(expect.arrayContaining([
      [`commit ${commits.aliceForged!.slice(0, 12)} carries gitgrant's lifecycle trailers (revoke) but was not made by the automation`, ['@example-org/security']],
      [`commit ${commits.bobSide!.slice(0, 12)} carries gitgrant's lifecycle trailers (revoke-hr) but was not made by the automation`, ['@example-org/security']],
    ]));
    expect(findings).toHaveLength(2);
  });

  it('still count when the automation pushed them to main: the sweep\'s Revoked-At stands', async () => {
    const report = await audit();
    const carol = report.grants.find((g) => g.path === CAROL_GRANT)!;
    expect([carol.ended?.kind, new Date(carol.ended!.removedAt).toISOString(), carol.ended?.commit.bot]).toEqual(['expired', '2026-11-04T12:03:00.000Z', true]);
  });
});
