/**
 * The approval note on a commit, in git: `refs/notes/gitgrant`, one note per landed commit. Writing
 * is idempotent: the same text leaves the notes ref untouched (no new notes commit to push), and a
 * different text replaces the note.
 */
import { execFileSync } from 'node:child_process';
import { CommandFailure } from '../../cli/io.js';
import { runGit } from '../../lifecycle/git-run.js';

export const NOTES_REF = 'refs/notes/gitgrant';

export type NoteOutcome = 'recorded' | 'replaced' | 'unchanged';

/** The note on `sha`, or undefined when it has none. */
export function readNote(root: string, sha: string): string | undefined {
  try {
    return execFileSync('git', ['notes', `--ref=${NOTES_REF}`, 'show', sha], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error).trim();
    if (/no note found/i.test(stderr)) return undefined;
    throw new CommandFailure(`git notes show failed: ${stderr.split('\n')[0]}`, 'run it inside a git checkout of the access repo');
  }
}

export function writeNote(root: string, sha: string, text: string): NoteOutcome {
  const existing = readNote(root, sha);
  if (existing === text) return 'unchanged';
  // `-F -` keeps the text as given; `-f` replaces a note whose facts changed.
  runGit(root, ['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', sha], { input: text });
  return existing === undefined ? 'recorded' : 'replaced';
}
