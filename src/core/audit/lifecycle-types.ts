/** Grant lifecycles and role versions reconstructed from history: plain, JSON-serialisable data. */
import type { Instant, Role } from '../model/types.js';
import type { ForgedTrailers } from './automation.js';
import type { ApprovalRecord } from './approval-note.js';
import type { TamperedApproval } from './approval-evidence.js';

export interface CommitRef {
  sha: string;
  /** When it landed on main. */
  at: Instant;
  /** The commit's author (for a merge commit: who merged). */
  by: string;
  subject: string;
  pr?: number;
  /** Committed by the automation's identity (policies: `automation`) on main's first-parent line. */
  bot: boolean;
}

/**
 * Where the approval facts came from: GitHub's reviews, the automation's record on main, a note
 * from before main had records (unverified: anyone with write access can push notes), or nowhere.
 */
export type ApprovalSource = 'github' | 'record' | 'note' | 'unrecorded';

export interface Approval extends ApprovalRecord {
  source: ApprovalSource;
}

export type EndKind = 'expired' | 'revoked' | 'revoked-hr' | 'revoked-ticket' | 'break-glass-ended';

export interface GrantEnd {
  kind: EndKind;
  /** When the file left main (or the `Revoked-At` the sweep recorded). */
  removedAt: Instant;
  /** Removed before its `expires`. */
  early: boolean;
  commit: CommitRef;
  reason?: string;
}

export type ChangeKind = 'extended' | 'shortened' | 'renewed' | 'renamed' | 'edited';

export interface GrantChange {
  kind: ChangeKind;
  commit: CommitRef;
  approval: Approval;
  fromExpires: Instant;
  toExpires: Instant;
  /** The `starts` the file has from this change on (absent: none, access from when it landed). */
  toStarts?: Instant;
  /** For renames: the path before. */
  fromPath?: string;
}

export interface GrantLifecycle {
  /** The path it was requested at and the requesting commit: unique across re-requests. */
  id: string;
  /** The path it has (or had when it ended). */
  path: string;
  role: string;
  grantee: string;
  reason: string;
  ticket?: string;
  starts?: Instant;
  /** As last written. */
  expires: Instant;
  /** As requested. */
  requestedExpires: Instant;
  /** As requested (absent: none). Each change's `toStarts`/`toExpires` give the later versions. */
  requestedStarts?: Instant;
  breakGlass: boolean;
  incident?: string;
  /** Break-glass: the review issue the automation's requesting commit names (`Break-Glass-Review`). */
  breakGlassReview?: number;
  standing: boolean;
  requested: CommitRef;
  approval: Approval;
  changes: GrantChange[];
  ended?: GrantEnd;
  /** Why the file did not load under today's schema (history older than the tool); fields are best effort. */
  unreadable?: string;
}

export interface RoleVersion {
  name: string;
  commit: CommitRef;
  /** Undefined: the role was deleted, or did not load. */
  role?: Role;
}

export interface Reconstruction {
  grants: GrantLifecycle[];
  /** Every version of every role, oldest first. */
  roles: RoleVersion[];
  /** Commits carrying gitgrant's lifecycle trailers that the automation did not make: counted as people's changes. */
  forgedTrailers: ForgedTrailers[];
  /** Approval notes main's record does not back, and people's commits claiming to be a record (approval-evidence.ts). */
  tamperedApprovals: TamperedApproval[];
  /** The history's last commit time (grants still open are active "now" as of it). */
  lastCommitAt?: Instant;
  /** The history's last commit: what a report or dashboard was built from. */
  lastCommit?: string;
}
