/**
 * Issue 9 finding 10: with an HR source configured, `validate` and `new-grant` refuse a grant for
 * someone HR marks as gone or does not know (or warn, with `hr.atRequest: warn`), at the grant's
 * `grantee:` line, instead of leaving it to the nightly run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aGrant, type FileSpec } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const EXAMPLE_NOW = '2026-11-22T12:00:00Z';

/** The example organisation, where HR (hr/people.json) now says heidi was terminated. */
function exampleWithHeidiGone(): TempRepo {
  const repo = TempRepo.fromExample();
  const people = JSON.parse(repo.read('hr/people.json')) as { people: Array<Record<string, unknown>> };
  for (const person of people.people) if (person.email === 'heidi@example.com') Object.assign(person, { active: false, status: 'terminated' });
  return repo.write({ path: 'hr/people.json', text: JSON.stringify(people, null, 2) + '\n' });
}

const readonlyGrantFor = (grantee: string, name: string) =>
  aGrant().ofRole('prod-db-readonly').for(grantee).withTicket('INC-1').startingAt('2026-11-22T13:00:00Z').expiringIn('1h').named(name);

const withAtRequest = (repo: TempRepo, mode: string): TempRepo => {
  const policy: FileSpec = { path: 'policies/hr.yaml', text: repo.read('policies/hr.yaml').replace('onTerminated: revoke', `atRequest: ${mode}\n  onTerminated: revoke`) };
  return repo.write(policy);
};

describe('gitgrant validate with an HR source', () => {
  it('refuses a grant for someone HR marks as terminated, at the grantee line', async () => {
    const repo = exampleWithHeidiGone().write(readonlyGrantFor('heidi@example.com', 'heidi-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines).toContain(
      'grants/prod-db-readonly/heidi-inc-1.yaml:1:10: error GRANT_GRANTEE_LEFT: heidi@example.com is terminated in HR (hr/people.json); access cannot be requested for them (hint: check the grantee; if HR is wrong, correct the HR record first)',
    );
  });

  it('refuses a grant for someone HR does not know', async () => {
    const repo = TempRepo.fromExample().write(readonlyGrantFor('zed@example.com', 'zed-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('grants/prod-db-readonly/zed-inc-1.yaml:1:10: error GRANT_GRANTEE_NOT_IN_HR: zed@example.com is not in the HR data (hr/people.json)');
  });

  it('with --changed-since, refuses the changed grant for someone HR marks as terminated', async () => {
    const repo = exampleWithHeidiGone().initGit();
    repo.write(readonlyGrantFor('heidi@example.com', 'heidi-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines).toContain(
      'grants/prod-db-readonly/heidi-inc-1.yaml:1:10: error GRANT_GRANTEE_LEFT: heidi@example.com is terminated in HR (hr/people.json); access cannot be requested for them (hint: check the grantee; if HR is wrong, correct the HR record first)',
    );
  });

  it('with --changed-since, follows an hr section the change edits (only warns with hr.atRequest: warn)', async () => {
    const repo = exampleWithHeidiGone().initGit();
    withAtRequest(repo, 'warn').write(readonlyGrantFor('heidi@example.com', 'heidi-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD'], { cwd: repo.root });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('warning GRANT_GRANTEE_LEFT: heidi@example.com is terminated in HR');
  });

  it('with --changed-since, reads only the rows of the changed grants\' grantees: a broken row of someone else is for the full run', async () => {
    const repo = TempRepo.fromExample();
    const people = JSON.parse(repo.read('hr/people.json')) as { people: Array<Record<string, unknown>> };
    people.people.push({ email: 'quentin@example.com', active: 'maybe' });
    repo.write({ path: 'hr/people.json', text: JSON.stringify(people, null, 2) + '\n' }).initGit();
    const brokenRow = 'hr/people.json:' + String(repo.read('hr/people.json').split('\n').findIndex((line) => line.includes('quentin')));
    repo.write(readonlyGrantFor('heidi@example.com', 'heidi-inc-1').build());
    const narrowed = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD'], { cwd: repo.root });
    expect(narrowed.code, narrowed.stdout).toBe(0);
    expect(narrowed.stdout).not.toContain('HR_ROW_INVALID');
    const full = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(full.stdout).toContain(`${brokenRow}:1: warning HR_ROW_INVALID: \`active\` must be true or false, not "maybe"`);
  });

  it('with --changed-since, a grantee HR does not know makes it read every row, so a broken row that may be theirs is named', async () => {
    const repo = TempRepo.fromExample();
    const people = JSON.parse(repo.read('hr/people.json')) as { people: Array<Record<string, unknown>> };
    people.people.push({ email: 'zed@@example.com', active: true });
    repo.write({ path: 'hr/people.json', text: JSON.stringify(people, null, 2) + '\n' }).initGit();
    repo.write(readonlyGrantFor('zed@example.com', 'zed-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('warning HR_ROW_INVALID: `email` is not an email address: "zed@@example.com"');
    expect(run.stdout).toContain('error GRANT_GRANTEE_NOT_IN_HR: zed@example.com is not in the HR data (hr/people.json); the HR data also has read errors (see above), which may be why');
  });

  it('only warns with hr.atRequest: warn', async () => {
    const repo = withAtRequest(exampleWithHeidiGone(), 'warn').write(readonlyGrantFor('heidi@example.com', 'heidi-inc-1').build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('warning GRANT_GRANTEE_LEFT: heidi@example.com is terminated in HR');
  });

  it('rejects an hr.atRequest value it does not know', async () => {
    const repo = withAtRequest(TempRepo.fromExample(), 'ignore');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('policies/hr.yaml:8:14: error SCHEMA_ENUM: `hr.atRequest` must be one of refuse, warn');
  });
});

describe('gitgrant new-grant with an HR source', () => {
  it('refuses to write a grant for someone HR marks as terminated', async () => {
    const repo = exampleWithHeidiGone();
    const run = await runCli(
      ['new-grant', '--now', EXAMPLE_NOW, '--role', 'prod-db-readonly', '--grantee', 'heidi@example.com', '--reason', 'Check the replication lag on the orders replica', '--ticket', 'INC-9'],
      { cwd: repo.root },
    );
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'grants/prod-db-readonly/heidi-inc-9.yaml:2:10: error GRANT_GRANTEE_LEFT: heidi@example.com is terminated in HR (hr/people.json); access cannot be requested for them (hint: check the grantee; if HR is wrong, correct the HR record first)',
      'gitgrant new-grant: the grant would not pass validation; nothing written',
    ]);
    expect(existsSync(join(repo.root, 'grants/prod-db-readonly/heidi-inc-9.yaml'))).toBe(false);
  });
});
