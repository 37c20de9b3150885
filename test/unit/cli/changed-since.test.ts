import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aGrant } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const EXAMPLE_NOW = '2026-11-22T12:00:00Z';

/** An example repo on git, with an unrelated broken grant already committed on main. */
function mainWithABrokenGrant(): TempRepo {
  const broken = aGrant().ofRole('gcp-platform-folder-viewer').for('erin@example.com').because('debug').startingAt('2026-11-25T10:00:00Z').expiringIn('2h').named('erin-broken');
  const repo = TempRepo.fromExample().write(broken.build()).initGit();
  repo.git('switch', '-q', '-c', 'request');
  return repo;
}

/** Hugo asks for the exclusive payments role while Gina holds it (14:00-16:00 on 23 November). */
const hugoOverlappingGina = () =>
  aGrant().ofRole('payments-console-operator').for('hugo@example.com').withTicket('INC-4400').because('Retry the payouts batch with the provider').startingAt('2026-11-23T15:00:00Z').expiringIn('1h').named('hugo-inc-4400');

/** What a narrowed run reads: every policy file, the one role the change touches, and its grants. */
function narrowedSummary(repo: TempRepo, grants: number): string {
  const policies = repo.counts().files - repo.counts().roles - repo.counts().grants;
  return `${policies + 1 + grants} files (1 role, ${grants} grants)`;
}

describe('gitgrant validate --changed-since', () => {
  it('reports the changed grant overlapping an unchanged grant of its exclusive role, and nothing about unrelated grants', async () => {
    const repo = mainWithABrokenGrant();
    repo.write(hugoOverlappingGina().build()).commitAll('Request payments access for Hugo');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'main'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      'grants/payments-console-operator/hugo-inc-4400.yaml:5:10: error GRANT_EXCLUSIVE_OVERLAP: role payments-console-operator is exclusive, and grants/payments-console-operator/gina-inc-4302.yaml (gina@example.com) holds it in an overlapping window (hint: pick a window after the other grant ends, or ask its holder to end it early)',
      `gitgrant validate: ${narrowedSummary(repo, 2)} changed since main: 1 error, 0 warnings`,
    ]);
  });

  it('sees uncommitted and untracked changes too', async () => {
    const repo = mainWithABrokenGrant();
    repo.write(hugoOverlappingGina().build());
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'main', '--json'], { cwd: repo.root });
    expect(JSON.parse(run.stdout).diagnostics.map((d: { file: string; code: string }) => `${d.file} ${d.code}`)).toEqual([
      'grants/payments-console-operator/hugo-inc-4400.yaml GRANT_EXCLUSIVE_OVERLAP',
    ]);
  });

  it('passes a change that touches nothing broken, although main holds a broken grant', async () => {
    const repo = mainWithABrokenGrant();
    const fine = aGrant().ofRole('payments-console-operator').for('hugo@example.com').withTicket('INC-4400').because('Retry the payouts batch with the provider').startingAt('2026-11-23T16:00:00Z').expiringIn('1h');
    repo.write(fine.build()).commitAll('Request payments access for Hugo after Gina');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'main'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([`gitgrant validate: ${narrowedSummary(repo, 2)} changed since main: no problems found`]);
  });

  it('without --changed-since, the broken grant on main is reported (the control for the cases above)', async () => {
    const run = await runCli(['validate', '--now', EXAMPLE_NOW], { cwd: mainWithABrokenGrant().root });
    expect(run.code).toBe(1);
    expect(run.lines[0]).toMatch(/^grants\/gcp-platform-folder-viewer\/erin-broken\.yaml:2:9: error GRANT_REASON_TOO_SHORT/);
  });

  it('checks every grant when a policy file changed', async () => {
    const repo = mainWithABrokenGrant();
    repo.write({ path: 'policies/access.yaml', text: repo.read('policies/access.yaml').replace('minLength: 15', 'minLength: 16') }).commitAll('Longer reasons');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'main'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines.some((l) => l.startsWith('grants/gcp-platform-folder-viewer/erin-broken.yaml:2:9: error GRANT_REASON_TOO_SHORT'))).toBe(true);
  });

  it('reports grants that overlap once a change makes their role exclusive, though neither grant changed', async () => {
    const ivan = aGrant().ofRole('staging-poweruser').for('ivan@example.com').because('Test the release candidate on staging').startingAt('2026-11-23T10:00:00Z').expiringIn('4h').named('ivan-rc');
    const jana = aGrant().ofRole('staging-poweruser').for('jana@example.com').because('Load-test the release candidate on staging').startingAt('2026-11-23T12:00:00Z').expiringIn('4h').named('jana-rc');
    const repo = TempRepo.fromExample().write(ivan.build(), jana.build()).initGit();
    repo.write({ path: 'roles/staging-poweruser.yaml', text: `${repo.read('roles/staging-poweruser.yaml')}exclusive: true\n` }).commitAll('Staging is one tester at a time');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD~1'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.includes('GRANT_EXCLUSIVE_OVERLAP')).map((l) => l.split(':')[0])).toEqual([ivan.path, jana.path]);
  });

  it('reports the grants left behind when a change deletes their role', async () => {
    const ivan = aGrant().ofRole('staging-poweruser').for('ivan@example.com').because('Test the release candidate on staging').startingAt('2026-11-23T10:00:00Z').expiringIn('4h').named('ivan-rc');
    const repo = TempRepo.fromExample().write(ivan.build()).initGit();
    repo.remove('roles/staging-poweruser.yaml').commitAll('Retire the staging role');
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'HEAD~1'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.includes('GRANT_ROLE_UNKNOWN')).map((l) => l.split(':')[0])).toContain(ivan.path);
  });

  it('sees a grant deleted from the index but still in the working tree (untracked again)', async () => {
    const repo = mainWithABrokenGrant();
    repo.write(hugoOverlappingGina().build()).commitAll('Request payments access for Hugo');
    repo.git('rm', '-q', '--cached', hugoOverlappingGina().path);
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'main', '--json'], { cwd: repo.root });
    expect(JSON.parse(run.stdout).diagnostics.map((d: { file: string; code: string }) => `${d.file} ${d.code}`)).toEqual([
      'grants/payments-console-operator/hugo-inc-4400.yaml GRANT_EXCLUSIVE_OVERLAP',
    ]);
  });

  it('reads a ref that looks like an option as a ref, never as an option to git', async () => {
    const repo = mainWithABrokenGrant();
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', `--output=${repo.root}/pwned`], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--changed-since --output=${repo.root}/pwned is not a commit in this repository`);
    expect(existsSync(join(repo.root, 'pwned'))).toBe(false);
  });

  it('refuses a ref that is not a commit, with exit 2', async () => {
    const run = await runCli(['validate', '--now', EXAMPLE_NOW, '--changed-since', 'no-such-branch'], { cwd: mainWithABrokenGrant().root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--changed-since no-such-branch is not a commit in this repository');
  });
});
