/**
 * The CLI's view of git: the adapter's questions (src/adapters/git/), with a flag's name put on a
 * revision the adapter could not find. Nothing here runs git itself.
 */
import { changedFilesSince as changedSince, UnknownRevisionError } from '../../adapters/git/queries.js';
import { gitText } from '../../adapters/git/run.js';
import { UsageError } from './io.js';


/** git's output as text; a failure is a `GitError` (exit 1 with git's first line and a hint). */
export function git(repo: string, args: string[]): string {
  return gitText(repo, args);
}

/** Files added, modified or deleted since `ref` (committed or not), plus untracked files. */
export async function changedFilesSince(repo: string, ref: string): Promise<{ changed: string[]; deleted: string[] }> {
  try {
    return await changedSince(repo, ref);
  } catch (error) {
    if (error instanceof UnknownRevisionError && error.revision === ref) throw new UsageError(`--changed-since ${ref} is not a commit in this repository`, error.hint);
    throw error;
  }
}
