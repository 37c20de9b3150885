/** `gitgrant reconcile [--dry-run] [--json]`: the nightly comparison of the cloud with the repo. */
import { formatInstant } from '../../core/model/instant.js';
import { plainText } from '../../core/render/escape.js';
import { renderFindingsText } from '../../core/jobs/render.js';
import { previewReconcile, reconcile } from '../../app/reconcile.js';
import { besideJson, EXIT, type CliIo } from '../support/io.js';
import { reconcileReaders, reconcileWriters } from '../support/job-adapters.js';
import { concurrencyOption, nowOption, removalLimitOption, repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface ReconcileOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
  maxRemovals?: string;
}

export async function reconcileCommand(io: CliIo, options: ReconcileOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOption(options.concurrency);
  const limit = removalLimitOption(options.maxRemovals);
  const dryRun = Boolean(options.dryRun);
  // Dry run: the preview is given the plan and readers, never an applier.
  const { diagnostics, ...run } = dryRun
    ? await previewReconcile(reconcileReaders(io, root, now, concurrency), { now })
    : await reconcile(reconcileWriters(io, root, now, concurrency), { now, concurrency, limit });
  printDiagnostics(besideJson(io, options.json), diagnostics);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun, ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant reconcile: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('reconcile', run.findings));
    io.stdout(`gitgrant reconcile: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}, ${run.removed} binding${run.removed === 1 ? '' : 's'} removed${dryRun ? ' (dry run)' : ''}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
