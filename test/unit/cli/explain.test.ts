import { describe, expect, it } from 'vitest';
import { aGrant } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const explain = (grant: string, now: string, ...args: string[]) => runCli(['explain', grant, '--now', now, ...args], { cwd: TempRepo.fromExample().root });

/** The lines of the approval section, from its heading to the blank line after it. */
const approvalSection = (lines: string[]) => lines.slice(lines.indexOf('Approval requirement:'), lines.indexOf('Cloud targets:') - 1);

describe('gitgrant explain', () => {
  it('shows the three levels of prod-db-admin, each with why and where it is written', async () => {
    const run = await explain('grants/prod-db-admin/bob-chg-1187.yaml', '2026-11-22T12:00:00Z');
    expect(run.code).toBe(0);
    expect(approvalSection(run.lines)).toEqual([
      'Approval requirement:',
      '  1. owners: 2 of @example-org/db-owners',
      '     because role prod-db-admin, approval level 1 of 3 [roles/prod-db-admin.yaml:10]',
      '  2. security: 1 of @example-org/security',
      '     because role prod-db-admin, approval level 2 of 3 [roles/prod-db-admin.yaml:13]',
      '  3. engineering-director: 1 of @example-org/engineering-directors',
      '     because role prod-db-admin, approval level 3 of 3 [roles/prod-db-admin.yaml:15]',
      '  never counted as approvers: the grantee bob@example.com and the PR author',
    ]);
    expect(run.lines).toContain('  window    2026-11-24T20:00:00Z -> 2026-11-24T22:00:00Z: 2h, to be used (scheduled)');
    expect(run.lines).toContain('  8h       role prod-db-admin maxDuration (roles/prod-db-admin.yaml)');
  });

  it('adds VP approval to a grant over 72 hours, with the reason', async () => {
    const run = await explain('grants/customer-instance-admin/carol-sup-5521.yaml', '2026-11-22T12:00:00Z', '--author', 'carol-gh');
    expect(run.code).toBe(0);
    expect(approvalSection(run.lines).slice(-3)).toEqual([
      '  3. vp-approval: 1 of @example-org/vp-engineering',
      '     because escalation vp-approval: 5d is above 72h [policies/access.yaml:14]',
      '  never counted as approvers: the grantee carol@example.com and the requester @carol-gh',
    ]);
  });

  it('shows the waiver of a grant requested inside the auto-approval window, with the clock that decided', async () => {
    const run = await explain('grants/prod-db-readonly/alice-inc-4211.yaml', '2026-11-23T09:30:00Z');
    expect(run.code).toBe(0);
    expect(approvalSection(run.lines)).toEqual([
      'Approval requirement:',
      '  1. owners: 1 of @example-org/db-owners',
      '     because role prod-db-readonly, approval level 1 of 1 [roles/prod-db-readonly.yaml:9]',
      '  WAIVED (auto-approve-window): role prod-db-readonly auto-approves Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/London up to 4h [roles/prod-db-readonly.yaml:15]',
      '     decided at 2026-11-23T09:30:00Z = Mon 2026-11-23 09:30 Europe/London',
      '     no human approval is needed; the levels above would apply otherwise',
      '  never counted as approvers: the grantee alice@example.com and the PR author',
    ]);
  });

  it('shows no waiver for the same grant requested on a Sunday', async () => {
    const run = await explain('grants/prod-db-readonly/alice-inc-4211.yaml', '2026-11-22T12:00:00Z');
    expect(run.code).toBe(0);
    expect(run.lines.some((l) => l.includes('WAIVED'))).toBe(false);
  });

  it('prints the requirement as JSON with --json', async () => {
    const run = await explain('grants/prod-db-readonly/alice-inc-4211.yaml', '2026-11-23T09:30:00Z', '--json');
    const output = JSON.parse(run.stdout);
    expect(output.requirement.waivedBy).toMatchObject({ kind: 'auto-approve-window', clock: { timezone: 'Europe/London', local: 'Mon 2026-11-23 09:30 Europe/London' } });
    expect(output.grant).toMatchObject({ id: 'grants/prod-db-readonly/alice-inc-4211.yaml', duration: '4h', state: 'in use' });
  });

  it('refuses a path that is not a grant of the repository, with exit 2', async () => {
    const run = await explain('grants/prod-db-readonly/nobody.yaml', '2026-11-22T12:00:00Z');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('grants/prod-db-readonly/nobody.yaml is not a grant file of this repository');
  });

  it('finds a grant from the end of its path or its name, as a user types it', async () => {
    const full = await explain('grants/prod-db-readonly/alice-inc-4211.yaml', '2026-11-22T12:00:00Z', '--json');
    for (const typed of ['prod-db-readonly/alice-inc-4211.yaml', 'alice-inc-4211.yaml', 'alice-inc-4211']) {
      expect(await explain(typed, '2026-11-22T12:00:00Z', '--json'), typed).toEqual(full);
    }
  });

  it('refuses a name that several grants end with, listing them, rather than guessing', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'grants/prod-db-admin/alice-inc-4211.yaml', text: repo.read('grants/prod-db-readonly/alice-inc-4211.yaml') });
    const run = await runCli(['explain', 'alice-inc-4211', '--now', '2026-11-22T12:00:00Z'], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'gitgrant: alice-inc-4211 names 2 grants: grants/prod-db-admin/alice-inc-4211.yaml, grants/prod-db-readonly/alice-inc-4211.yaml\nhint: give more of the path, e.g. <role>/<file>.yaml\n',
    );
  });

  describe('exempt lists waive approval only for the listed person themselves (issue 9, finding 5)', () => {
    // prod-db-readonly exempts @dba-lead and dana@example.com, who are one person (policies/identities.yaml).
    const danasOwn = aGrant().ofRole('prod-db-readonly').for('dana@example.com').withTicket('INC-5').startingAt('2026-11-22T13:00:00Z').expiringIn('1h').named('dana-inc-5');
    const forHeidi = aGrant().ofRole('prod-db-readonly').for('heidi@example.com').withTicket('INC-6').startingAt('2026-11-22T13:00:00Z').expiringIn('1h').named('heidi-inc-6');
    const explainIn = (grant: typeof danasOwn, ...args: string[]) =>
      runCli(['explain', grant.path, '--now', '2026-11-22T12:00:00Z', ...args], { cwd: TempRepo.fromExample().write(grant.build()).root });

    it('waives the exempt person asking for their own access', async () => {
      const run = await explainIn(danasOwn, '--author', 'dba-lead');
      expect(run.stdout).toContain("  WAIVED (exempt): dana@example.com is on role prod-db-readonly's exempt list and asked for their own access [roles/prod-db-readonly.yaml:21]");
    });

    it('does not waive what an exempt author asks for someone else, and says why', async () => {
      const run = await explainIn(forHeidi, '--author', '@dba-lead');
      expect(run.lines.some((l) => /^\s+WAIVED/.test(l))).toBe(false);
      expect(run.stdout).toContain(
        "  NOT WAIVED (exempt): @dba-lead is on role prod-db-readonly's exempt list, but the grant is for heidi@example.com; the list waives approval only for the listed person's own access",
      );
    });

    it('without --author, says the waiver needs the exempt person to open the pull request', async () => {
      const run = await explainIn(danasOwn);
      expect(run.stdout).toContain(
        "  NOT WAIVED (exempt): dana@example.com is on role prod-db-readonly's exempt list; it waives approval only when dana@example.com opens the pull request themselves",
      );
    });
  });
});
