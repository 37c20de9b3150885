/**
 * `gitgrant audit [--since D] [--until D] [--format text|md|csv|json]`: the evidence report from
 * history (app/audit-sources.ts). In a terminal it prints plain text; piped or redirected, Markdown.
 */
import { auditReport } from '../../app/audit-sources.js';
import { renderAudit, type AuditFormat } from '../../core/audit/render-audit.js';
import { auditAdapters } from '../support/audit-adapters.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { dayOrInstant, repoOption } from '../support/options.js';

export interface AuditOptions {
  repo?: string;
  since?: string;
  until?: string;
  format?: string;
}

const FORMATS: readonly AuditFormat[] = ['text', 'md', 'csv', 'json'];

export async function auditCommand(io: CliIo, options: AuditOptions): Promise<number> {
  // Markdown writes every value from a file as HTML entities, right for a file or a PR, noise in a terminal.
  const format = (options.format ?? (io.isTTY ? 'text' : 'md')) as AuditFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${options.format} is not one of ${FORMATS.join(', ')}`);
  const period = { since: dayOrInstant('since', options.since), until: dayOrInstant('until', options.until) };
  if (period.since !== undefined && period.until !== undefined && period.since >= period.until) {
    throw new UsageError('--since must be before --until');
  }
  const root = repoOption(io, options.repo);
  io.stdout(renderAudit(await auditReport(period, auditAdapters(io, root)), format));
  return EXIT.ok;
}
