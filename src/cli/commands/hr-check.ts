/** `gitgrant hr-check [--dry-run] [--json]`: the nightly comparison of holders with HR, and the standing-access PR. */
import { formatInstant } from '../../core/model/instant.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { lastLoadingRoles } from '../../app/broken-roles.js';
import { plainText } from '../../core/render/escape.js';
import { renderFindingsText } from '../../core/jobs/render.js';
import type { StandingAccessResult } from '../../app/standing-access.js';
import { hrCheck, previewHrCheck } from '../../app/hr-check.js';
import { besideJson, EXIT, type CliIo } from '../support/io.js';
import { cloudWriter, historyReader, hrRecordsReader, revocationCommitter, standingAccessWriter } from '../support/job-adapters.js';
import { concurrencyOption, nowOption, repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface HrCheckOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

export async function hrCheckCommand(io: CliIo, options: HrCheckOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOption(options.concurrency);
  const dryRun = Boolean(options.dryRun);
  const { repo, diagnostics: loadDiagnostics } = loadRepo(root);
  const readers = { hr: hrRecordsReader(io.env, root), history: historyReader(root) };
  // Dry run: the preview is given HR and history to read; no cloud, no committer, no pull request.
  const { diagnostics, ...run } = dryRun
    ? await previewHrCheck(readers, { repo, now, loadDiagnostics })
    : await hrCheck({ ...readers, openCloud: () => cloudWriter(io.env, now, repo.policy), commits: revocationCommitter(root), standing: standingAccessWriter(io.env, root) }, { repo, now, concurrency, loadDiagnostics, standIns: lastLoadingRoles(root, repo, loadDiagnostics) });
  printDiagnostics(besideJson(io, options.json), diagnostics);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun, ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant hr-check: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('hr-check', run.findings));
    if (run.revoked.length > 0) io.stdout(`gitgrant hr-check: revoked ${run.revoked.join(', ')}\n`);
    const due = run.findings.filter((f) => f.outcome === 'would-revoke').flatMap((f) => f.grants);
    if (due.length > 0) io.stdout(`gitgrant hr-check: dry run: would revoke ${[...new Set(due)].sort().join(', ')}; nothing revoked\n`);
    if (run.standing) io.stdout(`gitgrant hr-check: standing access: ${standingText(run.standing)}\n`);
    io.stdout(`gitgrant hr-check: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}

function standingText(s: StandingAccessResult): string {
  if (s.closed) return `HR calls for no change; pull request #${s.pullRequest} closed and branch ${s.branch} deleted`;
  if (s.unchanged) return `branch ${s.branch} already proposes these ${s.files.length} changes; nothing pushed`;
  const pr = s.pullRequest ? `, pull request #${s.pullRequest} ${s.created ? 'opened' : 'updated'}` : ' (no pull request: GitHub is not configured)';
  return `branch ${s.branch} pushed with ${s.files.length} changes${pr}`;
}
