/**
 * Who approved a merged grant PR, recorded where git keeps it: a note on the commit that landed
 * the PR (its merge or squash commit), under `refs/notes/gitgrant`. GitHub's merge commits say
 * nothing about reviews, so without this note (or a token to ask GitHub) history alone cannot
 * name the approvers. The apply workflow writes it with `gitgrant record-approvals --commit SHA`
 * (which re-runs the gate for the PR that landed SHA) and pushes `refs/notes/gitgrant`. The note
 * reads, in the trailer form the lifecycle commits use:
 *
 *   Gitgrant-Record: approval
 *   Pull-Request: 123
 *   Opened-At: 2026-11-22T10:00:00Z
 *   Author: @alice
 *   Approved-By: @bob 2026-11-22T10:05:00Z
 *   Approved-For: grants/prod-db-readonly/alice-inc-1.yaml owners @bob via @example-org/db-owners
 *   Waived-By: role prod-db-readonly auto-approves Mon,Tue 09:00-17:00 Europe/London
 *   Merged-By: @bob
 */
import { formatInstant, parseInstant } from '../model/instant.js';
import type { Instant } from '../model/types.js';

export interface Approver {
  /** `@login`. */
  login: string;
  at?: Instant;
}

/** Which approval counted for which level of which grant, and through which team or user entry. */
export interface CountedApproval {
  grant: string;
  level: string;
  /** `@login`. */
  login: string;
  /** The `@org/team` or `@login` entries of the level that the approver matched. */
  via: string[];
}

export interface ApprovalRecord {
  pr?: number;
  openedAt?: Instant;
  author?: string;
  approvers: Approver[];
  counted?: CountedApproval[];
  /** Why no human approval was needed (an auto-approval window, an exempt list). */
  waiver?: string;
  mergedBy?: string;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** One space-free word of an `Approved-For` line. */
function token(value: string): string {
  return oneLine(value).replace(/\s+/g, '_');
}

export function formatApprovalNote(record: ApprovalRecord): string {
  const lines = ['Gitgrant-Record: approval'];
  if (record.pr !== undefined) lines.push(`Pull-Request: ${record.pr}`);
  if (record.openedAt !== undefined) lines.push(`Opened-At: ${formatInstant(record.openedAt)}`);
  if (record.author !== undefined) lines.push(`Author: ${oneLine(record.author)}`);
  for (const a of record.approvers) lines.push(`Approved-By: ${oneLine(a.login)}${a.at === undefined ? '' : ` ${formatInstant(a.at)}`}`);
  for (const c of record.counted ?? []) lines.push(`Approved-For: ${token(c.grant)} ${token(c.level)} ${token(c.login)} via ${c.via.map(token).join(',') || '-'}`);
  if (record.waiver !== undefined) lines.push(`Waived-By: ${oneLine(record.waiver)}`);
  if (record.mergedBy !== undefined) lines.push(`Merged-By: ${oneLine(record.mergedBy)}`);
  return lines.join('\n') + '\n';
}

/** Undefined for notes that are not an approval record (other tools may share the ref). */
export function parseApprovalNote(note: string | undefined): ApprovalRecord | undefined {
  if (!note) return undefined;
  const pairs = note.split('\n').map((line) => /^([A-Za-z-]+):\s?(.*)$/.exec(line.trim())).filter((m): m is RegExpExecArray => m !== null);
  if (!pairs.some((m) => m[1] === 'Gitgrant-Record' && m[2] === 'approval')) return undefined;
  const record: ApprovalRecord = { approvers: [] };
  for (const [, key, value] of pairs) {
    if (key === 'Pull-Request' && /^\d+$/.test(value!)) record.pr = Number(value);
    else if (key === 'Opened-At') record.openedAt = parseInstant(value!);
    else if (key === 'Author') record.author = value;
    else if (key === 'Waived-By') record.waiver = value;
    else if (key === 'Merged-By') record.mergedBy = value;
    else if (key === 'Approved-For') {
      const match = /^(\S+) (\S+) (\S+) via (\S+)$/.exec(value!);
      if (match) (record.counted ??= []).push({ grant: match[1]!, level: match[2]!, login: match[3]!, via: match[4] === '-' ? [] : match[4]!.split(',') });
    } else if (key === 'Approved-By') {
      const [login, at] = value!.split(' ');
      record.approvers.push({ login: login!, at: at === undefined ? undefined : parseInstant(at) });
    }
  }
  return record;
}
