/**
 * The pull request `gitgrant request` opens: its title, its body (escaped user text), and the hidden
 * marker naming the issue a bot-opened request came from, so the gate knows who asked.
 */
import { formatDuration } from '../../core/model/duration.js';
import { formatInstant } from '../../core/model/instant.js';
import type { Instant } from '../../core/model/types.js';
import { markdownCode, markdownText, plainText } from '../../core/render/escape.js';

export interface RequestSummary {
  path: string;
  role: string;
  grantee: string;
  reason: string;
  ticket?: string;
  starts?: Instant;
  expires: Instant;
  /** The access-request issue this PR answers. */
  fromIssue?: number;
}

const FROM_ISSUE = /<!-- gitgrant:from-issue:([1-9][0-9]{0,9}) -->/;

export function requestTitle(request: RequestSummary, now: Instant): string {
  return plainText(`Request ${request.role} for ${request.grantee} (${formatDuration(request.expires - (request.starts ?? now))})`);
}

export function requestBody(request: RequestSummary): string {
  const lines = [
    `Requests role ${markdownCode(request.role)} for ${markdownCode(request.grantee)}.`,
    '',
    '| | |',
    '| --- | --- |',
    `| Grant file | ${markdownCode(request.path)} |`,
    `| Reason | ${markdownText(request.reason)} |`,
    `| Ticket | ${request.ticket ? markdownText(request.ticket) : '—'} |`,
    `| Starts | ${request.starts === undefined ? 'on merge' : markdownCode(formatInstant(request.starts))} |`,
    `| Expires | ${markdownCode(formatInstant(request.expires))} |`,
    '',
    "The role's owners approve this pull request; the `gate` check shows who is still needed.",
  ];
  if (request.fromIssue !== undefined) lines.push('', `Closes #${request.fromIssue}`, `<!-- gitgrant:from-issue:${request.fromIssue} -->`);
  return lines.join('\n') + '\n';
}

/** The issue number a request PR's body names; only trusted on PRs opened by a bot (see app/gate.ts). */
export function requestIssueOf(body: string): number | undefined {
  const match = FROM_ISSUE.exec(body);
  return match ? Number(match[1]) : undefined;
}
