/**
 * The grant history the jobs read (anomalies, the monthly report): every grant file ever added to
 * grants/, as it was when added, with the approval note of the commit that landed it (see
 * src/audit/approval-note.ts), and the trailers of every lifecycle commit the automation made (see
 * automation.ts). Plain data and pure parsing; src/adapters/git/history.ts reads it from git.
 */
import { parse } from 'yaml';
import type { ApprovalRecord } from '../audit/approval-note.js';
import { parseInstant } from '../model/instant.js';
import { classifyPath } from '../model/repo-paths.js';
import { email, grantId, roleName, type Email, type GrantId, type Instant, type RoleName } from '../model/types.js';
import type { ForgedTrailers } from '../audit/automation.js';
import type { TamperedApproval } from '../audit/approval-evidence.js';
import type { LifecycleCommit } from '../audit/trailers.js';

/** A grant as requested: the file's content in the commit that added it. */
export interface GrantEvent {
  grant: GrantId;
  role: RoleName;
  grantee: Email;
  commit: string;
  committedAt: Instant;
  starts?: Instant;
  expires?: Instant;
  breakGlass: boolean;
  standing: boolean;
  /** Who asked and who approved: the automation's record on main, or a note older than the records. */
  approval?: ApprovalRecord;
}

export interface LifecycleEvent extends LifecycleCommit {
  commit: string;
  committedAt: Instant;
}

export interface GrantHistory {
  added: GrantEvent[];
  /** The automation's lifecycle commits on main (see automation.ts). */
  lifecycle: LifecycleEvent[];
  /** Commits carrying the trailers that the automation did not make: findings, never lifecycle events. */
  forged: ForgedTrailers[];
  /** Approval notes the automation's record on main does not back (approval-evidence.ts): findings, never approvals. */
  tamperedApprovals?: TamperedApproval[];
}

function instantOf(value: unknown): Instant | undefined {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'string' ? parseInstant(value) : undefined;
}

/**
 * A grant file's fields as far as they can be read; history may hold files that never validated.
 * Only a path the one classifier (src/model/repo-paths.ts) calls a grant file is a grant.
 */
export function grantEventOf(path: string, text: string, commit: string, committedAt: Instant): GrantEvent | undefined {
  const place = classifyPath(path);
  if (place.kind !== 'grant') return undefined;
  let data: Record<string, unknown>;
  try {
    data = (parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof data.grantee !== 'string') return undefined;
  return {
    grant: grantId(path), role: roleName(place.role), grantee: email(data.grantee.trim().toLowerCase()), commit, committedAt,
    starts: instantOf(data.starts), expires: instantOf(data.expires), breakGlass: data.breakGlass === true, standing: data.standing === true,
  };
}
