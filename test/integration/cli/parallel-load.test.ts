/**
 * Large repositories are loaded on several cores. The answer must not depend on it: the same
 * findings, at the same places, as a sequential run, including places inside grants whose source
 * map the worker left behind.
 */
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_ENTRY, ensureBuilt } from '../../support/built-cli.js';
import { TempRepo } from '../../support/temp-repo.js';

beforeAll(ensureBuilt);

const NOW = '2026-11-23T10:00:00Z';

/** 1,200 grants (above the parallel threshold); every 97th is broken in a way only the policy engine sees. */
function largeRepo(): TempRepo {
  const repo = TempRepo.fromExample();
  for (let i = 0; i < 1200; i++) {
    const broken = i % 97 === 0;
    const starts = Date.parse(NOW) + (i % 50) * 3_600_000;
    repo.write({
      path: `grants/gcp-platform-folder-viewer/person${i}-debug.yaml`,
      text: [
        `grantee: person${i}@example.com`,
        `reason: ${broken ? 'too short' : `Trace the cross-project delays, case ${i}`}`,
        `starts: ${new Date(starts).toISOString().replace('.000Z', 'Z')}`,
        `expires: ${new Date(starts + (broken ? 30 : 2) * 86_400_000).toISOString().replace('.000Z', 'Z')}`,
        '',
      ].join('\n'),
    });
  }
  return repo;
}

function validate(root: string, workers: string, readThread = '1'): { status: number | null; json: { grants: number; diagnostics: unknown[] } } {
  const run = spawnSync(process.execPath, [BUILT_ENTRY.replace('dist/cli/main.js', 'bin/gitgrant.js'), 'validate', '--json', '--now', NOW], {
    cwd: root, encoding: 'utf8', env: { ...process.env, GITGRANT_WORKERS: workers, GITGRANT_READ_THREAD: readThread, GITHUB_ACTIONS: '' },
  });
  return { status: run.status, json: JSON.parse(run.stdout) };
}

describe('validate on several cores', () => {
  it('finds exactly what a sequential run finds, at the same places', () => {
    const repo = largeRepo();
    const parallel = validate(repo.root, '1');
    const sequential = validate(repo.root, '0');
    expect(parallel.json.grants).toBeGreaterThan(1200);
    expect(parallel.json.diagnostics.length).toBeGreaterThanOrEqual(26);
    expect(parallel.status).toBe(1);
    expect(parallel).toEqual(sequential);
  });

  it('reads the files on a second thread with the same answer and the same refusals as reading them here', () => {
    const repo = largeRepo();
    // A link among the grants is refused, never followed, whichever thread reads.
    symlinkSync(join(repo.root, 'grants/gcp-platform-folder-viewer/person1-debug.yaml'), join(repo.root, 'grants/gcp-platform-folder-viewer/zz-link.yaml'));
    const threaded = validate(repo.root, '0', '1');
    const here = validate(repo.root, '0', '0');
    expect(threaded.json.grants).toBeGreaterThan(1200);
    expect(JSON.stringify(threaded.json.diagnostics)).toContain('grants/gcp-platform-folder-viewer/zz-link.yaml');
    expect(threaded.status).toBe(1);
    expect(threaded).toEqual(here);
  });
});
