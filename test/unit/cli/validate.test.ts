import { describe, expect, it } from 'vitest';
import { aGrant } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

/** Sunday 22 November 2026, noon UTC: before every grant of the example organisation ends. */
const EXAMPLE_NOW = '2026-11-22T12:00:00Z';
const validate = (repo: TempRepo, ...args: string[]) => runCli(['validate', '--now', EXAMPLE_NOW, ...args], { cwd: repo.root });

/** A grant of the example's prod-db-readonly role whose reason is too short for the policy (15 characters). */
const terseGrant = () => aGrant().ofRole('prod-db-readonly').for('hugo@example.com').withTicket('INC-1').because('look').startingAt('2026-11-23T10:00:00Z').expiringIn('1h').named('hugo-inc-1');

describe('gitgrant validate', () => {
  it('finds no problems in the example organisation, and says what it read', async () => {
    const repo = TempRepo.fromExample();
    const run = await validate(repo);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.lines).toEqual([`gitgrant validate: ${repo.summary()}: no problems found`]);
  });

  it('reads the repository named by --repo, relative to the working directory', async () => {
    const repo = TempRepo.fromExample();
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--repo', '.'], { cwd: repo.root });
    expect(run.code).toBe(0);
  });

  it('prints counts and an empty list as JSON with --json', async () => {
    const repo = TempRepo.fromExample();
    const run = await validate(repo, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ...repo.counts(), errors: 0, warnings: 0, notices: 0, diagnostics: [] });
  });

  it('prints each finding as JSON with its code, severity and place', async () => {
    const grant = terseGrant();
    const repo = TempRepo.fromExample().write(grant.build());
    const run = await validate(repo, '--json');
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({ ...repo.counts(), errors: 1, warnings: 0, notices: 0 });
    expect(output.diagnostics).toEqual([
      {
        severity: 'error', code: 'GRANT_REASON_TOO_SHORT', summary: 'reason has 4 characters; the policy asks for at least 15',
        hint: 'say what you will do and why, so approvers and auditors can judge it',
        file: 'grants/prod-db-readonly/hugo-inc-1.yaml', start: { line: 2, col: 9 }, end: { line: 2, col: 13 },
      },
    ]);
  });

  it('exits 1 and prints file:line:col for each error', async () => {
    const repo = TempRepo.fromExample().write(terseGrant().build());
    const run = await validate(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'grants/prod-db-readonly/hugo-inc-1.yaml:2:9: error GRANT_REASON_TOO_SHORT: reason has 4 characters; the policy asks for at least 15 (hint: say what you will do and why, so approvers and auditors can judge it)',
      `gitgrant validate: ${repo.summary()}: 1 error, 0 warnings`,
    ]);
  });

  it('exits 0 when there are only warnings, and counts them', async () => {
    const scheduledFarAhead = aGrant().ofRole('gcp-platform-folder-viewer').for('ivan@example.com').startingAt('2026-12-10T10:00:00Z').expiringIn('2h').named('ivan-ahead');
    const repo = TempRepo.fromExample().write(scheduledFarAhead.build());
    const run = await validate(repo);
    expect(run.code).toBe(0);
    expect(run.lines.at(-1)).toBe(`gitgrant validate: ${repo.summary()}: 0 errors, 1 warning`);
    expect(run.lines[0]).toMatch(/^grants\/gcp-platform-folder-viewer\/ivan-ahead\.yaml:1:1: warning POLICY_RULE_VIOLATED: \[scheduled-access-within-a-week\]/);
  });

  it('counts an expired grant on main as a notice, not a failure', async () => {
    const repo = TempRepo.fromExample();
    const run = await runCli(['validate', '--now', '2026-11-24T00:00:00Z'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(run.lines.filter((l) => l.includes('GRANT_AWAITING_SWEEP'))).toHaveLength(3);
    expect(run.lines.at(-1)).toBe(`gitgrant validate: ${repo.summary()}: no problems found, 3 notices`);
  });
});

describe('gitgrant usage errors exit 2', () => {
  it('a --now that is not an instant with a zone', async () => {
    const run = await runCli(['validate', '--now', '2026-11-22 12:00'], { cwd: TempRepo.fromExample().root });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe('gitgrant: --now 2026-11-22 12:00 is not a date and time with a zone\nhint: write e.g. --now 2026-11-22T18:00:00Z\n');
  });

  it('an unknown option', async () => {
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--frobnicate'], { cwd: TempRepo.fromExample().root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--frobnicate'");
  });

  it('an unknown command', async () => {
    const run = await runCli(['frobnicate'], { cwd: TempRepo.fromExample().root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });
});
