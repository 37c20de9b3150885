/**
 * The monthly exception report (`gitgrant report --monthly`): HR validation now, the month's
 * anomalies and the remediation the automation carried out, from git history. Reads only: HR is
 * compared through the hr-check preview, which can revoke nothing.
 */
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { detectAnomalies } from '../core/jobs/anomalies.js';
import { monthlyReport, type MonthlyReport, type ReportMonth } from '../core/jobs/monthly-report.js';
import { previewHrCheck, type HrReaders } from './hr-check.js';

export interface MonthlyReportInput {
  repo: AccessRepo;
  now: Instant;
  month: ReportMonth;
  /** What loading the repo reported: sections that did not load are reported with their own errors. */
  loadDiagnostics?: readonly Diagnostic[];
}

const DAY = 86_400_000;

export interface MonthlyReportRun {
  report: MonthlyReport;
  /** Why the history is incomplete, if it is. */
  note?: string;
  /** HR's problems when it could not be read (printed by the caller). */
  diagnostics: Diagnostic[];
}

export async function reportMonthly(readers: HrReaders, { repo, now, month, loadDiagnostics }: MonthlyReportInput): Promise<MonthlyReportRun> {
  const hr = await previewHrCheck(readers, { repo, now, ...(loadDiagnostics ? { loadDiagnostics } : {}) });
  const { history, note } = readers.history.read(repo.policy.automation);
  const config = repo.policy.anomalies;
  const anomalies = detectAnomalies({ repo, history: history.added, now: month.end, config: { ...config, lookbackDays: Math.round((month.end - month.start) / DAY) } });
  const report = monthlyReport({
    month, history, anomalies: anomalies.findings,
    ...(hr.complete ? { hr: hr.findings } : { hrNote: hr.notes.join('; ') }),
  });
  return { report, ...(note ? { note } : {}), diagnostics: hr.diagnostics };
}
