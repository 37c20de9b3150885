/**
 * The one gitgrant comment on a grant PR: what is requested, validation findings, the approval
 * table and the offline plan. Pure; every user-written value is escaped (`render/escape.ts`), so a
 * reason cannot mention a team, inject Markdown or HTML, or break a table.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { formatInstant } from '../../core/model/instant.js';
import type { Grant } from '../../core/model/types.js';
import { markdownCode, markdownText } from '../../core/render/escape.js';
import type { GateResult } from '../../core/gate/gate.js';
import { renderGateMarkdown } from '../../core/gate/gate-render.js';

export interface PrCommentInput {
  grants: readonly Grant[];
  findings: readonly Diagnostic[];
  gate: GateResult;
  /** `renderPlanMarkdown` of the offline plan; absent when the repo does not validate. */
  planMarkdown?: string;
}

export function renderPrComment(input: PrCommentInput): string {
  const sections = [requested(input.grants), findings(input.findings), renderGateMarkdown(input.gate), input.planMarkdown ?? '### gitgrant plan (offline)\n\nNot planned: fix the validation errors first.\n'];
  return sections.map((s) => s.trimEnd()).join('\n\n') + '\n';
}

function requested(grants: readonly Grant[]): string {
  if (grants.length === 0) return '### Requested access\n\nThis pull request adds or changes no grant.';
  const rows = grants.map((g) =>
    [markdownCode(g.id), markdownCode(g.grantee), markdownText(g.reason), g.ticket ? markdownText(g.ticket) : '—', g.starts === undefined ? 'on merge' : markdownCode(formatInstant(g.starts)), markdownCode(formatInstant(g.expires))].join(' | '),
  );
  return ['### Requested access', '', '| Grant | Grantee | Reason | Ticket | Starts | Expires |', '| --- | --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r} |`)].join('\n');
}

function findings(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '### Validation\n\n✅ No problems found.';
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return [`### Validation`, '', errors > 0 ? `❌ ${errors} error${errors === 1 ? '' : 's'}:` : 'Findings:', '', ...diagnostics.map((d) => `- ${markdownText(formatDiagnostic(d))}`)].join('\n');
}
