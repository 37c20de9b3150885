/** The anomaly rules (`gitgrant anomalies`) over the grant history and the active grants; reads only. */
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../model/types.js';
import { readAnomalyConfig } from '../lifecycle/anomaly-config.js';
import { detectAnomalies } from '../lifecycle/anomalies.js';
import { approvalsByLogin } from '../lifecycle/approvals.js';
import { automationIdentity } from '../lifecycle/automation.js';
import type { SourceRun } from '../lifecycle/source-run.js';
import type { HistoryReader } from './ports.js';

export interface AnomalyReaders {
  history: HistoryReader;
}

export interface AnomaliesInput {
  repo: AccessRepo;
  now: Instant;
}

export interface AnomaliesRun extends SourceRun {
  /** The policy's anomalies section's problems (printed by the caller). */
  diagnostics: Diagnostic[];
}

export function anomalies(readers: AnomalyReaders, { repo, now }: AnomaliesInput): AnomaliesRun {
  const config = readAnomalyConfig(repo.policy.sections.anomalies, repo.policy.sources.anomalies);
  if (hasErrors(config.diagnostics)) {
    return { source: 'anomalies', complete: false, findings: [], notes: ['the anomalies section of the policy is invalid; no rule ran'], diagnostics: config.diagnostics };
  }
  const { history, note } = readers.history.read(automationIdentity(repo.policy.sections.automation));
  const result = detectAnomalies({ repo, history: history.added, now, config: config.value, approvals: approvalsByLogin(history.added), forged: history.forged });
  return { source: 'anomalies', complete: note === undefined, findings: result.findings, notes: [...(note ? [note] : []), ...result.skipped], diagnostics: [] };
}
