/**
 * The CLI as Actions runs it: `node bin/gitgrant.js`, a separate process reading the compiled
 * dist/ (see test/support/built-cli.ts). Annotations are written by @actions/core straight to the
 * process's stdout, so only a spawned process shows them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aGrant } from '../../support/builders/model.js';
import { ensureBuilt } from '../../support/built-cli.js';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';

beforeAll(ensureBuilt);

function gitgrant(args: string[], cwd: string, env: Record<string, string> = {}) {
  const { GITHUB_ACTIONS: _ignored, ...inherited } = process.env;
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/gitgrant.js'), ...args], { cwd, env: { ...inherited, ...env }, encoding: 'utf8' });
}

const terseGrant = () => aGrant().ofRole('prod-db-readonly').for('hugo@example.com').withTicket('INC-1').because('look').startingAt('2026-11-23T10:00:00Z').expiringIn('1h').named('hugo-inc-1');

describe('the gitgrant binary', () => {
  it('validates the example organisation and exits 0', () => {
    const repo = TempRepo.fromExample();
    const run = gitgrant(['validate', '--now', '2026-11-22T12:00:00Z'], repo.root);
    expect(run.stdout).toBe(`gitgrant validate: ${repo.summary()}: no problems found\n`);
    expect(run.status).toBe(0);
  });

  it('exits 1 with findings, and prints no annotations outside Actions', () => {
    const run = gitgrant(['validate', '--now', '2026-11-22T12:00:00Z'], TempRepo.fromExample().write(terseGrant().build()).root);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('::error');
  });

  it('in GitHub Actions, also emits an ::error annotation with the file, line and column', () => {
    const run = gitgrant(['validate', '--now', '2026-11-22T12:00:00Z'], TempRepo.fromExample().write(terseGrant().build()).root, { GITHUB_ACTIONS: 'true' });
    expect(run.status).toBe(1);
    const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toEqual([
      '::error title=GRANT_REASON_TOO_SHORT,file=grants/prod-db-readonly/hugo-inc-1.yaml,line=2,col=9::reason has 4 characters; the policy asks for at least 15 (hint: say what you will do and why, so approvers and auditors can judge it)',
    ]);
  });
});
