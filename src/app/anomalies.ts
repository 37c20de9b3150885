/** The anomaly rules (`gitgrant anomalies`) over the grant history and the active grants; reads only. */
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { sectionFailures } from '../core/model/policy.js';
import { detectAnomalies } from '../core/jobs/anomalies.js';
import { approvalsByLogin } from '../core/jobs/approvals.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import type { HistoryReader } from './ports.js';

export interface AnomalyReaders {
  history: HistoryReader;
}

export interface AnomaliesInput {
  /** The repo's load problems: a refused anomalies section is reported with them. */
  loadDiagnostics?: readonly Diagnostic[];
  repo: AccessRepo;
  now: Instant;
}

export interface AnomaliesRun extends SourceRun {
  /** The policy's anomalies section's problems (printed by the caller). */
  diagnostics: Diagnostic[];
}

export function anomalies(readers: AnomalyReaders, { repo, now, loadDiagnostics }: AnomaliesInput): AnomaliesRun {
  const refused = sectionFailures(repo.policy, loadDiagnostics ?? [], 'anomalies');
  if (refused.length > 0) {
    return { source: 'anomalies', complete: false, findings: [], notes: ['the anomalies section of the policy is invalid; no rule ran'], diagnostics: refused };
  }
  // History is read as the policy's automation: a default identity must not stand in for a broken section.
  const automation = sectionFailures(repo.policy, loadDiagnostics ?? [], 'automation');
  if (automation.length > 0) {
    return { source: 'anomalies', complete: false, findings: [], notes: ['the automation section of the policy is invalid; no rule ran'], diagnostics: automation };
  }
  const { history, note } = readers.history.read(repo.policy.automation);
  const result = detectAnomalies({ repo, history: history.added, now, config: repo.policy.anomalies, approvals: approvalsByLogin(history.added), forged: history.forged, tamperedApprovals: history.tamperedApprovals });
  return { source: 'anomalies', complete: note === undefined, findings: result.findings, notes: [...(note ? [note] : []), ...result.skipped], diagnostics: [] };
}
