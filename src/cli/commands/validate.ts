/** `gitgrant validate`: schema and policy findings for the whole repo, or for what a change touches. */
import { grantId, type GrantId } from '../../core/model/types.js';
import { sortDiagnostics } from '../../core/diagnostics/diagnostic.js';
import { changedFilesSince } from '../support/git.js';
import { EXIT, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';
import { countDiagnostics, plural, printDiagnostics } from '../support/report.js';

export interface ValidateOptions {
  repo?: string;
  now?: string;
  json?: boolean;
  changedSince?: string;
}

export async function validateCommand(io: CliIo, options: ValidateOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const selecting = options.changedSince === undefined ? undefined : selectChanged(root, options.changedSince);
  // Awaited below; until then a failure (an unknown ref) must not count as an unhandled rejection.
  selecting?.catch(() => undefined);
  // git scans the checkout in processes of its own while the reader, the policy engine and the HR
  // check load (a third of `validate --changed-since` on a large repo would otherwise be waiting).
  const [{ loadRepoParallel }, { evaluatePolicy }, { hrAtRequest }] = await Promise.all([
    import('../../adapters/fs/load-parallel.js'),
    import('../../core/policy/engine.js'),
    import('../support/hr-at-request.js'),
  ]);
  const selection = await selecting;
  const loaded = await loadRepoParallel(root, selection?.include);
  const { repo } = loaded;
  const scope = selection && new Set<GrantId>(repo.grants.filter((g) => selection.inScope(g.id, g.role)).map((g) => g.id));
  // HR at request time: the grants a change adds or edits, and HR's rows of their grantees alone;
  // without --changed-since, every grant and every row.
  const requested = selection ? repo.grants.filter((g) => selection.changedGrants.has(g.id)) : repo.grants;
  const checkHr = await hrAtRequest(io, root, repo, now, selection ? { grantees: new Set(requested.map((g) => g.grantee)) } : {});
  const diagnostics = sortDiagnostics([
    ...loaded.diagnostics,
    ...evaluatePolicy(repo, { now, changed: selection?.changedGrants, scope }),
    ...checkHr(requested),
  ]);
  const counts = countDiagnostics(diagnostics);
  if (options.json) {
    io.stdout(JSON.stringify({ files: loaded.fileCount, roles: repo.roles.size, grants: repo.grants.length, ...counts, diagnostics }, null, 2) + '\n');
  } else {
    printDiagnostics(io, diagnostics);
    const what = `${plural(loaded.fileCount, 'file')} (${plural(repo.roles.size, 'role')}, ${plural(repo.grants.length, 'grant')})`;
    const verdict = counts.errors + counts.warnings === 0 ? 'no problems found' : `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}`;
    const notes = counts.notices > 0 ? `, ${plural(counts.notices, 'notice')}` : '';
    io.stdout(`gitgrant validate: ${what}${selection ? ` changed since ${options.changedSince}` : ''}: ${verdict}${notes}\n`);
  }
  return counts.errors > 0 ? EXIT.findings : EXIT.ok;
}

interface Selection {
  include: (path: string) => boolean;
  inScope: (grant: GrantId, role: string) => boolean;
  changedGrants: Set<GrantId>;
}

/**
 * What a change touches: the files it adds or edits, the role of each grant it touches and every
 * grant of that role (exclusive and duplicate rules compare grants of one role), and everything
 * when a policy changes. Other roles and their grants are not read at all: no rule compares grants
 * of different roles (overlapRules groups by role; every other rule looks at one grant).
 * A deleted role counts as a changed one, so the grants it leaves behind are checked (unknown role).
 */
async function selectChanged(root: string, ref: string): Promise<Selection> {
  const { changed: edited, deleted } = await changedFilesSince(root, ref);
  const changed = [...edited, ...deleted.filter((path) => path.startsWith('roles/') || path.startsWith('policies/'))];
  const changedGrants = new Set<GrantId>();
  const roleFolders = new Set<string>();
  const changedRoles = new Set<string>();
  let everything = false;
  for (const path of changed) {
    const parts = path.split('/');
    if (parts[0] === 'policies') everything = true;
    else if (parts[0] === 'roles' && parts.length === 2) {
      const name = parts[1]!.replace(/\.ya?ml$/, '');
      changedRoles.add(name);
      roleFolders.add(name);
    } else if (parts[0] === 'grants') {
      changedGrants.add(grantId(path));
      if (parts[1]) roleFolders.add(parts[1]);
    }
  }
  const changedPaths = new Set(changed);
  const touches = (path: string): boolean => {
    const [top, second] = path.split('/');
    if (top === 'policies' || changedPaths.has(path)) return true;
    // `roles/` or `grants/` itself: worth listing when the change touches any role.
    if (second === '') return roleFolders.size > 0;
    if (top === 'roles') return roleFolders.has(second!.replace(/\.ya?ml$/, ''));
    return roleFolders.has(second!);
  };
  return {
    include: (path) => everything || touches(path),
    inScope: (grant, role) => everything || changedGrants.has(grant) || changedRoles.has(role),
    changedGrants,
  };
}
