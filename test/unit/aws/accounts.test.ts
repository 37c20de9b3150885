import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { loadRepoFromFiles } from '../../../src/adapters/fs/load-repo.js';
import { assumedRoleCredentials, type AssumedRoleOptions } from '../../../src/adapters/aws/accounts.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 22, 12);

function policyFile(awsSection: string) {
  const text = `owners: ['@acme/security']\n${awsSection}`;
  return loadRepoFromFiles([{ path: 'policies/aws.yaml', bytes: new TextEncoder().encode(text) }]);
}

function errorsOf(awsSection: string) {
  return policyFile(awsSection).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ line: d.start?.line, summary: d.summary }));
}

describe('the policy\'s aws section', () => {
  it('is read with every setting given', () => {
    const { repo } = policyFile(
      "aws:\n  region: eu-west-1\n  accountRoleName: gitgrant-automation\n  identityCenterAccount: '999999999999'\n  sessionName: gitgrant-ci\n",
    );
    expect(repo.policy.aws).toEqual({ region: 'eu-west-1', accountRoleName: 'gitgrant-automation', identityCenterAccount: '999999999999', sessionName: 'gitgrant-ci' });
  });

  it('means the default credentials for every account, with the session name gitgrant, when absent', () => {
    expect(policyFile('').repo.policy.aws).toEqual({ sessionName: 'gitgrant' });
  });

  it('rejects an unquoted account id, which YAML reads as a number, on its line', () => {
    expect(errorsOf('aws:\n  accountRoleName: gitgrant-automation\n  identityCenterAccount: 999999999999\n')).toEqual([
      { line: 4, summary: expect.stringMatching(/identityCenterAccount.*string/) },
    ]);
  });

  it('rejects an account id that is not twelve digits, and a role name IAM would refuse, each on its line', () => {
    const errors = errorsOf("aws:\n  accountRoleName: 'gitgrant automation'\n  identityCenterAccount: '99999'\n");
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it('rejects a key it does not know, so a typo is not silently ignored', () => {
    expect(errorsOf('aws:\n  accountRole: gitgrant-automation\n')).toHaveLength(1);
  });
});

/** An STS double: counts AssumeRole calls and answers with credentials lasting `lifetimeMs` from the clock. */
function anSts(clock: { now: number }, lifetimeMs = HOUR) {
  const calls: AssumeRoleCommand['input'][] = [];
  let failNext = false;
  return {
    calls,
    failOnce() {
      failNext = true;
    },
    async send(command: AssumeRoleCommand) {
      calls.push(command.input);
      if (failNext) {
        failNext = false;
        throw new Error('AccessDenied: not authorized to perform sts:AssumeRole');
      }
      return { Credentials: { AccessKeyId: `ASIA${calls.length}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(clock.now + lifetimeMs) } };
    },
  };
}

const options = (clock: { now: number }): AssumedRoleOptions => ({
  roleArn: 'arn:aws:iam::111111111111:role/gitgrant-automation',
  sessionName: 'gitgrant',
  durationSeconds: 3_600,
  refreshMarginMs: 5 * 60_000,
  now: () => clock.now,
});

describe('assumed-role credentials', () => {
  it('assume the account\'s role once, with the session name, however many calls ask at once', async () => {
    const clock = { now: T0 };
    const sts = anSts(clock);
    const credentials = assumedRoleCredentials(sts as never, options(clock));
    const all = await Promise.all([credentials(), credentials(), credentials()]);
    await credentials();
    expect(sts.calls).toEqual([{ RoleArn: 'arn:aws:iam::111111111111:role/gitgrant-automation', RoleSessionName: 'gitgrant', DurationSeconds: 3_600 }]);
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(['ASIA1']));
  });

  it('are kept until they come within the margin of expiring, then replaced before use', async () => {
    const clock = { now: T0 };
    const sts = anSts(clock);
    const credentials = assumedRoleCredentials(sts as never, options(clock));
    await credentials();
    clock.now = T0 + HOUR - 5 * 60_000 - 1;
    expect((await credentials()).accessKeyId).toBe('ASIA1');
    clock.now = T0 + HOUR - 5 * 60_000;
    expect((await credentials()).accessKeyId).toBe('ASIA2');
    expect(sts.calls).toHaveLength(2);
  });

  it('are asked for again after a failed AssumeRole, whose error names the role and not any secret', async () => {
    const clock = { now: T0 };
    const sts = anSts(clock);
    sts.failOnce();
    const credentials = assumedRoleCredentials(sts as never, options(clock));
    await expect(credentials()).rejects.toThrow(/could not assume arn:aws:iam::111111111111:role\/gitgrant-automation: AccessDenied/);
    expect((await credentials()).accessKeyId).toBe('ASIA2');
  });
});
