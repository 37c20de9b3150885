/**
 * The standing-access branch: one branch, rebuilt from main on each run that changes something,
 * holding exactly the files the HR standing plan adds and removes. Built with a temporary index, so
 * the checkout and its working tree are never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandingFile } from '../../core/hr/standing.js';
import { remoteAuthEnv, runGit, type GitEnv } from './plumbing.js';

export const STANDING_BRANCH = 'gitgrant/standing-access';

export interface StandingChange {
  add: StandingFile[];
  remove: string[];
}

/** `A path` / `M path` / `D path` lines, sorted: what a branch changes against its base. */
export function changeSummary(change: StandingChange, existing: ReadonlySet<string>): string[] {
  return [
    ...change.add.map((f) => `${existing.has(f.path) ? 'M' : 'A'} ${f.path}`),
    ...change.remove.map((p) => `D ${p}`),
  ].sort();
}

/** The branch's change against `base` on the remote, or undefined when the branch does not exist there. */
export function remoteBranchSummary(root: string, env: GitEnv, base: string): string[] | undefined {
  const auth = originAuth(root, env);
  if (!onRemote(root, auth)) return undefined;
  runGit(root, ['fetch', '-q', 'origin', `+refs/heads/${STANDING_BRANCH}:refs/remotes/origin/${STANDING_BRANCH}`], { env: auth });
  const diff = runGit(root, ['diff', '--name-status', '--no-renames', base, `refs/remotes/origin/${STANDING_BRANCH}`]);
  return diff.split('\n').filter(Boolean).map((line) => line.replace('\t', ' ')).sort();
}

/** Commits the change on top of `base` without touching the checkout; returns the commit. */
export function commitStandingChange(root: string, base: string, change: StandingChange, message: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-standing-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    runGit(root, ['read-tree', base], { env });
    for (const file of change.add) {
      const blob = runGit(root, ['hash-object', '-w', '--stdin'], { input: file.content }).trim();
      runGit(root, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`], { env });
    }
    if (change.remove.length > 0) runGit(root, ['update-index', '--force-remove', '--', ...change.remove], { env });
    const tree = runGit(root, ['write-tree'], { env }).trim();
    return runGit(root, ['commit-tree', tree, '-p', base, '-F', '-'], { input: message }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pushStandingBranch(root: string, env: GitEnv, commit: string): void {
  runGit(root, ['push', '-q', '--force', 'origin', `${commit}:refs/heads/${STANDING_BRANCH}`], { env: originAuth(root, env) });
}

/**
 * Once its PR is closed: a branch left behind would later pass for an already proposed change.
 * GitHub may have deleted it already (automatic deletion of head branches).
 */
export function deleteStandingBranch(root: string, env: GitEnv): void {
  const auth = originAuth(root, env);
  if (onRemote(root, auth)) runGit(root, ['push', '-q', 'origin', '--delete', STANDING_BRANCH], { env: auth });
}

function originAuth(root: string, env: GitEnv): GitEnv {
  return remoteAuthEnv(env, runGit(root, ['remote', 'get-url', 'origin']).trim());
}

function onRemote(root: string, auth: GitEnv): boolean {
  return runGit(root, ['ls-remote', '--heads', 'origin', STANDING_BRANCH], { env: auth }).trim() !== '';
}
