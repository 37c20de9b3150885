/** The history of an access repo as git tells it: plain data, read by `git-history`, used by the pure core. */
import type { Instant } from '../model/types.js';

/** Copies count as additions and type changes as modifications: that is all audit needs. */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R';

export interface FileChange {
  status: ChangeStatus;
  /** The path after the change; for a deletion, the deleted path. */
  path: string;
  /** For a rename: where the file was. */
  oldPath?: string;
  oldBlob?: string;
  newBlob?: string;
}

export interface HistoryCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredAt: Instant;
  committerName: string;
  /** With the name, who made the commit: the automation's trailers count only on its own commits. */
  committerEmail: string;
  /** When the commit landed on main: the time every audit event is dated by. */
  committedAt: Instant;
  message: string;
  /** The commit's note under refs/notes/gitgrant, if the apply step recorded one. */
  notes?: string;
  changes: FileChange[];
}

export interface History {
  /** Commits on main's first-parent line that touched grants/ or roles/, oldest first. */
  commits: HistoryCommit[];
  /** Contents of every file version the commits mention, by blob id. */
  blobs: Map<string, Uint8Array>;
}
