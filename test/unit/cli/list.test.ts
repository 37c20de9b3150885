import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const list = (...args: string[]) => runCli(['list', '--now', '2026-11-23T10:00:00Z', ...args], { cwd: TempRepo.fromExample().root });

describe('gitgrant list', () => {
  it('prints active and scheduled grants of the example organisation as a table with a count', async () => {
    const run = await list();
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatch(/^STATE +GRANTEE +ROLE +STARTS +EXPIRES +TIME +KIND +TICKET +FILE$/);
    expect(run.lines.find((l) => l.includes('alice@example.com'))).toMatch(/^active +alice@example\.com +prod-db-readonly +2026-11-23T09:00:00Z +2026-11-23T13:00:00Z +3h left +request +INC-4211 +grants\/prod-db-readonly\/alice-inc-4211\.yaml$/);
    expect(run.lines.at(-1)).toBe('6 grants at 2026-11-23T10:00:00Z: 4 active, 2 scheduled');
  });

  it('filters and prints JSON', async () => {
    const run = await list('--role', 'prod-db-admin', '--json');
    expect(JSON.parse(run.stdout)).toEqual([
      {
        grant: 'grants/prod-db-admin/bob-chg-1187.yaml',
        role: 'prod-db-admin',
        grantee: 'bob@example.com',
        state: 'scheduled',
        starts: '2026-11-24T20:00:00Z',
        expires: '2026-11-24T22:00:00Z',
        remaining: '34h',
        ticket: 'CHG-1187',
        kind: 'request',
      },
    ]);
  });

  it('refuses an unknown state as a usage error', async () => {
    const run = await list('--state', 'revoked');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gitgrant: --state revoked: revoked is not a state\nhint: use one or more of active, scheduled, expired, separated by commas\n');
  });

  it('says the list may be incomplete when a grant file does not load, and exits 1', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'grants/prod-db-readonly/broken.yaml', text: 'grantee: [\n' });
    const run = await runCli(['list', '--now', '2026-11-23T10:00:00Z'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('grants/prod-db-readonly/broken.yaml:');
    expect(run.stderr).toMatch(/the list may be incomplete \(run gitgrant validate\)\n$/);
  });
});
