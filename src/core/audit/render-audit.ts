/**
 * Renders the audit report as Markdown (for people, in a file or a PR), plain text (for people, in a
 * terminal), CSV (one row per evidence) or JSON. Pure. Values from files are untrusted: Markdown
 * writes them as entities so they render literally; a terminal gets them with control characters
 * and escape sequences stripped instead, so `carol@example.com` reads as itself.
 */
import { markdownCode, markdownText, plainText } from '../render/escape.js';
import type { AuditReport, ControlEvidence } from './audit-report.js';
import { time } from './events.js';

export type AuditFormat = 'md' | 'text' | 'csv' | 'json';

/** The JSON form states each event once; a control's evidence is the indexes of its events in `events`. */
export interface AuditJson extends Omit<AuditReport, 'controls'> {
  controls: (Omit<ControlEvidence, 'evidence'> & { evidence: number[] })[];
}

export function renderAudit(report: AuditReport, format: AuditFormat): string {
  if (format === 'json') return JSON.stringify(toJson(report)) + '\n';
  if (format === 'csv') return renderCsv(report);
  return renderForPeople(report, format === 'text' ? TERMINAL : MARKDOWN);
}

function toJson(report: AuditReport): AuditJson {
  const index = new Map(report.events.map((event, i) => [event, i]));
  return { ...report, controls: report.controls.map((c) => ({ ...c, evidence: c.evidence.map((e) => index.get(e)!) })) };
}

function periodText(report: AuditReport): string {
  const { since, until } = report.period;
  return `${since === undefined ? 'the beginning' : time(since)} to ${until === undefined ? 'the last commit' : time(until)}`;
}

/** How a value from a file is written: as inline text, and as code (a path, a commit). */
interface Escaper {
  text(value: string): string;
  code(value: string): string;
}

const MARKDOWN: Escaper = { text: markdownText, code: markdownCode };
const TERMINAL: Escaper = { text: plainText, code: plainText };

function renderForPeople(report: AuditReport, { text, code }: Escaper): string {
  const commitLink = (sha: string, pr: number | undefined) => `${code(sha.slice(0, 12))}${pr === undefined ? '' : ` (PR #${pr})`}`;
  const out: string[] = [`# Access audit: ${periodText(report)}`, ''];
  out.push(`${report.grants.length} grant(s) in the period. Source: git history of main${report.github === 'available' ? ' and GitHub (reviews, issues)' : '; no GitHub token, so approvals come from the apply step\'s notes only, and break-glass reviews and exception issues are not included'}.`, '');
  out.push('## Evidence per control', '');
  for (const control of report.controls) {
    // Control names, statements and facts are gitgrant's own text; only values from files are escaped.
    out.push(`### ${control.name}`, '', `Procedure sections ${control.sections}. ${control.how}`, '');
    for (const fact of control.facts) out.push(`- ${fact}`);
    out.push('', `Evidence (${control.evidence.length}):`, '');
    if (control.evidence.length > 0) {
      out.push('| When | Commit | Grant | Event |', '|---|---|---|---|');
      for (const e of control.evidence) {
        out.push(`| ${time(e.at)} | ${commitLink(e.commit, e.pr)} | ${e.grant ? code(e.grant) : text(e.role)} | ${text(e.summary)} |`);
      }
    }
    out.push('');
  }
  out.push('## Break-glass uses', '');
  if (report.breakGlass.length === 0) out.push('None in the period.');
  for (const use of report.breakGlass) {
    const review = use.review
      ? `review issue #${use.review.number} ${use.review.state}${use.review.closedAt === undefined ? '' : ` ${time(use.review.closedAt)}`}`
      : report.github === 'available' ? 'no review issue found' : 'review status unknown (no GitHub token)';
    out.push(`- ${text(use.grantee)} on ${text(use.role)} at ${time(use.at)} (${commitLink(use.commit, undefined)}), incident ${text(use.incident ?? 'not given')}, ended ${use.endedAt === undefined ? 'not yet' : time(use.endedAt)}; ${review}`);
  }
  out.push('', '## Lifecycle trailers not made by the automation', '');
  out.push('gitgrant\'s trailers (`Gitgrant-Action`, `Revoked-At`, ...) count only on commits its automation pushed to main. These commits carry them without being the automation\'s, so the report dates them as the people\'s changes they are.', '');
  if (report.forgedTrailers.length === 0) out.push('None in the period.');
  for (const f of report.forgedTrailers) {
    out.push(`- ${commitLink(f.commit, f.pr)} at ${time(f.at)}: \`Gitgrant-Action: ${f.action}\` ${text(f.why)}; counted as a person's change`);
  }
  out.push('', '## Approval notes not backed by the record on main', '');
  out.push('The apply step records who approved each landed pull request in a commit on main, which only the automation can push, and copies it into a git note (`refs/notes/gitgrant`), which anyone with write access can push. Only the record on main counts; these notes, and commits posing as a record, say something it does not, so the report ignores them.', '');
  if (report.tamperedApprovals.length === 0) out.push('None in the period.');
  for (const t of report.tamperedApprovals) {
    const claimed = t.claimed.length > 0 ? t.claimed.map(text).join(', ') : 'no approver';
    const recorded = t.recorded === undefined ? '' : `; the record on main names ${t.recorded.length > 0 ? t.recorded.map(text).join(', ') : 'no approver'}`;
    out.push(`- ${commitLink(t.commit, t.pr)} at ${time(t.at)}: ${TAMPER_TEXT[t.kind]} claiming ${claimed}${recorded}: ${text(t.why)}`);
  }
  out.push('', '## Exception issues', '');
  if (!report.exceptions) out.push('Not available: no GitHub token; run with GITHUB_TOKEN set to include them.');
  else if (report.exceptions.length === 0) out.push('None.');
  else for (const issue of report.exceptions) out.push(`- #${issue.number} ${text(issue.title)}: ${issue.state}${issue.resolution ? ` (${issue.resolution})` : ''}`);
  out.push('', '## Grants', '', '| Grant | Grantee | Role | Requested | Approval | Changes | Ended |', '|---|---|---|---|---|---|---|');
  for (const g of report.grants) {
    const approval = g.breakGlass ? 'break-glass' : g.approval.source === 'unrecorded' ? 'not recorded' : g.approval.approvers.map((a) => a.login).join(', ') || (g.approval.waiver ?? 'none');
    const ended = g.ended ? `${g.ended.kind} ${time(g.ended.removedAt)}` : 'active';
    out.push(`| ${code(g.path)} | ${text(g.grantee)} | ${text(g.role)} | ${time(g.requested.at)} ${commitLink(g.requested.sha, g.requested.pr)} | ${text(approval)} | ${g.changes.length} | ${ended} |`);
  }
  return out.join('\n') + '\n';
}

const TAMPER_TEXT: Record<AuditReport['tamperedApprovals'][number]['kind'], string> = {
  differs: 'approval note altered',
  'no-record': 'approval note without a record',
  'forged-record': 'approval record not made by the automation',
};

const CSV_COLUMNS = ['control', 'at', 'event', 'commit', 'pr', 'grant', 'grantee', 'role', 'summary'] as const;

function renderCsv(report: AuditReport): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const control of report.controls) {
    for (const e of control.evidence) {
      rows.push([control.name, time(e.at), e.endKind ?? e.kind, e.commit, e.pr === undefined ? '' : String(e.pr), e.grant ?? '', e.grantee ?? '', e.role, e.summary].map(csvField).join(','));
    }
  }
  return rows.join('\n') + '\n';
}

/** Quoted, and a leading formula character neutralised: auditors open these files in spreadsheets. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
