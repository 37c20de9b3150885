/**
 * Issue 12's acceptance, as a user adopting gitgrant would do it: a fresh clone of the template
 * (whose history, like the real one, once held the example organisation at the root), then
 * `gitgrant init --org acme --domain acme.test --owners @acme/security --yes`, a commit, and then
 * `validate` passes, `audit`, `access-at`, `anomalies` and the dashboard show nothing of the
 * example organisation, and `npm run demo` still passes. Run with tsx from the clone's own sources.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ORG, PROJECT_ROOT } from '../../support/temp-repo.js';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Template Author', GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Template Author', GIT_COMMITTER_EMAIL: 'author@example.com',
};
const TSX = join(PROJECT_ROOT, 'node_modules/.bin/tsx');
/** An organisation's paths (README, "Taking later gitgrant releases"): never part of the template. */
const ORG_DATA = ['policies/', 'roles/', 'grants/', 'hr/', 'evidence/', '.gitgrant/'];
/** When the example organisation's grants were active (alice, carol, erin, gina). */
const EXAMPLE_BUSY = '2026-11-23T10:00:00Z';

let work: string;
let clone: string;

function git(cwd: string, args: string[], date = '2026-11-20T12:00:00Z'): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
}

function gitgrant(args: string[]) {
  const { GITHUB_ACTIONS: _a, GITHUB_TOKEN: _t, ...env } = process.env;
  return spawnSync(TSX, [join(clone, 'src/cli/bin.ts'), ...args], { cwd: clone, env, encoding: 'utf8', timeout: 120_000 });
}

/** The template as the project ships it: the files git would commit now, over a history whose first commit had the example org at the root. */
function makeTemplate(dir: string): void {
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  for (const folder of ['policies', 'roles', 'grants', 'hr']) cpSync(join(EXAMPLE_ORG, folder), join(dir, folder), { recursive: true });
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-gpg-sign', '-m', 'The example organisation at the root, as older templates had it']);
  git(dir, ['rm', '-rq', 'policies', 'roles', 'grants', 'hr']);
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\0');
  // In an organisation's repo (after init), its own data is not part of the template it came from.
  for (const path of tracked.filter((p) => p && !ORG_DATA.some((prefix) => p.startsWith(prefix)))) {
    if (!existsSync(join(PROJECT_ROOT, path))) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(PROJECT_ROOT, path), join(dir, path), { verbatimSymlinks: true });
  }
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-gpg-sign', '-m', 'gitgrant: the example organisation lives in examples/'], '2026-11-25T12:00:00Z');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gitgrant-adopt-'));
  makeTemplate(join(work, 'template'));
  clone = join(work, 'acme-access');
  execFileSync('git', ['clone', '-q', join(work, 'template'), clone], { env: { ...process.env, ...GIT_ENV } });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(clone, 'node_modules'));
  appendFileSync(join(clone, '.git/info/exclude'), 'node_modules\n');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('adopting gitgrant: template, init, commit', () => {
  it('before init, the clone reports the template\'s example organisation from history (what init must hide)', () => {
    const run = gitgrant(['access-at', EXAMPLE_BUSY]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('alice@example.com');
  });

  it('after init and a commit, validate passes and no command shows the example organisation', () => {
    const init = gitgrant(['init', '--org', 'acme', '--domain', 'acme.test', '--owners', '@acme/security', '--yes', '--now', '2026-12-01T09:00:00Z']);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('acme is set up');
    git(clone, ['add', '-A']);
    git(clone, ['commit', '-q', '--no-gpg-sign', '-m', 'Set up acme with gitgrant init'], '2026-12-01T09:05:00Z');

    const validate = gitgrant(['validate']);
    expect(validate.stdout).toBe('gitgrant validate: 3 files (0 roles, 0 grants): no problems found\n');
    expect(validate.status).toBe(0);
    expect(gitgrant(['codeowners', '--check']).status).toBe(0);
    expect(readFileSync(join(clone, '.github/CODEOWNERS'), 'utf8')).toContain('* @acme/security\n');

    const atBusy = gitgrant(['access-at', EXAMPLE_BUSY]);
    expect(atBusy.stdout).toBe(`Access at ${EXAMPLE_BUSY}: 0 grant(s), 0 person(s)\n`);
    const now = gitgrant(['access-at', 'now']);
    expect(now.status).toBe(0);
    expect(now.stdout).toMatch(/: 0 grant\(s\), 0 person\(s\)\n$/);

    const audit = gitgrant(['audit', '--format', 'json']);
    expect(audit.status).toBe(0);
    expect(audit.stdout).not.toMatch(/example\.com|prod-db|example-org/);
    const anomalies = gitgrant(['anomalies', '--now', '2026-12-02T00:00:00Z']);
    expect(anomalies.stdout).toContain('0 findings');
    const dashboard = gitgrant(['dashboard', '--out', join(work, 'dashboard'), '--now', '2026-12-02T00:00:00Z']);
    expect(dashboard.stdout).toContain('(0 grants)');
    expect(readFileSync(join(work, 'dashboard/index.html'), 'utf8')).not.toMatch(/example\.com|prod-db/);
  });

  it('after init, the demo still runs from the clone (it reads examples/example-org)', () => {
    const { GITHUB_ACTIONS: _a, ...env } = process.env;
    const demo = spawnSync(TSX, ['scripts/demo.ts'], { cwd: clone, env, encoding: 'utf8', timeout: 540_000 });
    expect(demo.stderr).not.toContain('Error');
    expect(demo.status).toBe(0);
  }, 600_000);
});
