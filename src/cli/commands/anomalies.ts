/** `gitgrant anomalies [--json]`: the anomaly rules over the grant history and the active set. */
import { formatInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { sectionFailures } from '../../model/policy.js';
import type { AutomationIdentity } from '../../model/policy-sections.js';
import type { Instant } from '../../model/types.js';
import { plainText } from '../../render/escape.js';
import { detectAnomalies } from '../../lifecycle/anomalies.js';
import { approvalsByLogin } from '../../lifecycle/approvals.js';
import { readGrantHistory, type GrantHistory } from '../../lifecycle/history.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { runGit } from '../../lifecycle/git-run.js';
import { EXIT, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';
import { sourceIo } from './expire.js';

export interface AnomaliesOptions {
  repo?: string;
  now?: string;
  json?: boolean;
}

/** The history, or an empty one with the reason when the checkout is not a full git clone. */
export function historyOf(root: string, automation?: AutomationIdentity): { history: GrantHistory; note?: string } {
  const empty = { added: [], lifecycle: [], forged: [] };
  let shallow: string;
  try {
    shallow = runGit(root, ['rev-parse', '--is-shallow-repository']).trim();
  } catch {
    return { history: empty, note: 'not a git checkout: the rules see the active grants only' };
  }
  const history = readGrantHistory(root, automation);
  return shallow === 'true' ? { history, note: 'shallow clone: history is incomplete (check out with fetch-depth: 0)' } : { history };
}

export function runAnomalies(io: CliIo, root: string, now: Instant): SourceRun {
  const { repo, diagnostics } = loadRepo(root);
  const refused = sectionFailures(repo.policy, diagnostics, 'anomalies');
  if (refused.length > 0) {
    printDiagnostics(io, refused);
    return { source: 'anomalies', complete: false, findings: [], notes: ['the anomalies section of the policy is invalid; no rule ran'] };
  }
  const { history, note } = historyOf(root, repo.policy.automation);
  const result = detectAnomalies({ repo, history: history.added, now, config: repo.policy.anomalies, approvals: approvalsByLogin(history.added), forged: history.forged });
  return { source: 'anomalies', complete: note === undefined, findings: result.findings, notes: [...(note ? [note] : []), ...result.skipped] };
}

export function anomaliesCommand(io: CliIo, options: AnomaliesOptions): number {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const run = runAnomalies(sourceIo(io, options.json), root, now);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant anomalies: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('anomalies', run.findings));
    io.stdout(`gitgrant anomalies: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
