/**
 * apply.yml's part in the approval record (docs/audit.md): record-approvals commits the record on
 * top of main, the workflow pushes it to main (replaying it when main moved) and only then the
 * note, and the push does not start apply again. The push step is run here as written, against a
 * bare repository standing in for GitHub.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTOMATION_COMMITTER } from '../../support/temp-repo.js';

interface Step { name?: string; id?: string; if?: string; run?: string }

const apply = parse(readFileSync(join(import.meta.dirname, '../../../.github/workflows/apply.yml'), 'utf8')) as {
  on: { push: { paths: string[] } };
  jobs: { apply: { steps: Step[] } };
};
const steps = apply.jobs.apply.steps;
const step = (name: string) => steps.find((s) => s.name === name)!;

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@example.com' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository whose commits GitHub makes, until the test says otherwise. */
function init(dir: string): void {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  git(dir, 'config', 'user.name', 'GitHub');
  git(dir, 'config', 'user.email', 'noreply@github.com');
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

function commitFile(cwd: string, path: string, text: string, message: string): string {
  mkdirSync(join(cwd, path, '..'), { recursive: true });
  writeFileSync(join(cwd, path), text);
  git(cwd, 'add', path);
  git(cwd, 'commit', '-q', '--no-gpg-sign', '-m', message);
  return git(cwd, 'rev-parse', 'HEAD').trim();
}

describe("apply.yml's approval record", () => {
  it('is recorded on top of main as fetched, and the note is pushed only once the record is on main', () => {
    expect(step('Record who approved the landed pull request').run).toContain('record-approvals --commit "$GITHUB_SHA" --record-on origin/main');
    const order = steps.map((s) => s.name);
    expect(order.indexOf('Push the approval record to main')).toBeLessThan(order.indexOf('Push the approval note'));
    expect(step('Push the approval note').if).toBe("${{ !cancelled() && steps.record-push.outcome == 'success' }}");
  });

  it('does not start apply again: its folder is not among the paths that trigger it', () => {
    const triggers = apply.on.push.paths.map((glob) => new RegExp(`^${glob.replace(/\*\*/g, '.*')}$`));
    expect(triggers.some((t) => t.test('approvals/2026-11/0123456789abcdef0123456789abcdef01234567.txt'))).toBe(false);
    expect(triggers.some((t) => t.test('grants/app-readonly/alice-1.yaml'))).toBe(true);
  });

  it('is replayed on top of main when someone merged in the meantime, and lands as the automation', { timeout: 60_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'gitgrant-record-push-'));
    dirs.push(root);
    const origin = join(root, 'origin.git');
    const work = join(root, 'work');
    const other = join(root, 'other');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    init(work);
    git(work, 'remote', 'add', 'origin', origin);
    const landed = commitFile(work, 'grants/app-readonly/alice-1.yaml', 'grantee: alice@example.com\n', 'Request (#1)');
    git(work, 'push', '-q', 'origin', 'main');
    git(work, 'fetch', '-q', 'origin');
    // The workflow's identity, then what record-approvals --record-on origin/main leaves: one commit on the branch.
    git(work, 'config', 'user.name', AUTOMATION_COMMITTER.name);
    git(work, 'config', 'user.email', AUTOMATION_COMMITTER.email);
    git(work, 'checkout', '-q', '-b', 'gitgrant-approval-record', 'origin/main');
    commitFile(work, `approvals/2026-11/${landed}.txt`, 'Gitgrant-Record: approval\n', `Record approvals of PR #1\n\nGitgrant-Record: approval\nLanded-Commit: ${landed}`);
    git(work, 'checkout', '-q', '--detach', landed);
    // Meanwhile PR #2 lands on main.
    execFileSync('git', ['clone', '-q', origin, other]);
    git(other, 'config', 'user.name', 'GitHub');
    git(other, 'config', 'user.email', 'noreply@github.com');
    const second = commitFile(other, 'grants/app-readonly/bob-2.yaml', 'grantee: bob@example.com\n', 'Request (#2)');
    git(other, 'push', '-q', 'origin', 'main');

    const out = execFileSync('bash', ['-e', '-o', 'pipefail', '-c', step('Push the approval record to main').run!], { cwd: work, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, APP_TOKEN: 'not-a-token' }, stdio: ['ignore', 'pipe', 'pipe'] });

    expect(out).toContain('main moved (attempt 1): replaying the record on top of it');
    const onMain = execFileSync('git', ['--git-dir', origin, 'log', '--first-parent', '--format=%cn <%ce>|%s', 'main'], { encoding: 'utf8' }).trim().split('\n');
    expect(onMain).toEqual([`${AUTOMATION_COMMITTER.name} <${AUTOMATION_COMMITTER.email}>|Record approvals of PR #1`, expect.stringMatching(/\|Request \(#2\)$/), expect.stringMatching(/\|Request \(#1\)$/)]);
    expect(execFileSync('git', ['--git-dir', origin, 'rev-parse', 'main~1'], { encoding: 'utf8' }).trim()).toBe(second);
    expect(execFileSync('git', ['--git-dir', origin, 'show', `main:approvals/2026-11/${landed}.txt`], { encoding: 'utf8' })).toBe('Gitgrant-Record: approval\n');
  });

  it('pushes nothing when record-approvals left no record (main already has it)', () => {
    const root = mkdtempSync(join(tmpdir(), 'gitgrant-record-push-'));
    dirs.push(root);
    init(root);
    commitFile(root, 'README.md', 'x\n', 'init');
    const out = execFileSync('bash', ['-e', '-o', 'pipefail', '-c', step('Push the approval record to main').run!], { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, APP_TOKEN: 'not-a-token' } });
    expect(out).toContain('No approval record to push: main already has it, or nothing was recorded.');
  });
});
