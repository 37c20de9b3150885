import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCommitMessage } from '../../../src/core/audit/trailers.js';
import { aGrant, aPolicy, type FileSpec } from '../../support/builders/model.js';
import { AUTOMATION_COMMITTER } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { gcpRole, gitRepo } from './harness.js';

const HR_POLICY: FileSpec = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }], onTerminated: 'report' }).build();
const PEOPLE: FileSpec = { path: 'hr/people.json', text: JSON.stringify([{ email: 'alice@example.com', status: 'active' }, { email: 'bob@example.com', status: 'terminated' }]) };

describe('gitgrant report --monthly', () => {
  it('writes the previous month\'s report as Markdown and CSV from git history and HR', async () => {
    const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-20T18:00:00Z');
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-12-20T18:00:00Z');
    const repo = gitRepo([HR_POLICY, PEOPLE, gcpRole(), alice.build(), bob.build()]);
    // The test repo's commits are all dated 2026-11-20 (see TempRepo).
    repo.remove(alice.path).commitAll(formatCommitMessage('Expire 1 grant', { action: 'expire', grants: [{ grant: alice.path, role: 'app-readonly', grantee: 'alice@example.com', expiredAt: Date.parse('2026-11-20T18:00:00Z'), revokedAt: Date.parse('2026-11-20T18:04:00Z') }] }), AUTOMATION_COMMITTER);

    const run = await runCli(['report', '--monthly', '--repo', repo.root, '--now', '2026-12-01T03:37:00Z', '--out', 'out'], { cwd: repo.root });

    expect(run.code).toBe(0);
    const csv = readFileSync(join(repo.root, 'out/exceptions-2026-11.csv'), 'utf8').split('\r\n');
    expect(csv.slice(1, -1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['hr-validation,HR_GRANTEE_TERMINATED', 'remediation,expire']);
    const markdown = readFileSync(join(repo.root, 'out/exceptions-2026-11.md'), 'utf8');
    expect(markdown).toContain('# Privileged access exception report, 2026-11');
    expect(markdown).toContain('| Grants requested | 2 |');
  });

  it('counts the month\'s HR revocations in the headline instead of "HR exceptions 0 / every holder matches HR"', async () => {
    const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-12-20T18:00:00Z');
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-12-20T18:00:00Z');
    const carol = aGrant().for('carol@example.com').named('carol-1').expiringAt('2026-12-20T18:00:00Z');
    const people: FileSpec = { path: 'hr/people.json', text: JSON.stringify([{ email: 'alice@example.com', status: 'active' }, { email: 'bob@example.com', status: 'terminated' }, { email: 'carol@example.com', status: 'terminated' }]) };
    const repo = gitRepo([HR_POLICY, people, gcpRole(), alice.build(), bob.build(), carol.build()]);
    // The nightly hr-check revoked both leavers in November (the test repo's commits are dated 2026-11-20).
    const revokedAt = Date.parse('2026-11-20T03:00:00Z');
    repo.remove(bob.path).remove(carol.path).commitAll(formatCommitMessage('Revoke (HR) 2 grants', { action: 'revoke-hr', grants: [
      { grant: bob.path, role: 'app-readonly', grantee: 'bob@example.com', revokedAt, reason: 'bob@example.com is terminated in HR' },
      { grant: carol.path, role: 'app-readonly', grantee: 'carol@example.com', revokedAt, reason: 'carol@example.com is terminated in HR' },
    ] }), AUTOMATION_COMMITTER);

    const run = await runCli(['report', '--monthly', '--repo', repo.root, '--now', '2026-12-01T03:37:00Z'], { cwd: repo.root });

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('| HR exceptions | 0 |');
    expect(run.stdout).not.toContain('Every holder matches HR');
    expect(run.lines).toContain('| HR exceptions | 2 (0 open now, 2 revoked this month) |');
    expect(run.lines).toContain('| Grants revoked because of HR | 2 |');
    expect(run.lines).toContain('| Remediation actions | 2 |');
  });

  it('prints the Markdown when no folder is given, and refuses a report it does not know', async () => {
    const repo = gitRepo([gcpRole()]);
    const printed = await runCli(['report', '--monthly', '--repo', repo.root, '--now', '2026-12-01T03:37:00Z'], { cwd: repo.root });
    expect(printed.lines[0]).toBe('# Privileged access exception report, 2026-11');
    expect(printed.stdout).toContain('| HR exceptions | not checked |');
    expect((await runCli(['report', '--repo', repo.root], { cwd: repo.root })).code).toBe(2);
  });
});
