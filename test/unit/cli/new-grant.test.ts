import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const EXAMPLE_NOW = '2026-11-22T12:00:00Z';
const newGrant = (repo: TempRepo, ...args: string[]) => runCli(['new-grant', '--now', EXAMPLE_NOW, ...args], { cwd: repo.root });
const hugoOnReadonly = ['--role', 'prod-db-readonly', '--grantee', 'hugo@example.com', '--reason', 'Check the replication lag on the orders replica'];

describe('gitgrant new-grant', () => {
  it('writes a grant file from flags that then validates', async () => {
    const repo = TempRepo.fromExample();
    const run = await newGrant(repo, ...hugoOnReadonly, '--ticket', 'INC-77', '--duration', '3h');
    expect(run).toMatchObject({ code: 0, lines: ['gitgrant new-grant: wrote grants/prod-db-readonly/hugo-inc-77.yaml (3h); open a pull request to request it'] });
    expect(repo.read('grants/prod-db-readonly/hugo-inc-77.yaml')).toBe(
      [
        '# yaml-language-server: $schema=../../schemas/grant.schema.json',
        'grantee: hugo@example.com',
        'reason: Check the replication lag on the orders replica',
        'ticket: INC-77',
        'expires: 2026-11-22T15:00:00Z',
        '',
      ].join('\n'),
    );
    const validate = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
    expect(validate.lines).toEqual([`gitgrant validate: ${repo.summary()}: no problems found`]);
  });

  it("lasts the role's default duration when no duration is given", async () => {
    const repo = TempRepo.fromExample();
    const run = await newGrant(repo, '--role', 'prod-db-admin', '--grantee', 'ivan@example.com', '--reason', 'Drop the unused index on orders', '--ticket', 'CHG-2001');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toContain('(2h)');
    expect(repo.read('grants/prod-db-admin/ivan-chg-2001.yaml')).toContain('expires: 2026-11-22T14:00:00Z\n');
  });

  it('starts a scheduled grant at --starts and measures the duration from there', async () => {
    const repo = TempRepo.fromExample();
    const run = await newGrant(repo, ...hugoOnReadonly, '--ticket', 'INC-78', '--starts', '2026-11-23T08:00:00Z', '--stdout');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('starts: 2026-11-23T08:00:00Z\nexpires: 2026-11-23T12:00:00Z\n');
    expect(existsSync(join(repo.root, 'grants/prod-db-readonly/hugo-inc-78.yaml'))).toBe(false);
  });

  it('refuses a grant that would not validate, says why, and writes nothing', async () => {
    const repo = TempRepo.fromExample();
    const run = await newGrant(repo, ...hugoOnReadonly);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'grants/prod-db-readonly/hugo-202611221200.yaml:2:1: error GRANT_TICKET_REQUIRED: role prod-db-readonly is a production role: a ticket is required (hint: add `ticket:` with a key that matches the policy pattern ^((INC|CHG|SUP)-[0-9]+|#[0-9]+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+)$)',
      'gitgrant new-grant: the grant would not pass validation; nothing written',
    ]);
    expect(existsSync(join(repo.root, 'grants/prod-db-readonly/hugo-202611221200.yaml'))).toBe(false);
  });

  it('refuses a duration over the role maximum', async () => {
    const run = await newGrant(TempRepo.fromExample(), ...hugoOnReadonly, '--ticket', 'INC-79', '--duration', '2d');
    expect(run.code).toBe(1);
    expect(run.lines[0]).toContain("error GRANT_DURATION_OVER_ROLE_MAX: lasts 48h, over role prod-db-readonly's maxDuration of 24h");
  });

  it('asks for a missing flag only on a terminal: elsewhere it is a usage error', async () => {
    const run = await newGrant(TempRepo.fromExample(), '--grantee', 'hugo@example.com');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--role is required');
  });

  it('refuses a role that does not exist, naming the ones that do', async () => {
    const run = await newGrant(TempRepo.fromExample(), ...hugoOnReadonly.map((a) => (a === 'prod-db-readonly' ? 'prod-db-reader' : a)));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('there is no role prod-db-reader');
  });
});
