/**
 * `gitgrant exceptions [--dry-run] [--json]`: runs every finding source in report mode and keeps one
 * GitHub issue per finding: opened, updated when the finding changes, closed when it is gone.
 */
import { octokitIssueTracker } from '../../github/issues.js';
import { formatInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { sectionFailures } from '../../model/policy.js';
import type { Instant } from '../../model/types.js';
import { plainText } from '../../render/escape.js';
import { executeIssueSync, type IssueSyncResult } from '../../lifecycle/exception-issues-github.js';
import { sortFindings, type FindingSource } from '../../lifecycle/findings.js';
import { gitHubFromEnv } from '../../lifecycle/github-env.js';
import { planIssueSync } from '../../lifecycle/issue-sync.js';
import { missingTickets, ticketsToCheck } from '../../lifecycle/expiry.js';
import { overdueExpiries } from '../../lifecycle/overdue.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { CommandFailure, EXIT, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';
import { runAnomalies } from './anomalies.js';
import { concurrencyOption, sourceIo, ticketStates } from './expire.js';
import { runHrCheck } from './hr-check.js';
import { runReconcile } from './reconcile.js';
import { runVerify, VERIFY_EXCEPTIONS_LOOKBACK_MS } from './verify.js';

export interface ExceptionsOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

/** A source that crashed is incomplete: its issues stay as they are. */
async function guarded(source: FindingSource, run: () => SourceRun | Promise<SourceRun>): Promise<SourceRun> {
  try {
    return await run();
  } catch (error) {
    return { source, complete: false, findings: [], notes: [`${source} failed: ${(error as Error).message}`] };
  }
}

/** Every finding source in report mode: nothing is revoked, removed or pushed. */
export async function collectFindings(io: CliIo, root: string, now: Instant, concurrency: number, graceMinutes: number): Promise<SourceRun[]> {
  const expire = await guarded('expire', async () => {
    const { repo } = loadRepo(root);
    const notes: string[] = [];
    const tickets = await ticketStates(io, ticketsToCheck(repo.grants, now), (line) => notes.push(line));
    // Tickets not looked up: their issues must not be closed as if the tickets had come back.
    return { source: 'expire', complete: notes.length === 0, findings: [...overdueExpiries(repo, now, graceMinutes), ...missingTickets(repo, now, tickets)], notes };
  });
  const reconcile = await guarded('reconcile', () => runReconcile(io, root, now, { dryRun: true, concurrency }));
  const hr = await guarded('hr', () => runHrCheck(io, root, now, { dryRun: true, concurrency }));
  const anomalies = await guarded('anomalies', () => runAnomalies(io, root, now));
  const verify = await guarded('verify', () => runVerify(io, root, { since: now - VERIFY_EXCEPTIONS_LOOKBACK_MS, until: now }));
  return [expire, reconcile, hr, anomalies, verify];
}

export async function exceptionsCommand(io: CliIo, options: ExceptionsOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const loaded = loadRepo(root);
  const refused = sectionFailures(loaded.repo.policy, loaded.diagnostics, 'exceptions');
  if (refused.length > 0) {
    printDiagnostics(io, refused);
    return EXIT.findings;
  }
  const config = loaded.repo.policy.exceptions;
  const github = options.dryRun ? undefined : await gitHubFromEnv(io.env);
  if (github && 'missing' in github) throw new CommandFailure(`cannot reach the exception issues: ${github.missing}`, 'set GITHUB_TOKEN and GITHUB_REPOSITORY (Actions sets both), or run with --dry-run');
  const runs = await collectFindings(sourceIo(io, options.json), root, now, concurrencyOption(options.concurrency), config.expiryGraceMinutes);
  const findings = sortFindings(runs.flatMap((r) => r.findings));
  const complete = new Set(runs.filter((r) => r.complete).map((r) => r.source));
  let synced: IssueSyncResult | undefined;
  let unchanged: number[] = [];
  if (github) {
    const tracker = octokitIssueTracker(github.client, github.repo);
    const plan = planIssueSync(findings, await tracker.list(config.label), complete, config.label);
    synced = await executeIssueSync(tracker, plan);
    unchanged = plan.unchanged;
  }
  const notes = runs.flatMap((r) => [...r.notes.map((n) => `${r.source}: ${n}`), ...(r.complete ? [] : [`${r.source} did not complete: its open issues are left as they are`])]);
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun: Boolean(options.dryRun), findings, sources: runs.map((r) => ({ source: r.source, complete: r.complete, findings: r.findings.length })), issues: synced ? { ...synced, unchanged } : undefined, notes }, null, 2) + '\n');
  } else {
    for (const note of notes) io.stdout(`gitgrant exceptions: ${plainText(note)}\n`);
    for (const f of findings) io.stdout(`gitgrant exceptions: ${f.kind}: ${plainText(f.summary)}\n`);
    const issues = synced
      ? `issues: ${synced.created.length} opened, ${synced.updated.length} updated, ${synced.reopened.length} reopened, ${synced.closed.length} closed, ${unchanged.length} unchanged`
      : 'dry run: no issue touched';
    io.stdout(`gitgrant exceptions: ${findings.length} finding${findings.length === 1 ? '' : 's'}; ${issues}\n`);
  }
  return findings.length > 0 || complete.size < runs.length ? EXIT.findings : EXIT.ok;
}
