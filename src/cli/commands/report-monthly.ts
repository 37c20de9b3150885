/** `gitgrant report --monthly [--month YYYY-MM] [--out DIR]`: the monthly exception report, Markdown and CSV. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRepo } from '../../model/load-repo.js';
import { detectAnomalies } from '../../lifecycle/anomalies.js';
import { monthlyReport, reportMonth } from '../../lifecycle/monthly-report.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';
import { historyOf } from './anomalies.js';
import { sourceIo } from './expire.js';
import { runHrCheck } from './hr-check.js';

export interface ReportOptions {
  repo?: string;
  now?: string;
  monthly?: boolean;
  month?: string;
  out?: string;
}

const DAY = 86_400_000;

export async function reportCommand(io: CliIo, options: ReportOptions): Promise<number> {
  if (!options.monthly) throw new UsageError('say which report: --monthly', 'the audit reports and the dashboard are `gitgrant audit` and `gitgrant dashboard`');
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const month = reportMonth(now, options.month);
  if (!month) throw new UsageError(`--month ${options.month} is not a month`, 'write e.g. --month 2026-11');
  // stdout may be the report itself.
  const hr = await runHrCheck(sourceIo(io, true), root, now, { dryRun: true, concurrency: 1 });
  const { repo } = loadRepo(root);
  const { history, note } = historyOf(root, repo.policy.automation);
  const config = repo.policy.anomalies;
  const anomalies = detectAnomalies({ repo, history: history.added, now: month.end, config: { ...config, lookbackDays: Math.round((month.end - month.start) / DAY) } });
  const report = monthlyReport({
    month, history, anomalies: anomalies.findings,
    ...(hr.complete ? { hr: hr.findings } : { hrNote: hr.notes.join('; ') }),
  });
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
