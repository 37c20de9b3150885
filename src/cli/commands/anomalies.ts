/** `gitgrant anomalies [--json]`: the anomaly rules over the grant history and the active set. */
import { formatInstant } from '../../core/model/instant.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { plainText } from '../../core/render/escape.js';
import { renderFindingsText } from '../../core/jobs/render.js';
import { anomalies } from '../../app/anomalies.js';
import { besideJson, EXIT, type CliIo } from '../support/io.js';
import { historyReader } from '../support/job-adapters.js';
import { nowOption, repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface AnomaliesOptions {
  repo?: string;
  now?: string;
  json?: boolean;
}

export function anomaliesCommand(io: CliIo, options: AnomaliesOptions): number {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const loaded = loadRepo(root);
  const { diagnostics, ...run } = anomalies({ history: historyReader(root) }, { repo: loaded.repo, now, loadDiagnostics: loaded.diagnostics });
  printDiagnostics(besideJson(io, options.json), diagnostics);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant anomalies: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('anomalies', run.findings));
    io.stdout(`gitgrant anomalies: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
