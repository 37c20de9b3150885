/**
 * The committed bundle (dist/gitgrant.mjs and its chunks) is what every workflow runs, with no
 * install step. It must be exactly what `npm run bundle` makes from the sources now, and it must
 * run from a folder with no node_modules anywhere above it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle, bundleDifferences, committedBundle, ENTRY } from '../../../scripts/bundle.js';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';

describe('the committed bundle', () => {
  it('is exactly what `npm run bundle` builds from the sources now', async () => {
    const built = await bundle();
    expect(bundleDifferences(built, committedBundle()), 'run `npm run bundle` and commit dist/').toEqual([]);
    // Deterministic: a second build gives the same bytes.
    expect(bundleDifferences(built, await bundle())).toEqual([]);
  }, 120_000);

  it('would be caught stale: a changed, a missing and an extra chunk are all reported', () => {
    const committed = committedBundle();
    const [first, second] = [...committed.keys()].filter((name) => name !== ENTRY);
    const tampered = new Map(committed);
    tampered.set(ENTRY, committed.get(ENTRY) + '\n// edited by hand');
    tampered.delete(first!);
    tampered.set('dist/gitgrant-chunks/left-over.mjs', '');
    expect(bundleDifferences(committed, tampered)).toEqual([ENTRY, first, 'dist/gitgrant-chunks/left-over.mjs'].sort());
    expect(bundleDifferences(committed, tampered)).not.toContain(second);
  });

  it('holds no test-only package: not the GitHub OpenAPI description', () => {
    for (const [name, text] of committedBundle()) expect(text.includes('@octokit/openapi') || text.includes('"openapi":"3.'), name).toBe(false);
  });

  it('runs with no node_modules: --help, validate, plan --offline and gate --help', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitgrant-bundle-'));
    for (let up = dir; up !== dirname(up); up = dirname(up)) expect(existsSync(join(up, 'node_modules')), up).toBe(false);
    cpSync(join(PROJECT_ROOT, 'dist/gitgrant.mjs'), join(dir, 'gitgrant.mjs'));
    cpSync(join(PROJECT_ROOT, 'dist/gitgrant-chunks'), join(dir, 'gitgrant-chunks'), { recursive: true });
    const repo = TempRepo.fromExample();
    const { GITHUB_ACTIONS: _ignored, ...env } = process.env;
    const gitgrant = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'gitgrant.mjs'), ...args], { cwd: repo.root, encoding: 'utf8', env });

    const help = gitgrant('--help');
    expect(help.stdout).toContain('Usage: gitgrant');
    expect(help.status).toBe(0);
    const validate = gitgrant('validate', '--now', '2026-11-22T12:00:00Z');
    expect(validate.stdout).toBe(`gitgrant validate: ${repo.summary()}: no problems found\n`);
    expect(validate.status).toBe(0);
    const plan = gitgrant('plan', '--offline', '--now', '2026-11-23T10:00:00Z');
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('offline: intended bindings only');
    expect(plan.status).toBe(0);
    const gate = gitgrant('gate', '--help');
    expect(gate.stdout).toContain('Usage: gitgrant gate');
    expect(gate.status).toBe(0);
    // A finding keeps its exact place through the bundle.
    repo.write({ path: 'grants/prod-db-readonly/x.yaml', text: 'grantee: hugo@example.com\nreason: short\nexpires: 2026-11-23T11:00:00Z\nticket: INC-1\n' });
    const finding = gitgrant('validate', '--now', '2026-11-23T10:00:00Z');
    expect(finding.status).toBe(1);
    expect(finding.stdout).toMatch(/grants\/prod-db-readonly\/x\.yaml:2:9/);
  }, 60_000);

  it('is a script with a shebang, and git does not ignore it', () => {
    expect(readFileSync(join(PROJECT_ROOT, ENTRY), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // Exit 1: none of the paths is ignored (dist/ is otherwise the tsc build, which is).
    const ignored = spawnSync('git', ['check-ignore', '--no-index', ENTRY, 'dist/gitgrant-chunks/chunk-X.mjs', 'dist/cli/main.js'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(ignored.stdout).toBe('dist/cli/main.js\n');
  });
});
