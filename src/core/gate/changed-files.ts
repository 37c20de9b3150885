/**
 * What a PR's changed files mean for approval: grants to approve, grants removed, policy changes,
 * and files that cannot be merged at all. Every path goes through the classifier the loader uses
 * (`model/repo-paths.ts`), so whatever the loader would load as a grant is judged here as one.
 */
import { classifyPath, isPolicyOwned, refusalSummary, type RefusalCode } from '../model/repo-paths.js';
import { grantId, type GrantId } from '../model/types.js';
import type { PullRequestFile } from './github-types.js';
import { compareText } from '../text/compare-text.js';

export interface ChangedGrant {
  grant: GrantId;
  change: 'added' | 'modified';
}

/** A file the PR adds or changes that gitgrant refuses (a bad name under grants/, a symbolic link...). */
export interface RefusedFile {
  path: string;
  code: RefusalCode;
  reason: string;
  hint: string;
}

export interface ClassifiedChanges {
  /** Grant files the PR adds or changes: each needs its role's approvals. */
  grants: ChangedGrant[];
  /** Grant files the PR deletes: revoking needs no approval. */
  deletedGrants: GrantId[];
  /** Files only the policy owners may approve: everything that is not a grant file. */
  policyFiles: string[];
  /** Files no approval can let through: the gate fails while any is in the PR. */
  refused: RefusedFile[];
}

export function isGrantFile(path: string): boolean {
  return classifyPath(path).kind === 'grant';
}

export function classifyChanges(files: readonly PullRequestFile[]): ClassifiedChanges {
  const grants = new Map<string, ChangedGrant>();
  const deleted = new Set<string>();
  const policy = new Set<string>();
  const refused = new Map<string, RefusedFile>();
  // A path that goes away: a grant file is a revocation; anything else is a policy change.
  const removing = (path: string) => {
    if (isGrantFile(path)) deleted.add(path);
    else policy.add(path);
  };
  for (const file of files) {
    // A rename is a deletion of the old path plus an addition of the new one: moving a grant into
    // another role's folder must be approved by that role's owners.
    if (file.previousPath !== undefined) removing(file.previousPath);
    if (file.status === 'removed') {
      removing(file.path);
      continue;
    }
    const kind = classifyPath(file.path, file.mode);
    if (kind.kind === 'refused') {
      refused.set(file.path, { path: file.path, code: kind.code, reason: refusalSummary(kind), hint: kind.hint });
    } else if (isPolicyOwned(kind)) {
      policy.add(file.path);
    } else if (file.status !== 'unchanged') {
      const change = file.status === 'modified' || file.status === 'changed' ? 'modified' : 'added';
      grants.set(file.path, { grant: grantId(file.path), change });
    }
  }
  for (const path of grants.keys()) deleted.delete(path);
  return {
    grants: [...grants.values()].sort((a, b) => compareText(a.grant, b.grant)),
    deletedGrants: [...deleted].sort().map(grantId),
    policyFiles: [...policy].sort(),
    refused: [...refused.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
