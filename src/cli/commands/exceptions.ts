/**
 * `gitgrant exceptions [--dry-run] [--json]`: runs every finding source in report mode and keeps one
 * GitHub issue per finding: opened, updated when the finding changes, closed when it is gone.
 */
import { formatInstant } from '../../core/model/instant.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { plainText } from '../../core/render/escape.js';
import { sectionFailures } from '../../core/model/policy.js';
import { exceptions, previewExceptions, type ExceptionReaders } from '../../app/exceptions.js';
import { besideJson, EXIT, type CliIo } from '../support/io.js';
import { historyReader, hrRecordsReader, issueTracker, reconcileReaders, ticketReader, verifyReaders } from '../support/job-adapters.js';
import { concurrencyOption, nowOption, repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface ExceptionsOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

export async function exceptionsCommand(io: CliIo, options: ExceptionsOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOption(options.concurrency);
  const loaded = loadRepo(root);
  const refused = sectionFailures(loaded.repo.policy, loaded.diagnostics, 'exceptions');
  if (refused.length > 0) {
    printDiagnostics(io, refused);
    return EXIT.findings;
  }
  const config = loaded.repo.policy.exceptions;
  const history = historyReader(root);
  // Every source is given readers only: this run revokes, removes and pushes nothing.
  const readers: ExceptionReaders = {
    expire: { tickets: ticketReader(io.env) },
    reconcile: reconcileReaders(io, root, now, concurrency),
    hr: { hr: hrRecordsReader(io.env, root), history },
    anomalies: { history },
    verify: verifyReaders(io.env, root, now, loaded.repo.policy),
  };
  const input = { repo: loaded.repo, now, config, loadDiagnostics: loaded.diagnostics };
  // Dry run: no issue tracker is given, so no issue can be touched.
  const run = options.dryRun ? await previewExceptions(readers, input) : await exceptions({ ...readers, issues: await issueTracker(io.env) }, input);
  printDiagnostics(besideJson(io, options.json), run.diagnostics);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun: Boolean(options.dryRun), findings: run.findings, sources: run.runs.map((r) => ({ source: r.source, complete: r.complete, findings: r.findings.length })), issues: run.issues, notes: run.notes }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant exceptions: ${plainText(note)}\n`);
    for (const f of run.findings) io.stdout(`gitgrant exceptions: ${f.kind}: ${plainText(f.summary)}\n`);
    const s = run.issues;
    const issues = s
      ? `issues: ${s.created.length} opened, ${s.updated.length} updated, ${s.reopened.length} reopened, ${s.closed.length} closed, ${s.unchanged.length} unchanged`
      : 'dry run: no issue touched';
    io.stdout(`gitgrant exceptions: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}; ${issues}\n`);
  }
  return run.findings.length > 0 || run.complete.size < run.runs.length ? EXIT.findings : EXIT.ok;
}
