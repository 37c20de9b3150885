/**
 * The corpus of hostile and broken input files (test/fixtures/bad-inputs/cases.json). Each case
 * places one file (or a few) into a copy of the example organisation and runs `gitgrant validate`
 * in-process: the printed diagnostics must be exactly the expected lines, nothing may crash, and the
 * terminal output must never carry raw control characters from the files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/support/io.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO_ROOT, 'test/fixtures/bad-inputs');
const NOW = '2026-11-23T10:00:00Z';

interface PlacedFile {
  fixture: string;
  path: string;
}

interface BadInputCase {
  name: string;
  /** Repo-relative place of the file under test. */
  path: string;
  fixture?: string;
  /** Files built by the test instead of committed: too big, or symbolic links. */
  generate?: 'huge-file' | 'symlink-outside' | 'symlink-inside' | 'symlink-folder' | 'symlink-hr';
  /** Other files the case needs, such as the role a grant refers to. */
  extra?: PlacedFile[];
  /** Run as a pull request: the example org is committed and the case's files are the change. */
  changedSince?: boolean;
  /** 1 unless the input is deliberately accepted (and then shown inert by `explain`). */
  exitCode?: number;
  /** A line `gitgrant explain <path>` must print, proving hostile text reaches the terminal inert. */
  explainShows?: string;
  expected: string[];
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as BadInputCase[];

/** ESC and the other C0/C1 controls (except newline), zero-width characters and bidi controls. */
const UNSAFE_FOR_TERMINAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function aTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-bad-input-'));
  scratch.push(dir);
  return dir;
}

/**
 * A copy of this repository's example organisation: policies/, roles/ and grants/, without the HR
 * section (the corpus is about files; HR at request time has its own tests in hr-at-request).
 */
function anExampleOrg(): string {
  const root = aTempDir();
  for (const folder of ['policies', 'roles', 'grants']) cpSync(join(REPO_ROOT, 'examples/example-org', folder), join(root, folder), { recursive: true });
  rmSync(join(root, 'policies', 'hr.yaml'));
  return root;
}

function commitAll(root: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'the example organisation');
}

function place(root: string, fixture: string, path: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  copyFileSync(join(FIXTURES, fixture), join(root, path));
}

function generate(root: string, kind: NonNullable<BadInputCase['generate']>, path: string): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  switch (kind) {
    case 'huge-file':
      // 70,027 bytes: a valid start, then padding past the 64 KiB limit.
      writeFileSync(target, 'grantee: henry@example.com\n' + '# padding\n'.repeat(7000));
      return;
    case 'symlink-outside': {
      const outside = join(aTempDir(), 'runner-secret.yaml');
      writeFileSync(outside, 'token: not-for-the-pull-request\n');
      symlinkSync(outside, target);
      return;
    }
    case 'symlink-inside':
      symlinkSync('alice-inc-4211.yaml', target);
      return;
    case 'symlink-folder':
      symlinkSync('prod-db-readonly', target);
      return;
    case 'symlink-hr': {
      const outside = join(aTempDir(), 'people.json');
      writeFileSync(outside, '[]\n');
      symlinkSync(outside, target);
      return;
    }
  }
}

function aCase(c: BadInputCase): string {
  const root = anExampleOrg();
  if (c.changedSince) commitAll(root);
  if (c.fixture) place(root, c.fixture, c.path);
  if (c.generate) generate(root, c.generate, c.path);
  for (const file of c.extra ?? []) place(root, file.fixture, file.path);
  return root;
}

async function run(root: string, argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: root, isTTY: false, now: () => Date.parse(NOW) };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr };
}

function diagnosticLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '' && !line.startsWith('gitgrant validate:'));
}

describe('the corpus itself', () => {
  it('holds at least 85 cases with distinct names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(85);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('uses every committed fixture file, and every fixture it names exists', () => {
    const named = new Set(cases.flatMap((c) => [c.fixture, ...(c.extra ?? []).map((e) => e.fixture)]).filter((f): f is string => f !== undefined));
    const committed = new Set(readdirSync(FIXTURES).filter((f) => f !== 'cases.json'));
    expect([...named].filter((f) => !committed.has(f))).toEqual([]);
    expect([...committed].filter((f) => !named.has(f))).toEqual([]);
  });

  it('starts from an example organisation that validates cleanly', async () => {
    const result = await run(anExampleOrg(), ['validate', '--repo', '.', '--now', NOW]);
    expect(result.stdout).toMatch(/^gitgrant validate: \d+ files \(10 roles, 6 grants\): no problems found\n$/);
    expect(result.exitCode).toBe(0);
  });
});

describe('gitgrant validate on a bad input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = aCase(c);
    const argv = ['validate', '--repo', root, '--now', NOW, ...(c.changedSince ? ['--changed-since', 'HEAD'] : [])];

    const result = await run(root, argv);

    expect(result.stderr).toBe('');
    expect(diagnosticLines(result.stdout)).toEqual(c.expected);
    expect(result.exitCode).toBe(c.exitCode ?? 1);
    expect(result.stdout).not.toMatch(UNSAFE_FOR_TERMINAL);
  });
});

describe('gitgrant explain on hostile text that validate accepts', () => {
  it.each(cases.filter((c) => c.explainShows !== undefined).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = aCase(c);

    const result = await run(root, ['explain', c.path, '--repo', root, '--now', NOW]);

    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toContain(c.explainShows);
    expect(result.stdout).not.toMatch(UNSAFE_FOR_TERMINAL);
  });
});
