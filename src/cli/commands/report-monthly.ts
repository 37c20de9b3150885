/** `gitgrant report --monthly [--month YYYY-MM] [--out DIR]`: the monthly exception report, Markdown and CSV. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { reportMonth } from '../../core/jobs/monthly-report.js';
import { reportMonthly } from '../../app/report-monthly.js';
import { besideJson, EXIT, UsageError, type CliIo } from '../support/io.js';
import { historyReader, hrRecordsReader } from '../support/job-adapters.js';
import { nowOption, repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface ReportOptions {
  repo?: string;
  now?: string;
  monthly?: boolean;
  month?: string;
  out?: string;
}

export async function reportCommand(io: CliIo, options: ReportOptions): Promise<number> {
  if (!options.monthly) throw new UsageError('say which report: --monthly', 'the audit reports and the dashboard are `gitgrant audit` and `gitgrant dashboard`');
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const month = reportMonth(now, options.month);
  if (!month) throw new UsageError(`--month ${options.month} is not a month`, 'write e.g. --month 2026-11');
  const { repo, diagnostics: loadDiagnostics } = loadRepo(root);
  const { report, note, diagnostics } = await reportMonthly({ hr: hrRecordsReader(io.env, root), history: historyReader(root) }, { repo, now, month, loadDiagnostics });
  // stdout may be the report itself.
  printDiagnostics(besideJson(io, true), diagnostics);
  if (note) io.stderr(`gitgrant report: ${note}\n`);
  if (options.out === undefined) {
    io.stdout(report.markdown);
    return EXIT.ok;
  }
  const dir = resolve(io.cwd, options.out);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `exceptions-${month.label}`);
  writeFileSync(`${base}.md`, report.markdown);
  writeFileSync(`${base}.csv`, report.csv);
  io.stdout(`gitgrant report: wrote ${base}.md and ${base}.csv (${report.rows.length} rows)\n`);
  return EXIT.ok;
}
