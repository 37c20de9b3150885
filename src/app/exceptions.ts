/**
 * The exception issues (`gitgrant exceptions`): every finding source runs in report mode, through
 * its preview, so nothing is revoked, removed or pushed; then one GitHub issue per finding is
 * opened, updated, or closed when the finding is gone. The dry run is given no issue tracker.
 */
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { IssueTracker } from '../adapters/github/issues.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { executeIssueSync, type IssueSyncResult } from '../adapters/github/exception-issues-github.js';
import type { ExceptionsConfig } from '../core/model/policy-sections.js';
import { sortFindings, type Finding, type FindingSource } from '../core/jobs/findings.js';
import { planIssueSync } from '../core/jobs/issue-sync.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import { anomalies, type AnomalyReaders } from './anomalies.js';
import { expiryFindings, type ExpiryReaders } from './expire.js';
import { previewHrCheck, type HrReaders } from './hr-check.js';
import { previewReconcile, type ReconcileReaders } from './reconcile.js';
import { verify, VERIFY_EXCEPTIONS_LOOKBACK_MS, type VerifyReaders } from './verify.js';

/** Readers for every source; none of them can change the cloud, the repo or GitHub. */
export interface ExceptionReaders {
  expire: Pick<ExpiryReaders, 'tickets'>;
  reconcile: ReconcileReaders;
  hr: HrReaders;
  anomalies: AnomalyReaders;
  verify: VerifyReaders;
}

export interface ExceptionsInput {
  repo: AccessRepo;
  now: Instant;
  config: ExceptionsConfig;
  /** What loading the repo reported: sections that did not load are reported with their own errors. */
  loadDiagnostics?: readonly Diagnostic[];
}

export interface ExceptionsRun {
  runs: SourceRun[];
  findings: Finding[];
  /** Sources that saw everything: only their issues may be closed. */
  complete: Set<FindingSource>;
  notes: string[];
  /** The sources' problems with the policy or HR data (printed by the caller). */
  diagnostics: Diagnostic[];
  issues?: IssueSyncResult & { unchanged: number[] };
}

/** A source that crashed is incomplete: its issues stay as they are. */
async function guarded(source: FindingSource, run: () => (SourceRun & { diagnostics?: Diagnostic[] }) | Promise<SourceRun & { diagnostics?: Diagnostic[] }>): Promise<SourceRun & { diagnostics?: Diagnostic[] }> {
  try {
    return await run();
  } catch (error) {
    return { source, complete: false, findings: [], notes: [`${source} failed: ${(error as Error).message}`] };
  }
}

/**
 * An exception issue reports: the job that acts is the nightly run, not this one, so what a
 * preview says that run would revoke or remove is, for the issue, reported.
 */
function asReported(run: SourceRun): SourceRun {
  return { ...run, findings: run.findings.map((f) => (f.outcome === 'would-revoke' || f.outcome === 'would-remove' ? { ...f, outcome: 'reported' } : f)) };
}

/** Every finding source in report mode. */
export async function collectFindings(readers: ExceptionReaders, { repo, now, config, loadDiagnostics = [] }: ExceptionsInput): Promise<Omit<ExceptionsRun, 'issues'>> {
  const runs = [
    await guarded('expire', () => expiryFindings(readers.expire, { repo, now, graceMinutes: config.expiryGraceMinutes })),
    await guarded('reconcile', () => previewReconcile(readers.reconcile, { now })),
    await guarded('hr', () => previewHrCheck(readers.hr, { repo, now, loadDiagnostics })),
    await guarded('anomalies', () => anomalies(readers.anomalies, { repo, now, loadDiagnostics })),
    await guarded('verify', () => verify(readers.verify, { repo, window: { since: now - VERIFY_EXCEPTIONS_LOOKBACK_MS, until: now } })),
  ];
  const sources: SourceRun[] = runs.map(({ source, complete, findings, notes }) => asReported({ source, complete, findings, notes }));
  return {
    runs: sources,
    findings: sortFindings(sources.flatMap((r) => r.findings)),
    complete: new Set(sources.filter((r) => r.complete).map((r) => r.source)),
    notes: sources.flatMap((r) => [...r.notes.map((n) => `${r.source}: ${n}`), ...(r.complete ? [] : [`${r.source} did not complete: its open issues are left as they are`])]),
    diagnostics: runs.flatMap((r) => r.diagnostics ?? []),
  };
}

/** The findings, and no issue touched. */
export function previewExceptions(readers: ExceptionReaders, input: ExceptionsInput): Promise<ExceptionsRun> {
  return collectFindings(readers, input);
}

/** The findings, and the issues brought in line with them. */
export async function exceptions(readers: ExceptionReaders & { issues: IssueTracker }, input: ExceptionsInput): Promise<ExceptionsRun> {
  const collected = await collectFindings(readers, input);
  const label = input.config.label;
  const plan = planIssueSync(collected.findings, await readers.issues.list(label), collected.complete, label);
  const synced = await executeIssueSync(readers.issues, plan);
  return { ...collected, issues: { ...synced, unchanged: plan.unchanged } };
}
