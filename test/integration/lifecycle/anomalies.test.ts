import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import { readGrantHistory } from '../../../src/adapters/git/history.js';
import { aGrant, aPolicy } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { gcpRole, gitRepo } from './harness.js';

const NOW = '2026-11-23T10:00:00Z';

/** Alice asks for the same role three times in November, a grant at a time; Bob breaks glass once. */
function historyRepo(): TempRepo {
  const repo = gitRepo([gcpRole()]);
  const starts = ['2026-11-02T09:00:00Z', '2026-11-10T09:00:00Z', '2026-11-20T09:00:00Z'];
  let previous: string | undefined;
  for (const [i, at] of starts.entries()) {
    const grant = aGrant().for('alice@example.com').named(`alice-${i}`).startingAt(at).expiringIn('4h');
    if (previous) repo.remove(previous);
    repo.write(grant.build()).commitAll(`Alice, request ${i}`);
    previous = grant.path;
  }
  repo.write(aGrant().for('bob@example.com').named('bob-glass').startingAt('2026-11-21T03:00:00Z').expiringIn('2h').breakingGlass('INC-1').build()).commitAll('Break glass');
  return repo;
}

describe('gitgrant anomalies over git history', () => {
  it('finds repeated use of a role across grant files that no longer exist, and break-glass use', async () => {
    const repo = historyRepo();

    const run = await runCli(['anomalies', '--repo', repo.root, '--now', NOW, '--json'], { cwd: repo.root });

    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; notes: string[] };
    expect(result.findings.map((f) => [f.kind, f.summary])).toEqual([
      ['ANOMALY_BREAK_GLASS', 'bob@example.com broke glass for role app-readonly at 2026-11-21T03:00:00Z'],
      ['ANOMALY_REPEATED_USE', 'alice@example.com took role app-readonly 3 times in 30 days'],
    ]);
    expect(result.notes).toContain('approver concentration skipped: no approval notes in history (refs/notes/gitgrant)');
  });

  it('flags starts outside the working hours the policy sets', async () => {
    const repo = historyRepo();
    repo.write(aPolicy().withSection('anomalies', { workingHours: { timezone: 'Europe/London', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '19:00' } }).build()).commitAll('Working hours');

    const run = await runCli(['anomalies', '--repo', repo.root, '--now', NOW, '--json'], { cwd: repo.root });

    const result = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(result.findings.filter((f) => f.kind === 'ANOMALY_OFF_HOURS').map((f) => f.grants)).toEqual([['grants/app-readonly/bob-glass.yaml']]);
  });

  it('points at the policy line of an invalid threshold, and runs no rule', async () => {
    const repo = gitRepo([gcpRole()]);
    const policy = aPolicy().withSection('anomalies', { workingHours: { timezone: 'Mars/Olympus', days: ['mon'], from: '09:00', to: '17:00' } }).build();
    repo.write(policy).commitAll('Bad zone');

    const run = await runCli(['anomalies', '--repo', repo.root, '--now', NOW], { cwd: repo.root });

    expect(run.code).toBe(1);
    const line = policy.text.split('\n').findIndex((l) => l.includes('timezone: Mars/Olympus')) + 1;
    expect(run.stdout).toContain(`policies/access.yaml:${line}:`);
    expect(run.stdout).toContain('ANOMALY_CONFIG_INVALID');
  });

  it('reads each added grant file as it was when added, in commit order', () => {
    const history = readGrantHistory(historyRepo().root);
    expect(history.added.map((e) => [e.grant, e.grantee, e.breakGlass])).toEqual([
      ['grants/app-readonly/alice-0.yaml', 'alice@example.com', false],
      ['grants/app-readonly/alice-1.yaml', 'alice@example.com', false],
      ['grants/app-readonly/alice-2.yaml', 'alice@example.com', false],
      ['grants/app-readonly/bob-glass.yaml', 'bob@example.com', true],
    ]);
  });
});
