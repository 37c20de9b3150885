/**
 * Who approved a merged grant PR, recorded where git keeps it: a note on the commit that landed
 * the PR (its merge or squash commit), under `refs/notes/gitgrant`. GitHub's merge commits say
 * nothing about reviews, so without this note (or a token to ask GitHub) history alone cannot
 * name the approvers. The apply step writes it after the gate passes:
 *
 *   git notes --ref=gitgrant add -m "$(formatApprovalNote(record))" <landed commit>
 *   git push origin refs/notes/gitgrant
 *
 * and the note reads, in the trailer form the lifecycle commits use:
 *
 *   Gitgrant-Record: approval
 *   Pull-Request: 123
 *   Opened-At: 2026-11-22T10:00:00Z
 *   Author: @alice
 *   Approved-By: @bob 2026-11-22T10:05:00Z
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

export interface ApprovalRecord {
  pr?: number;
  openedAt?: Instant;
  author?: string;
  approvers: Approver[];
  /** Why no human approval was needed (an auto-approval window, an exempt list). */
  waiver?: string;
  mergedBy?: string;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

export function formatApprovalNote(record: ApprovalRecord): string {
  const lines = ['Gitgrant-Record: approval'];
  if (record.pr !== undefined) lines.push(`Pull-Request: ${record.pr}`);
  if (record.openedAt !== undefined) lines.push(`Opened-At: ${formatInstant(record.openedAt)}`);
  if (record.author !== undefined) lines.push(`Author: ${oneLine(record.author)}`);
  for (const a of record.approvers) lines.push(`Approved-By: ${oneLine(a.login)}${a.at === undefined ? '' : ` ${formatInstant(a.at)}`}`);
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
    else if (key === 'Approved-By') {
      const [login, at] = value!.split(' ');
      record.approvers.push({ login: login!, at: at === undefined ? undefined : parseInstant(at) });
    }
  }
  return record;
}
