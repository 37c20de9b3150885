/**
 * HR at request time, for `validate`, `new-grant`, `request` and `gate`: reads the HR sources the
 * policy names (as far as they can be read here) and returns the check for the grants being
 * requested. No HR section: no check. File sources are always read; a SCIM source only where its
 * token is set (never in the pull request check), and the output says when one was skipped.
 */
import type { RequestedGrantsCheck } from '../../app/draft-grant.js';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { checkGranteesAtRequest } from '../../core/hr/at-request.js';
import { loadHrForRequest } from '../../adapters/hr/load.js';
import { HrSourceError } from '../../adapters/hr/source-error.js';
import { withEnvScimSource } from '../../core/jobs/hr-findings.js';
import type { AccessRepo, Email, Instant } from '../../core/model/types.js';
import { git } from './git.js';
import { CommandFailure, type CliIo } from './io.js';

export type { RequestedGrantsCheck };

const NO_CHECK: RequestedGrantsCheck = () => [];

export interface HrAtRequestOptions {
  /**
   * Read HR file sources as they are on that commit (the gate judges a PR by the base's HR data, as
   * by its roles and policies, so the PR cannot rehire its own grantee).
   */
  baseRef?: string;
  /**
   * The grantees the check will be asked about (`validate --changed-since`): only their rows are
   * read, unless one of them is missing, when everything is, so the answer names broken rows too.
   */
  grantees?: ReadonlySet<Email>;
}

export async function hrAtRequest(io: CliIo, root: string, repo: AccessRepo, now: Instant, options: HrAtRequestOptions = {}): Promise<RequestedGrantsCheck> {
  // An invalid hr section is reported by the loader with the rest of the policy; the check then
  // runs on the defaults (no sources), and the load error fails the command.
  const config = withEnvScimSource(repo.policy.hr, io.env);
  const { baseRef, grantees } = options;
  const load = (only?: ReadonlySet<Email>) =>
    loadHrForRequest(config, {
      repoRoot: root,
      env: io.env,
      ...(baseRef !== undefined ? { readRepoFile: async (path: string) => fileAt(root, baseRef, path) } : {}),
      ...(only ? { only } : {}),
    });
  let hr;
  try {
    hr = await load(grantees);
    if (hr && grantees) {
      const found = new Set(hr.records.map((r) => r.email));
      if ([...grantees].some((grantee) => !found.has(grantee))) hr = await load();
    }
  } catch (error) {
    // A source that should be readable here (its token is set) but is not: fail closed.
    if (error instanceof HrSourceError) throw new CommandFailure(`HR could not be read to check the grantees: ${error.message}`, error.hint);
    throw error;
  }
  if (!hr) return NO_CHECK;
  const { records, read, unread, diagnostics } = hr;
  const hadErrors = diagnostics.some((d) => d.severity === 'error');
  // A broken row in the export is HR's to fix; here it only weakens "unknown to HR", which says so.
  const readProblems = diagnostics.map((d): Diagnostic => (d.severity === 'error' ? { ...d, severity: 'warning' } : d));
  return (grants) => {
    if (grants.length === 0) return [];
    return [...readProblems, ...checkGranteesAtRequest(grants, { mode: config.atRequest, records, read, unread, hadErrors }, now)];
  };
}

/** A regular file at `ref`; a link or anything else counts as missing, so nobody is judged by it. */
function fileAt(root: string, ref: string, path: string): string | undefined {
  const [entry, listed] = git(root, ['ls-tree', '--end-of-options', `${ref}^{commit}`, '--', path]).trim().split('\t');
  const mode = entry?.split(' ')[0];
  return listed === path && (mode === '100644' || mode === '100755') ? git(root, ['show', '--end-of-options', `${ref}:${path}`]) : undefined;
}
