/**
 * The monthly exception report (seed 001 step 11), pure: privileged access validated against HR,
 * the anomalies of the month and the remediation the automation carried out, as Markdown for
 * people and CSV for spreadsheets. Same input, same bytes.
 */
import { formatInstant } from '../model/instant.js';
import type { Instant } from '../model/types.js';
import { markdownCode, markdownText } from '../render/escape.js';
import type { Finding } from './findings.js';
import type { GrantHistory } from './grant-events.js';

export interface ReportMonth {
  /** `2026-11` */
  label: string;
  start: Instant;
  /** Exclusive. */
  end: Instant;
}

/** The calendar month (UTC) given as `YYYY-MM`, or the one before `now`'s. */
export function reportMonth(now: Instant, label?: string): ReportMonth | undefined {
  let year: number;
  let month: number;
  if (label === undefined) {
    const date = new Date(now);
    year = date.getUTCFullYear();
    month = date.getUTCMonth() - 1;
  } else {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
    if (!match) return undefined;
    year = Number(match[1]);
    month = Number(match[2]) - 1;
  }
  const start = Date.UTC(year, month, 1);
  const end = Date.UTC(year, month + 1, 1);
  return { label: new Date(start).toISOString().slice(0, 7), start, end };
}

export interface ReportRow {
  section: 'hr-validation' | 'anomaly' | 'remediation';
  kind: string;
  at?: Instant;
  role: string;
  grantee: string;
  grant: string;
  summary: string;
}

export interface MonthlyReportInput {
  month: ReportMonth;
  history: GrantHistory;
  /** Findings of the HR comparison at the end of the month; undefined when HR could not be read. */
  hr?: readonly Finding[];
  hrNote?: string;
  anomalies: readonly Finding[];
}

export interface MonthlyReport {
  rows: ReportRow[];
  markdown: string;
  csv: string;
}

function findingRows(section: ReportRow['section'], findings: readonly Finding[]): ReportRow[] {
  return findings.map((f) => ({ section, kind: f.kind, role: f.role ?? '', grantee: '', grant: f.grants.join(' '), summary: f.summary }));
}

export function monthlyReport(input: MonthlyReportInput): MonthlyReport {
  const inMonth = (at: Instant) => at >= input.month.start && at < input.month.end;
  const requested = input.history.added.filter((e) => inMonth(e.committedAt));
  const remediation: ReportRow[] = input.history.lifecycle
    .filter((e) => inMonth(e.committedAt) && e.action !== 'break-glass' && e.action !== 'standing')
    .flatMap((e) => e.grants.map((g) => ({ section: 'remediation' as const, kind: e.action, at: g.revokedAt ?? e.committedAt, role: g.role, grantee: g.grantee, grant: g.grant, summary: g.reason ?? e.action })));
  const rows = [...findingRows('hr-validation', input.hr ?? []), ...findingRows('anomaly', input.anomalies), ...remediation];
  return { rows, markdown: markdown(input, requested.length, rows), csv: csv(rows) };
}

/**
 * The HR exceptions of the month: the findings open when the report is made, and the grants the
 * automation revoked because of HR during the month. A month whose leavers were all revoked is not
 * a month in which every holder matched HR.
 */
function hrHeadline(input: MonthlyReportInput, open: number, revoked: readonly ReportRow[]): string {
  if (!input.hr) return 'not checked';
  return revoked.length === 0 ? String(open) : `${open + revoked.length} (${open} open now, ${revoked.length} revoked this month)`;
}

function hrSection(input: MonthlyReportInput, rows: readonly ReportRow[], revoked: readonly ReportRow[]): string[] {
  const lines: string[] = [];
  if (!input.hr) lines.push(markdownText(input.hrNote ?? 'HR data was not available.'), '');
  else if (rows.some((r) => r.section === 'hr-validation')) lines.push(...section(rows, 'hr-validation', ''));
  else if (revoked.length > 0) lines.push('No holder is out of line with HR now: the ones HR called out this month were revoked.', '');
  else lines.push('Every holder matches HR.', '');
  if (revoked.length > 0) {
    lines.push(`Revoked this month because of HR (see the remediation below):`, '');
    for (const r of revoked) lines.push(`- ${markdownCode(r.grant)} (${markdownText(r.grantee)}): ${markdownText(r.summary)}`);
    lines.push('');
  }
  return lines;
}

function markdown(input: MonthlyReportInput, requested: number, rows: readonly ReportRow[]): string {
  const count = (section: ReportRow['section']) => rows.filter((r) => r.section === section).length;
  const revokedHr = rows.filter((r) => r.section === 'remediation' && r.kind === 'revoke-hr');
  const breakGlass = input.history.added.filter((e) => e.breakGlass && e.committedAt >= input.month.start && e.committedAt < input.month.end).length;
  const lines = [
    `# Privileged access exception report, ${input.month.label}`,
    '',
    `Period: ${formatInstant(input.month.start)} to ${formatInstant(input.month.end)} (UTC).`,
    '',
    '| | |',
    '|---|---|',
    `| Grants requested | ${requested} |`,
    `| Break-glass grants | ${breakGlass} |`,
    `| HR exceptions | ${hrHeadline(input, count('hr-validation'), revokedHr)} |`,
    `| Grants revoked because of HR | ${revokedHr.length} |`,
    `| Anomalies | ${count('anomaly')} |`,
    `| Remediation actions | ${count('remediation')} |`,
    '',
    '## Validation against HR',
    '',
  ];
  lines.push(...hrSection(input, rows, revokedHr));
  lines.push('## Anomalies', '', ...section(rows, 'anomaly', 'No anomaly this month.'));
  lines.push('## Remediation carried out', '');
  const remediation = rows.filter((r) => r.section === 'remediation');
  if (remediation.length === 0) lines.push('None this month.', '');
  else {
    lines.push('| When | Action | Grant | Grantee | Why |', '|---|---|---|---|---|');
    for (const r of remediation) lines.push(`| ${formatInstant(r.at!)} | ${r.kind} | ${markdownCode(r.grant)} | ${markdownText(r.grantee)} | ${markdownText(r.summary)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function section(rows: readonly ReportRow[], name: ReportRow['section'], none: string): string[] {
  const picked = rows.filter((r) => r.section === name);
  if (picked.length === 0) return [none, ''];
  return [...picked.map((r) => `- ${markdownCode(r.kind)}: ${markdownText(r.summary)}`), ''];
}

/** RFC 4180 fields; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csv(rows: readonly ReportRow[]): string {
  const header = 'section,kind,at,role,grantee,grant,summary';
  const body = rows.map((r) => [r.section, r.kind, r.at === undefined ? '' : formatInstant(r.at), r.role, r.grantee, r.grant, r.summary].map(csvField).join(','));
  return [header, ...body].join('\r\n') + '\r\n';
}
