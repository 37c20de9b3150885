/**
 * The start of an access repo's history (`gitgrant init`'s epoch): the commit that first added
 * .gitgrant/epoch.yaml on main's first-parent line. Every history reader (audit, access-at, the
 * dashboard, anomalies, break-glass budgets, verify) reads that commit and its descendants only,
 * so a repo made from the template never reports the template's example organisation as its own.
 *
 * The oldest addition counts, so editing, deleting and re-adding the file later cannot move the
 * start forward to hide history; a repo without the file is read from its first commit. The file is
 * policy-owned (CODEOWNERS `*`), so adding it to an existing repo needs the policy owners.
 *
 * Pure: the git arguments and how to read their answer; the readers run git.
 */
import { EPOCH_PATH } from '../policy/org-init.js';
import type { HistoryCommit } from './history-types.js';

export { EPOCH_PATH };

/** The git arguments that list the commits adding the epoch file, oldest first. */
export function epochLogArguments(): string[] {
  return ['log', '--first-parent', '--diff-merges=first-parent', '--diff-filter=A', '--reverse', '--format=%H', 'HEAD', '--', EPOCH_PATH];
}

/** The epoch commit from that log's output, if any. */
export function epochFrom(logOutput: string): string | undefined {
  const first = logOutput.split('\n').map((line) => line.trim()).find(Boolean);
  return first && /^[0-9a-f]{40,64}$/.test(first) ? first : undefined;
}

/** Revisions for `git log`/`rev-list`: HEAD, without what came before the epoch (`^E^@`: all of E's parents). */
export function historyRevisions(epoch: string | undefined): string[] {
  return epoch ? ['HEAD', `^${epoch}^@`] : ['HEAD'];
}

/**
 * The epoch commit as the first event of history: what it deletes (the example organisation an
 * older template had at the root) never existed as far as history goes, and what it writes is new.
 * `commits` are oldest first and start at the epoch (the log read with `historyRevisions`).
 */
export function startAtEpoch(commits: HistoryCommit[], epoch: string | undefined): HistoryCommit[] {
  if (!epoch) return commits;
  return commits.map((commit) => commit.sha !== epoch ? commit : {
    ...commit,
    changes: commit.changes.filter((c) => c.newBlob !== undefined).map((c) => ({ status: 'A' as const, path: c.path, newBlob: c.newBlob })),
  });
}
