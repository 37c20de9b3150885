/**
 * Temporary access repositories on disk, for CLI tests: a copy of the example organisation or a
 * repo made from builders, optionally a git repository with commits. Each is deleted when the
 * test that made it finishes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { FileSpec } from './builders/model.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The example organisation: fixtures live here, never at the repository root (that is the adopting org's). */
export const EXAMPLE_ORG = join(PROJECT_ROOT, 'examples/example-org');
const EXAMPLE_FOLDERS = ['policies', 'roles', 'grants', 'hr'];

/** Fixed identity and dates, so commits do not depend on the machine or the clock. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test Author', GIT_AUTHOR_EMAIL: 'author@example.com', GIT_AUTHOR_DATE: '2026-11-20T12:00:00Z',
  GIT_COMMITTER_NAME: 'Test Author', GIT_COMMITTER_EMAIL: 'author@example.com', GIT_COMMITTER_DATE: '2026-11-20T12:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

/** The gitgrant App's bot user as the workflows configure git: lifecycle trailers count only on its commits. */
export const AUTOMATION_COMMITTER = { name: 'gitgrant[bot]', email: '149000001+gitgrant[bot]@users.noreply.github.com' };

export class TempRepo {
  private constructor(readonly root: string) {}

  static empty(): TempRepo {
    const root = mkdtempSync(join(tmpdir(), 'gitgrant-test-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    return new TempRepo(root);
  }

  /** A copy of the example organisation in policies/, roles/, grants/ and its HR export in hr/. */
  static fromExample(): TempRepo {
    const repo = TempRepo.empty();
    for (const folder of EXAMPLE_FOLDERS) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
    return repo;
  }

  static fromFiles(files: readonly FileSpec[]): TempRepo {
    const repo = TempRepo.empty();
    repo.write(...files);
    return repo;
  }

  write(...files: FileSpec[]): this {
    for (const file of files) {
      const absolute = join(this.root, file.path);
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, file.text);
    }
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.root, path), { force: true });
    return this;
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  /**
   * How many access files, roles and grants are on disk, counted independently of the loader, so
   * tests of the summary line keep up when the example organisation grows.
   */
  counts(): { files: number; roles: number; grants: number } {
    const yamlIn = (dir: string): string[] =>
      readdirSync(join(this.root, dir), { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
        .map((entry) => entry.name);
    const roles = yamlIn('roles').length;
    const grants = yamlIn('grants').length;
    return { files: yamlIn('policies').length + roles + grants, roles, grants };
  }

  /** `19 files (10 roles, 6 grants)`, as `validate` words it. */
  summary(): string {
    const { files, roles, grants } = this.counts();
    return `${files} files (${roles} roles, ${grants} grants)`;
  }

  /** Turns the folder into a git repository on `main` with everything committed. */
  initGit(message = 'Initial access repo'): this {
    this.git('init', '-q', '-b', 'main');
    this.commitAll(message);
    return this;
  }

  /** Commits every change and returns the new commit's hash; `committer` for the automation's own commits (AUTOMATION_COMMITTER). */
  commitAll(message: string, committer?: { name: string; email: string }): string {
    this.git('add', '-A');
    const as = committer ? { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email } : {};
    execFileSync('git', ['commit', '-q', '--no-gpg-sign', '-m', message], { cwd: this.root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, ...as } });
    return this.git('rev-parse', 'HEAD').trim();
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  }
}
