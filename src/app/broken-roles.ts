/**
 * The roles that do not load, each with its newest version on main's first-parent history that
 * does (core/plan/stand-in.ts says why that version, and what it may and may not be used for).
 * Read only when some role does not load: a valid main costs nothing here. When the history
 * cannot be read or holds no such version, the role stays unknown and the callers hold back as
 * before, saying why.
 */
import { readHistorySync } from '../adapters/git/history.js';
import { GitError, gitExit } from '../adapters/git/run.js';
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { AccessRepo } from '../core/model/types.js';
import { brokenRoles, NO_STAND_INS, standInsFrom, type StandIns } from '../core/plan/stand-in.js';

export function lastLoadingRoles(root: string, repo: AccessRepo, problems: readonly Diagnostic[]): StandIns {
  const names = brokenRoles(repo, problems);
  if (names.length === 0) return NO_STAND_INS;
  let history;
  try {
    history = readHistorySync(root, ['roles']);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const why = `main's history could not be read (${error.message})`;
    return { roles: new Map(), unknown: new Map(names.map((name) => [name, why])) };
  }
  const shallow = gitExit(root, ['rev-parse', '--is-shallow-repository']).stdout.toString('utf8').trim() === 'true';
  return standInsFrom(history, names, (name) => `no version of roles/${name}.yaml on main's first-parent history${shallow ? ' in this shallow checkout' : ''} loads`);
}
