/**
 * Whose commits are the automation's records is the policy's `automation` section. When that section
 * does not load, audit must not fall back to the default identity (that would date the real
 * automation's records as people's changes, or count another identity's): it refuses, and says where.
 */
import { describe, expect, it } from 'vitest';
import { aPolicy, lineContaining } from '../../support/builders/model.js';
import { runCli } from '../../support/run-cli.js';
import { TempRepo } from '../../support/temp-repo.js';

describe('gitgrant audit with an automation section that does not load', () => {
  it('refuses with the section\'s file:line:col instead of reading history as the default identity', async () => {
    const broken = aPolicy().inFile('automation').withoutOwners().withSection('automation', { nam: 'acme-access[bot]' }).build();
    const repo = TempRepo.fromFiles([aPolicy().build(), broken]).initGit();

    const run = await runCli(['audit', '--format', 'json'], { cwd: repo.root });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the automation section of the policy did not load');
    expect(run.stderr).toMatch(new RegExp(`policies/automation\\.yaml:${lineContaining(broken, 'nam:')}:\\d+: error `));
  });
});
