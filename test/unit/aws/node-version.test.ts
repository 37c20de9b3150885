/**
 * The workflows pin the current Node LTS, where the AWS SDK prints nothing about the Node version;
 * on Node 20 (past its end of life) it warns on every cloud command. `.ci/run` runs the unit tests
 * on both, so this checks each side where it runs.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/temp-repo.js';

const major = Number(process.versions.node.split('.')[0]);

function sdkWarnings(): string {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _ignored, ...env } = process.env;
  const script = "import { STSClient } from '@aws-sdk/client-sts'; import { IAMClient } from '@aws-sdk/client-iam'; new STSClient({ region: 'us-east-1' }); new IAMClient({ region: 'us-east-1' });";
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr;
}

describe(`the AWS SDK on Node ${process.versions.node}`, () => {
  it.runIf(major >= 22)('prints no warning about the Node version', () => {
    expect(sdkWarnings()).toBe('');
  });

  it.runIf(major < 22)('warns that it will need a newer Node (why the workflows pin the LTS)', () => {
    expect(sdkWarnings()).toContain('NodeVersionSupportWarning');
  });
});
