/**
 * Exactly one module of src/ runs git: src/adapters/git/run.ts. A source scan, so that a new
 * `execFileSync('git', ...)` anywhere else fails here instead of slipping past the runner's rules
 * (argument arrays, `--end-of-options` before revisions, typed errors). Spawning other programs
 * (moto's Python server, `gh auth token`) is allowed; spawning git is not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/temp-repo.js';

const RUNNER = 'src/adapters/git/run.ts';

/** Any way of reaching a process spawner: static, dynamic and `require` imports, zx, execa, the raw binding. */
const SPAWNER = /['"`](?:node:)?child_process(?:\/promises)?['"`]|['"`](?:zx|zx\/core|execa|cross-spawn)['"`]|\bspawn_sync\b|process\.binding\(/;
/** git named as a program: a `'git'` literal (or a path ending in /git), or a zx template starting with it. */
const RUNS_GIT = /['"`](?:[^'"`\s]*\/)?git(?:\.exe)?['"`]|\$`\s*git\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The modules of `root`/src that can start processes, and which of them start git. */
export function spawners(root: string): { spawning: string[]; runningGit: string[] } {
  const spawning: string[] = [];
  const runningGit: string[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    // Comments count too: a quoted 'git' in a comment of a spawning module fails closed, and
    // stripping comments by pattern could hide code (a glob like 'grants/*' opens one).
    const code = readFileSync(file, 'utf8');
    if (!SPAWNER.test(code)) continue;
    const path = relative(root, file).split('\\').join('/');
    spawning.push(path);
    if (RUNS_GIT.test(code)) runningGit.push(path);
  }
  return { spawning: spawning.sort(), runningGit: runningGit.sort() };
}

describe('the one git runner', () => {
  it('is the only module of src/ that starts git', () => {
    expect(spawners(PROJECT_ROOT).runningGit).toEqual([RUNNER]);
  });

  it('the scan sees every way of starting git it claims to', () => {
    const cases: [string, boolean][] = [
      [`import { execFileSync } from 'node:child_process';\nexecFileSync('git', ['log']);`, true],
      [`import { spawn } from "child_process";\nconst GIT = "git";\nspawn(GIT, []);`, true],
      [`const { execFile } = await import('node:child_process');\nexecFile('/usr/bin/git', ['status']);`, true],
      [`import { $ } from 'zx';\nawait $\`git rev-parse HEAD\`;`, true],
      [`import { spawn } from 'node:child_process';\nspawn('python3', ['-m', 'moto.server']);`, false],
      [`import { execFile } from 'node:child_process';\nexecFile('gh', ['auth', 'token']);`, false],
      [`import { gitText } from './run.js';\ngitText(repo, ['log']);`, false],
    ];
    for (const [code, startsGit] of cases) expect([code, SPAWNER.test(code) && RUNS_GIT.test(code)]).toEqual([code, startsGit]);
  });

  it('belongs to the adapters: no module of src/adapters imports the CLI or the app', () => {
    const offenders = sourceFiles(join(PROJECT_ROOT, 'src', 'adapters'))
      .filter((file) => /from ['"](?:\.\.\/)+(?:cli|app)\//.test(readFileSync(file, 'utf8')))
      .map((file) => relative(PROJECT_ROOT, file));
    expect(offenders).toEqual([]);
  });
});
