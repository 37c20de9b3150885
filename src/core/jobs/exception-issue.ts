/**
 * One exception issue per finding, pure: title, body, labels and assignees. The body holds nothing
 * that changes between runs (no timestamps, no counters), so an unchanged finding never edits its
 * issue.
 */
import { markdownCode, markdownText } from '../render/escape.js';
import type { Finding, FindingKind, FindingSource } from './findings.js';

export interface ExceptionDraft {
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
}

/** Which job raises each kind: an open issue is closed only when that job ran to completion. */
export const KIND_SOURCE: Record<FindingKind, FindingSource> = {
  EXPIRY_FAILED: 'expire',
  EXPIRY_OVERDUE: 'expire',
  TICKET_NOT_FOUND: 'expire',
  ORPHAN_BINDING: 'reconcile',
  EXPIRED_LEFTOVER: 'reconcile',
  UNMANAGED_ACCESS: 'reconcile',
  HR_GRANTEE_TERMINATED: 'hr',
  HR_GRANTEE_UNKNOWN: 'hr',
  HR_GRANTEE_INELIGIBLE: 'hr',
  HR_APPROVER_LEFT: 'hr',
  ANOMALY_REPEATED_USE: 'anomalies',
  ANOMALY_BREAK_GLASS: 'anomalies',
  ANOMALY_APPROVER_CONCENTRATION: 'anomalies',
  ANOMALY_OFF_HOURS: 'anomalies',
  ANOMALY_FORGED_TRAILERS: 'anomalies',
  ANOMALY_FORGED_APPROVAL: 'anomalies',
  ACCESS_NOT_ENDED: 'verify',
};

const KIND_LABEL_PREFIX = 'exception:';

export function kindLabel(kind: FindingKind): string {
  return KIND_LABEL_PREFIX + kind.toLowerCase().replace(/_/g, '-');
}

export function kindOfLabels(labels: readonly string[]): FindingKind | undefined {
  const kinds = Object.keys(KIND_SOURCE) as FindingKind[];
  return kinds.find((kind) => labels.includes(kindLabel(kind)));
}

const TITLE_MAX = 200;

export function exceptionDraft(finding: Finding, label: string): ExceptionDraft {
  const title = `gitgrant: ${finding.summary}`;
  // Teams cannot be assigned; they are mentioned, and people are both assigned and mentioned.
  const people = finding.notify.filter((p) => !p.includes('/')).map((p) => p.replace(/^@/, ''));
  const lines = [
    `**${markdownText(finding.summary)}**`,
    '',
    `Kind: ${markdownCode(finding.kind)} · outcome: ${finding.outcome}${finding.role ? ` · role ${markdownCode(finding.role)}` : ''}${finding.target ? ` · target ${markdownCode(finding.target)}` : ''}`,
    '',
    ...finding.details.map((d) => markdownText(d)),
  ];
  if (finding.grants.length > 0) lines.push('', '**Grants**', '', ...finding.grants.map((g) => `- ${markdownCode(g)}`));
  if (finding.notify.length > 0) lines.push('', `For: ${finding.notify.join(' ')}`);
  lines.push('', 'gitgrant opened this issue and keeps it up to date; it closes it when the finding is gone. Closing it by hand marks it handled.');
  return {
    title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    body: lines.join('\n') + '\n',
    labels: [label, kindLabel(finding.kind)].sort(),
    assignees: people.sort(),
  };
}
