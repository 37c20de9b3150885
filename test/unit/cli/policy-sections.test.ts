/**
 * Every policy section is checked by `validate`, at the pull request, with the place of the
 * mistake: a typo in a section that only a nightly job reads must not wait for that job to fail
 * (or, worse, be silently ignored by it).
 */
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const EXAMPLE_NOW = '2026-11-22T12:00:00Z';
const validate = (repo: TempRepo) => runCli(['validate', '--now', EXAMPLE_NOW], { cwd: repo.root });
const anomalies = (repo: TempRepo) => runCli(['anomalies', '--now', EXAMPLE_NOW], { cwd: repo.root });

const withPolicyFile = (name: string, text: string) => TempRepo.fromExample().write({ path: `policies/${name}`, text });

describe('a misspelt key in a policy section', () => {
  it('in `anomalies:` fails validate at the key, with a did-you-mean', async () => {
    const repo = withPolicyFile('anomalies.yaml', 'anomalies:\n  lookbackDays: 14\n  repeatedUse: { count: 3, dyas: 30 }\n');
    const run = await validate(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('policies/anomalies.yaml:3:28: error SCHEMA_UNKNOWN_KEY: unknown key `dyas` (hint: did you mean `days`?)');
  });

  it('at the top of `anomalies:` fails validate too, rather than being ignored by the nightly job', async () => {
    const repo = withPolicyFile('anomalies.yaml', 'anomalies:\n  lookbakDays: 14\n');
    const run = await validate(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('policies/anomalies.yaml:2:3: error SCHEMA_UNKNOWN_KEY: unknown key `lookbakDays` (hint: did you mean `lookbackDays`?)');
  });

  it.each([
    ['exceptions', 'exceptions:\n  lable: access-exception\n', 'lable', 'label'],
    ['reconcile', 'reconcile:\n  removeUnmanged: false\n', 'removeUnmanged', 'removeUnmanaged'],
    ['hr', 'hr:\n  sources: [{ kind: json, path: hr/people.json }]\n  onTerminatd: revoke\n', 'onTerminatd', 'onTerminated'],
  ])('in `%s:` fails validate at the key', async (section, text, typo, meant) => {
    const repo = TempRepo.fromExample();
    if (section === 'hr') repo.remove('policies/hr.yaml');
    repo.write({ path: `policies/${section}-extra.yaml`, text });
    const run = await validate(repo);
    expect(run.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes(typo)) + 1;
    expect(run.lines).toContain(`policies/${section}-extra.yaml:${line}:3: error SCHEMA_UNKNOWN_KEY: unknown key \`${typo}\` (hint: did you mean \`${meant}\`?)`);
  });
});

describe('an invalid value in a section only a nightly job reads', () => {
  it('fails validate at the value (an unknown time zone in anomalies.workingHours)', async () => {
    const repo = withPolicyFile('anomalies.yaml', 'anomalies:\n  workingHours:\n    timezone: Europe/Lodnon\n    days: [mon, tue]\n    from: \'08:00\'\n    to: \'18:00\'\n');
    const run = await validate(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('policies/anomalies.yaml:3:15: error ANOMALY_CONFIG_INVALID: unknown time zone `Europe/Lodnon` (hint: use an IANA name such as Europe/London or America/New_York)');
  });

  it('fails validate at the value (working hours that end before they start)', async () => {
    const repo = withPolicyFile('anomalies.yaml', 'anomalies:\n  workingHours:\n    timezone: Europe/London\n    days: [mon]\n    from: \'18:00\'\n    to: \'08:00\'\n');
    const run = await validate(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('policies/anomalies.yaml:6:9: error ANOMALY_CONFIG_INVALID: working hours end (08:00) before they start (18:00) (hint: the working day runs from `from` to `to` on the same day)');
  });

  it('makes the nightly anomalies job stop with the same finding, rather than run on defaults', async () => {
    const repo = withPolicyFile('anomalies.yaml', 'anomalies:\n  lookbakDays: 14\n');
    const run = await anomalies(repo);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('policies/anomalies.yaml:2:3: error SCHEMA_UNKNOWN_KEY: unknown key `lookbakDays` (hint: did you mean `lookbackDays`?)');
    expect(run.lines).toContain('gitgrant anomalies: the anomalies section of the policy is invalid; no rule ran');
  });
});
