/**
 * Text from a flag or a payload reaches git as a revision, never as an option: the runner puts
 * revisions after `--end-of-options`. Without it, `--base-ref=--name-only` made `git ls-tree`
 * list whatever `grants` names (a tag anyone with push access can make) instead of failing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedFilesSince, hasCommit, mergeTree, treeEntries, UnknownRevisionError } from '../../../src/adapters/git/queries.js';
import { GitError } from '../../../src/adapters/git/run.js';
import { aGrant } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

function repoWithATagNamedGrants(): TempRepo {
  const repo = TempRepo.fromExample().initGit();
  const other = aGrant().ofRole('gcp-platform-folder-viewer').for('mallory@example.com').because('look around').startingAt('2026-11-25T10:00:00Z').expiringIn('2h').named('mallory-1');
  repo.git('switch', '-q', '-c', 'side');
  repo.write(other.build()).commitAll('Another tree');
  repo.git('tag', 'grants');
  repo.git('switch', '-q', 'main');
  return repo;
}

describe('revisions from flags are never git options', () => {
  it('a tree-ish that looks like an option names no tree, instead of letting git read the next word as one', () => {
    const repo = repoWithATagNamedGrants();
    expect(() => treeEntries(repo.root, '--name-only', ['grants'])).toThrow(GitError);
    expect(treeEntries(repo.root, 'main', ['grants']).some((entry) => entry.path.includes('mallory'))).toBe(false);
  });

  it('--changed-since with an option in it is a ref that is not a commit: exit 2, and git writes no file', async () => {
    const repo = TempRepo.fromExample().initGit();
    const output = join(repo.root, 'written-by-git');
    await expect(changedFilesSince(repo.root, `--output=${output}`)).rejects.toThrow(UnknownRevisionError);
    const run = await runCli(['validate', '--changed-since', `--output=${output}`], { cwd: repo.root });
    expect([run.code, run.stderr.split('\n')[0]]).toEqual([2, `gitgrant: --changed-since --output=${output} is not a commit in this repository`]);
    expect(existsSync(output)).toBe(false);
  });

  it('a pull request head or base that looks like an option is not a commit, and merge-tree reads no options from it', () => {
    const repo = TempRepo.fromExample().initGit();
    expect(hasCommit(repo.root, '--batch-all-objects')).toBe(false);
    expect(hasCommit(repo.root, 'HEAD')).toBe(true);
    expect(() => mergeTree(repo.root, '--allow-unrelated-histories', 'HEAD')).toThrow(/git merge-tree failed/);
  });
});
