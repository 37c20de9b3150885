/** `gitgrant audit [--since D] [--until D] [--format md|csv|json]`: the evidence report from history. */
import { buildAuditReport } from '../../audit/audit-report.js';
import { GitHistoryError, readHistory } from '../../audit/git-history.js';
import { reconstruct } from '../../audit/lifecycle.js';
import type { Reconstruction } from '../../audit/lifecycle-types.js';
import { renderAudit, type AuditFormat } from '../../audit/render-audit.js';
import { parseInstant } from '../../model/instant.js';
import type { Instant } from '../../model/types.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { repoOption } from '../options.js';

export interface AuditOptions {
  repo?: string;
  since?: string;
  until?: string;
  format?: string;
}

const FORMATS: readonly AuditFormat[] = ['md', 'csv', 'json'];

export async function auditCommand(io: CliIo, options: AuditOptions): Promise<number> {
  const format = (options.format ?? 'md') as AuditFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${options.format} is not one of ${FORMATS.join(', ')}`);
  const period = { since: dayOrInstant('since', options.since), until: dayOrInstant('until', options.until) };
  if (period.since !== undefined && period.until !== undefined && period.since >= period.until) {
    throw new UsageError('--since must be before --until');
  }
  const history = await historyOf(repoOption(io, options.repo));
  io.stdout(renderAudit(buildAuditReport(history, period), format));
  return EXIT.ok;
}

/** The reconstructed history of the repo at `root`; git failures become a one-line CommandFailure. */
export async function historyOf(root: string): Promise<Reconstruction> {
  try {
    return reconstruct(await readHistory(root));
  } catch (error) {
    if (error instanceof GitHistoryError) throw new CommandFailure(error.message, error.hint);
    throw error;
  }
}

/** `2026-11-01` (midnight UTC) or a full RFC 3339 instant. */
export function dayOrInstant(name: string, value: string | undefined): Instant | undefined {
  if (value === undefined) return undefined;
  const parsed = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (parsed === undefined) throw new UsageError(`--${name} ${value} is not a date`, 'write a day (2026-11-01) or an instant (2026-11-01T09:00:00Z)');
  return parsed;
}
