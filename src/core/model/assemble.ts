/** Puts loaded files together into one AccessRepo. Pure. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedFile, RawPolicyPart } from './load-file.js';
import { mergePolicies, type FailedPolicyFile } from './policy.js';
import { checkRoles } from './role-checks.js';
import type { AccessRepo, Grant, Role, RoleName } from './types.js';
import { compareText } from '../text/compare-text.js';

export const ROLE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface LoadedRepo {
  repo: AccessRepo;
  diagnostics: Diagnostic[];
  fileCount: number;
}

/** The repository and every finding: what reading the files found, each file's, and the roles'. */
export function assembleLoadedRepo(loaded: readonly { path: string; loaded: LoadedFile }[], readDiagnostics: Diagnostic[]): LoadedRepo {
  const { repo, diagnostics } = assembleRepo(loaded);
  return { repo, diagnostics: [...readDiagnostics, ...diagnostics, ...checkRoles(repo)], fileCount: loaded.length };
}

export function assembleRepo(files: readonly { path: string; loaded: LoadedFile }[]): { repo: AccessRepo; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const roles = new Map<RoleName, Role>();
  const grants: Grant[] = [];
  const policyParts: RawPolicyPart[] = [];
  const failedPolicies: FailedPolicyFile[] = [];
  for (const { path, loaded } of files) {
    diagnostics.push(...loaded.diagnostics);
    if (loaded.kind === 'role' && loaded.value) {
      if (!ROLE_NAME_PATTERN.test(loaded.value.name)) {
        diagnostics.push({
          severity: 'error', code: 'ROLE_NAME_INVALID', summary: `role name \`${loaded.value.name}\` must be lower-case letters, digits and dashes`,
          hint: 'rename the file, e.g. roles/prod-db-readonly.yaml', file: path, start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
        });
      } else roles.set(loaded.value.name, loaded.value);
    } else if (loaded.kind === 'grant' && loaded.value) grants.push(loaded.value);
    else if (loaded.kind === 'policy' && loaded.value) policyParts.push(loaded.value);
    else if (loaded.kind === 'policy') failedPolicies.push({ file: path, ...(loaded.keys ? { keys: loaded.keys } : {}) });
  }
  const { policy, diagnostics: policyDiagnostics } = mergePolicies(policyParts, failedPolicies);
  diagnostics.push(...policyDiagnostics);
  grants.sort((a, b) => compareText(a.id, b.id));
  return { repo: { policy, roles, grants }, diagnostics };
}
