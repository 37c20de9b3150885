/**
 * The approval note on a commit, in git: `refs/notes/gitgrant`, one note per landed commit. Writing
 * is idempotent: the same text leaves the notes ref untouched (no new notes commit to push), and a
 * different text replaces the note.
 */
import { gitExit, GitError, gitText, revisionArgs } from './run.js';

export const NOTES_REF = 'refs/notes/gitgrant';

export type NoteOutcome = 'recorded' | 'replaced' | 'unchanged';

/** The note on `sha`, or undefined when it has none. */
export function readNote(root: string, sha: string): string | undefined {
  const exit = gitExit(root, ['notes', `--ref=${NOTES_REF}`, 'show', ...revisionArgs(sha)]);
  if (exit.status === 0) return exit.stdout.toString('utf8');
  const stderr = exit.stderr.trim();
  if (/no note found/i.test(stderr)) return undefined;
  throw new GitError(`git notes show failed: ${stderr.split('\n')[0]}`, 'run it inside a git checkout of the access repo', { args: ['notes', 'show', sha], status: exit.status, stderr });
}

export function writeNote(root: string, sha: string, text: string): NoteOutcome {
  const existing = readNote(root, sha);
  if (existing === text) return 'unchanged';
  // `-F -` keeps the text as given; `-f` replaces a note whose facts changed.
  gitText(root, ['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', ...revisionArgs(sha)], { input: text, hint: 'check the checkout and that the remote is reachable' });
  return existing === undefined ? 'recorded' : 'replaced';
}
