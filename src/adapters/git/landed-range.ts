/**
 * The commits a push landed on main, as `gitgrant rejudge` judges them: the first-parent commits of
 * `since..HEAD`, oldest first, each with what it changes under grants/, roles/ and policies/
 * against its first parent (renames count as a deletion and an addition); and the take-back
 * commit that deletes the grants whose approval did not hold, with lifecycle trailers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCommitMessage } from '../../core/audit/trailers.js';
import type { LandedChange } from '../../core/audit/landed-commit.js';
import type { Grant, Instant } from '../../core/model/types.js';
import { runGit } from './plumbing.js';


/** A grant file to delete, and why (app/rejudge.ts's TakenBack). */
export interface TakeBackLine {
  grant: string;
  pr?: number;
  reason: string;
}

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const ACCESS_DIRS = ['grants', 'roles', 'policies'];

/** The first-parent commits after `since` up to HEAD, oldest first; without `since`, HEAD alone. */
export function landedRange(root: string, since: string | undefined): LandedChange[] {
  const range = since === undefined ? ['-1', 'HEAD'] : [`${since}..HEAD`];
  const shas = runGit(root, ['rev-list', '--first-parent', '--reverse', ...range]).split('\n').filter(Boolean);
  if (since === undefined) shas.reverse();
  return shas.map((sha) => landedChange(root, sha));
}

function landedChange(root: string, sha: string): LandedChange {
  const [committedAt = '', parents = '', committerName = '', committerEmail = ''] = runGit(root, ['show', '-s', '--format=%cI%n%P%n%cn%n%ce', sha]).split('\n');
  const before = parents.trim() ? parents.trim().split(' ')[0]! : undefined;
  const changes = runGit(root, ['diff', '--name-status', '--no-renames', '-z', before ?? EMPTY_TREE, sha, '--', ...ACCESS_DIRS]).split('\0').filter(Boolean);
  const grants: string[] = [];
  for (let i = 0; i + 1 < changes.length; i += 2) {
    const [status, path] = [changes[i]!, changes[i + 1]!];
    if (path.startsWith('grants/') && (status === 'A' || status === 'M' || status === 'T')) grants.push(path);
  }
  return {
    sha, message: runGit(root, ['show', '-s', '--format=%B', sha]), committedAt: committedAt.trim(), committerName, committerEmail,
    ...(before !== undefined ? { before } : {}),
    touchesAccess: changes.length > 0,
    grants,
  };
}

/** Grant files at HEAD. */
export function grantsAtHead(root: string): Set<string> {
  return new Set(runGit(root, ['ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', 'grants']).split('\0').filter(Boolean));
}

/**
 * Deletes the taken-back grants' files and commits that alone; returns the commit's hash. The
 * message goes through stdin, the paths through a file: never the command line.
 */
export function commitTakeBack(root: string, takeBack: readonly TakeBackLine[], loaded: ReadonlyMap<string, Grant>, now: Instant): string {
  const grants = takeBack.map((t) => {
    const grant = loaded.get(t.grant);
    return { grant: t.grant, role: grant?.role ?? t.grant.split('/')[1] ?? '', grantee: grant?.grantee ?? 'unknown', revokedAt: now, reason: t.reason };
  });
  const prs = [...new Set(takeBack.flatMap((t) => (t.pr === undefined ? [] : [`#${t.pr}`])))];
  const count = `${grants.length} grant${grants.length === 1 ? '' : 's'}`;
  const subject = `Revoke ${count}: the approval did not hold at merge${prs.length > 0 ? ` (${prs.join(', ')})` : ''}`;
  const body = 'Re-judged when it landed, before apply: the gate does not pass for the pull request as merged, so what it added or changed is not given. Request it again.';
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-rejudge-'));
  const pathspec = join(dir, 'paths');
  try {
    writeFileSync(pathspec, takeBack.map((t) => `${t.grant}\0`).join(''));
    runGit(root, ['rm', '-q', `--pathspec-from-file=${pathspec}`, '--pathspec-file-nul']);
    runGit(root, ['commit', '-q', '--no-verify', '-F', '-', `--pathspec-from-file=${pathspec}`, '--pathspec-file-nul'], { input: formatCommitMessage(subject, { action: 'revoke', grants }, body) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return runGit(root, ['rev-parse', 'HEAD']).trim();
}
