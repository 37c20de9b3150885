import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

describe('the CLI as a user meets it', () => {
  it('prints the version of package.json with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version'], { cwd: PROJECT_ROOT });
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('answers a --repo that does not exist with a usage error, not a bug report', async () => {
    const run = await runCli(['validate', '--repo', '/nonexistent/access-repo'], { cwd: PROJECT_ROOT });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "gitgrant: --repo /nonexistent/access-repo is not a folder\nhint: give the access repo's root folder, or run gitgrant inside the repo\n",
    );
  });

  it('reads `access-at now` on the same clock as every other command', async () => {
    const repo = TempRepo.fromExample().initGit();
    const now = await runCli(['access-at', 'now', '--json'], { cwd: repo.root });
    const sameInstant = await runCli(['access-at', '2000-01-01T00:00:00Z', '--json'], { cwd: repo.root });
    expect(now.code).toBe(0);
    expect(now.stdout).toBe(sameInstant.stdout);
  });

  it('finds the repo root from a subfolder, as git does', async () => {
    const repo = TempRepo.fromExample();
    const fromRoot = await runCli(['validate'], { cwd: repo.root });
    const fromGrants = await runCli(['validate'], { cwd: join(repo.root, 'grants/prod-db-readonly') });
    expect(fromRoot.code).toBe(0);
    expect(fromGrants).toEqual(fromRoot);
  });

  it('keeps a folder outside any access repo as it is, and says what is missing there', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gitgrant-empty-'));
    try {
      mkdirSync(join(empty, 'sub'));
      const run = await runCli(['validate'], { cwd: join(empty, 'sub') });
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).not.toContain('this is a bug');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
