/**
 * `plan --offline` is what a PR from a fork runs: it reads no cloud, so it must not pay for loading
 * the cloud SDKs, nor for @actions/core outside Actions. The built CLI runs with a resolve hook
 * (test/support/import-trace.mjs) that records every module it imports.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../support/built-cli.js';
import { aPolicy } from '../../support/builders/model.js';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';

beforeAll(ensureBuilt);

const HEAVY = /node_modules\/(@aws-sdk|@smithy|@google-cloud|google-auth-library|google-gax|@grpc|@actions)\//;

function importsOf(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; heavy: string[]; all: string[] } {
  const trace = join(mkdtempSync(join(tmpdir(), 'gitgrant-imports-')), 'imports.txt');
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['--import', join(PROJECT_ROOT, 'test/support/import-trace.mjs'), join(PROJECT_ROOT, 'bin/gitgrant.js'), ...args], {
    env: { ...inherited, ...env, GITGRANT_IMPORT_TRACE: trace },
    encoding: 'utf8',
  });
  const all = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const heavy = [...new Set(all.filter((url) => HEAVY.test(url)).map((url) => HEAVY.exec(url)![1]!))].sort();
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, heavy, all };
}

describe('plan --offline', () => {
  it('imports neither a cloud SDK nor @actions/core', () => {
    const repo = TempRepo.fromExample();
    const run = importsOf(['plan', '--offline', '--repo', repo.root, '--now', '2026-11-22T12:00:00Z']);
    expect(run.stdout + run.stderr).toContain('offline: intended bindings only, nothing read');
    expect(run.all.some((url) => url.endsWith('/dist/cli/commands/plan.js'))).toBe(true);
    expect(run.heavy).toEqual([]);
  });

  it('the trace does see the SDKs when a plan reads the cloud (the check can fail)', () => {
    // A policy and no role: nothing to read, so no call is made, but the clouds are opened.
    const repo = TempRepo.fromFiles([aPolicy().build()]);
    const run = importsOf(['plan', '--repo', repo.root, '--now', '2026-11-22T12:00:00Z'], {
      AWS_ACCESS_KEY_ID: 'none', AWS_SECRET_ACCESS_KEY: 'none', AWS_REGION: 'us-east-1', GITGRANT_GCP_ENDPOINT: 'http://127.0.0.1:9', GITGRANT_GCP_TOKEN: 'none',
    });
    expect(run.stdout + run.stderr).toContain('compared with the cloud');
    expect(run.heavy).toEqual(expect.arrayContaining(['@aws-sdk', '@google-cloud']));
  });

  it('in GitHub Actions, loads @actions/core but still no cloud SDK', () => {
    const repo = TempRepo.fromExample();
    const run = importsOf(['plan', '--offline', '--repo', repo.root, '--now', '2026-11-22T12:00:00Z'], { GITHUB_ACTIONS: 'true' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.heavy).toEqual(['@actions']);
  });
});
