/** What a PR's changed files mean for approval: grants to approve, grants removed, policy changes. */
import { grantId, type GrantId } from '../model/types.js';
import type { PullRequestFile } from './types.js';

const GRANT_FILE = /^grants\/[^/]+\/[^/]+\.ya?ml$/;

/**
 * Files that change what every grant means or what the workflows run with cloud credentials.
 * `bin/` and `tsconfig*.json` are here too: they are code the Actions execute.
 */
const POLICY_OWNED = [/^roles\//, /^policies\//, /^\.github\//, /^schemas\//, /^src\//, /^scripts\//, /^bin\//, /^package[^/]*\.json$/, /^tsconfig[^/]*\.json$/];

export interface ChangedGrant {
  grant: GrantId;
  change: 'added' | 'modified';
}

export interface ClassifiedChanges {
  /** Grant files the PR adds or changes: each needs its role's approvals. */
  grants: ChangedGrant[];
  /** Grant files the PR deletes: revoking needs no approval. */
  deletedGrants: GrantId[];
  /** Files only the policy owners may approve. */
  policyFiles: string[];
}

export function isGrantFile(path: string): boolean {
  return GRANT_FILE.test(path);
}

export function isPolicyOwned(path: string): boolean {
  return POLICY_OWNED.some((pattern) => pattern.test(path));
}

export function classifyChanges(files: readonly PullRequestFile[]): ClassifiedChanges {
  const grants = new Map<string, ChangedGrant>();
  const deleted = new Set<string>();
  const policy = new Set<string>();
  for (const file of files) {
    // A rename is a deletion of the old path plus an addition of the new one: moving a grant into
    // another role's folder must be approved by that role's owners.
    const paths = file.previousPath ? [file.previousPath, file.path] : [file.path];
    for (const path of paths) if (isPolicyOwned(path)) policy.add(path);
    if (file.previousPath && isGrantFile(file.previousPath)) deleted.add(file.previousPath);
    if (!isGrantFile(file.path) || file.status === 'unchanged') continue;
    if (file.status === 'removed') deleted.add(file.path);
    else grants.set(file.path, { grant: grantId(file.path), change: file.status === 'modified' || file.status === 'changed' ? 'modified' : 'added' });
  }
  for (const path of grants.keys()) deleted.delete(path);
  return {
    grants: [...grants.values()].sort((a, b) => a.grant.localeCompare(b.grant)),
    deletedGrants: [...deleted].sort().map(grantId),
    policyFiles: [...policy].sort(),
  };
}
