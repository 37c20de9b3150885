/** The git questions the CLI asks: which files changed since a ref. */
import { execFileSync } from 'node:child_process';
import { CommandFailure, UsageError } from './io.js';

export function git(repo: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0] ?? String(error);
    throw new CommandFailure(`git ${args[0]} failed: ${stderr}`, 'run it inside a git checkout of the access repo');
  }
}

/** Files added, modified or deleted since `ref` (committed or not), plus untracked files. */
export function changedFilesSince(repo: string, ref: string): { changed: string[]; deleted: string[] } {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, stdio: 'ignore' });
  } catch {
    throw new UsageError(`--changed-since ${ref} is not a commit in this repository`, 'fetch it first (e.g. git fetch origin main) or name another ref');
  }
  const base = git(repo, ['merge-base', ref, 'HEAD']).trim() || ref;
  const changed = new Set<string>();
  const deleted = new Set<string>();
  for (const line of git(repo, ['diff', '--name-status', '--no-renames', base]).split('\n')) {
    const [status, path] = line.split('\t');
    if (!status || !path) continue;
    (status.startsWith('D') ? deleted : changed).add(path);
  }
  for (const path of git(repo, ['ls-files', '--others', '--exclude-standard']).split('\n')) if (path) changed.add(path);
  return { changed: [...changed].sort(), deleted: [...deleted].sort() };
}
