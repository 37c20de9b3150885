/** `gitgrant reconcile [--dry-run] [--json]`: the nightly comparison of the cloud with the repo. */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { formatInstant } from '../../model/instant.js';
import type { Instant } from '../../model/types.js';
import { applyPlan } from '../../plan/apply.js';
import { targetKey } from '../../plan/types.js';
import { guardViolations } from '../../plan/guards.js';
import { resolveIdentityCenterDirectory } from '../../providers/identity-center-directory.js';
import { plainText } from '../../render/escape.js';
import { sortFindings, type Finding } from '../../lifecycle/findings.js';
import { reconcile } from '../../lifecycle/reconcile.js';
import { awsHandMadePaths, type HandMadePath } from '../../lifecycle/hand-made-paths.js';
import type { AccessRepo } from '../../model/types.js';
import type { Cloud } from '../../providers/cloud.js';
import { readIamAuthorization } from '../../providers/aws/iam-authorization.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import { bindingOwners, everLive } from '../../lifecycle/revocation.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { targetsInHistory } from '../../lifecycle/retired-targets.js';
import { buildPlan } from '../planning.js';
import { EXIT, type CliIo } from '../io.js';
import { maxRemovalsOption, nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';
import { concurrencyOption, sourceIo } from './expire.js';

export interface ReconcileOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
  maxRemovals?: string;
}

interface ReconcileRun extends SourceRun {
  removed: number;
}

/** Nothing was removed: the findings say what would have been. */
function asReported(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => (f.outcome === 'removed' ? { ...f, outcome: 'reported' } : f));
}

/** Reads every managed target and removes orphans and leftovers (unless `dryRun`). Used by `exceptions` in report mode. */
export async function runReconcile(io: CliIo, root: string, now: Instant, options: { dryRun: boolean; concurrency: number; maxRemovals?: string }): Promise<ReconcileRun> {
  const limit = maxRemovalsOption(options.maxRemovals);
  const planned = await buildPlan(io, root, now, { offline: false, concurrency: options.concurrency, retiredTargets: await targetsInHistory(root) });
  try {
    if (hasErrors(planned.findings)) {
      printDiagnostics(io, planned.findings);
      // A repo that does not validate would make every binding of a broken file look orphaned.
      return { source: 'reconcile', complete: false, findings: [], notes: ['the repository does not validate; nothing reconciled'], removed: 0 };
    }
    const { repo, plan, cloud } = planned;
    const identities = repo.policy.identities;
    const directory = await resolveIdentityCenterDirectory(cloud!.aws, everLive(repo), identities, now);
    const notes = planned.readFailures.map((f) => `could not read ${f.target}: ${f.cause}`);
    const paths = await handMadePaths(cloud!, repo, now, new Set(planned.readFailures.map((f) => f.target)), notes);
    const result = reconcile(repo, plan, bindingOwners(repo, identities, directory, now), paths.found);
    if (repo.policy.reconcile.removeUnmanaged) {
      notes.push('reconcile.removeUnmanaged is set, but gitgrant only reports access it did not make; remove it in the cloud');
    }
    const complete = planned.readFailures.length === 0 && paths.complete;
    if (options.dryRun) {
      return { source: 'reconcile', complete, findings: sortFindings(asReported(result.findings)), notes, removed: 0 };
    }
    const violations = guardViolations(result.removals, limit, repo.policy.apply.protected);
    if (violations.length > 0) {
      return { source: 'reconcile', complete, findings: sortFindings(asReported(result.findings)), notes: [...notes, ...violations.map((v) => `stopped before any removal: ${v}`)], removed: 0 };
    }
    const applied = await applyPlan(result.removals, cloud!.providers, { concurrency: options.concurrency });
    const failed = new Map(applied.failures.map((f) => [f.target, f.cause]));
    const findings = result.findings.map((f) =>
      f.outcome === 'removed' && failed.has(f.target!) ? { ...f, outcome: 'failed' as const, details: [...f.details, `Removal failed: ${failed.get(f.target!)}`] } : f,
    );
    for (const f of applied.failures) notes.push(`removal failed on ${f.target}: ${f.cause}`);
    const removed = result.removals.changes.filter((c) => !failed.has(targetKey(c.target))).reduce((n, c) => n + c.remove.length, 0);
    return { source: 'reconcile', complete: complete && applied.failures.length === 0, findings: sortFindings(findings), notes, removed };
  } finally {
    await planned.cloud?.close();
  }
}

/**
 * Every hand-made path to the iam strategy's target roles, per account: the account's users,
 * groups and roles read once and evaluated (hand-made-paths.ts). A failed read is a note and
 * makes the run incomplete, so no issue is closed on what was not seen.
 */
async function handMadePaths(cloud: Cloud, repo: AccessRepo, now: Instant, unread: ReadonlySet<string>, notes: string[]): Promise<{ found: Map<string, HandMadePath[]>; complete: boolean }> {
  const rolesByAccount = new Map<string, Set<string>>();
  for (const role of repo.roles.values()) {
    for (const target of role.targets) {
      if (target.kind !== 'aws' || target.strategy !== 'iam') continue;
      const set = rolesByAccount.get(target.account) ?? new Set<string>();
      set.add(`arn:aws:iam::${target.account}:role/${target.roleName}`);
      rolesByAccount.set(target.account, set);
    }
  }
  const found = new Map<string, HandMadePath[]>();
  let complete = true;
  for (const [account, roles] of [...rolesByAccount].sort(([a], [b]) => a.localeCompare(b))) {
    const key = targetKey({ provider: 'aws', strategy: 'iam', account });
    if (unread.has(key)) continue;
    try {
      found.set(key, await awsHandMadePaths(await readIamAuthorization(cloud.iam(account), account), [...roles].sort(), now));
    } catch (error) {
      complete = false;
      notes.push(`could not read the users, groups and roles of AWS account ${account} for hand-made paths: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { found, complete };
}

export async function reconcileCommand(io: CliIo, options: ReconcileOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const run = await runReconcile(sourceIo(io, options.json), root, now, { dryRun: Boolean(options.dryRun), concurrency: concurrencyOption(options.concurrency), maxRemovals: options.maxRemovals });
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun: Boolean(options.dryRun), ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant reconcile: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('reconcile', run.findings));
    io.stdout(`gitgrant reconcile: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}, ${run.removed} binding${run.removed === 1 ? '' : 's'} removed${options.dryRun ? ' (dry run)' : ''}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
