/**
 * The nightly reconcile (`gitgrant reconcile`): compares the cloud with the repo, removes orphans
 * and leftovers of expired grants, and reports access gitgrant did not make. The preview (dry run,
 * and the exception issues' report mode) is given the plan and readers, never an applier.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { applyPlan } from '../core/plan/apply.js';
import type { IdentityCenterDirectory } from '../core/plan/desired.js';
import { guardViolations, type RemovalLimit } from '../core/plan/guards.js';
import type { IdentityConfig } from '../core/model/policy-sections.js';
import { targetKey, type Plan, type ProviderName } from '../core/plan/types.js';
import type { IamAuthorization } from '../core/aws/iam-authorization-model.js';
import type { ChangeApplier } from '../core/plan/provider.js';
import { sortFindings, type Finding } from '../core/jobs/findings.js';
import { awsHandMadePaths, type HandMadePath } from '../core/jobs/hand-made-paths.js';
import { reconcile as compare, type ReconcileResult } from '../core/jobs/reconcile.js';
import { bindingOwners, everLive } from '../core/jobs/revocation.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import type { Opened } from './ports.js';
import { compareText } from '../core/text/compare-text.js';

/** The repo planned against the cloud: every target today's roles or history name, read once. */
export interface CloudPlan {
  repo: AccessRepo;
  plan: Plan;
  /** The repo's diagnostics: with an error, nothing is reconciled. */
  diagnostics: Diagnostic[];
  readFailures: { target: string; cause: string }[];
}

/** What reconcile reads besides the plan. */
export interface ReconcileReads {
  directory(repo: AccessRepo, identities: IdentityConfig, now: Instant): Promise<IdentityCenterDirectory>;
  /** An AWS account's users, groups and roles with their policies, for hand-made paths. */
  iamAuthorization(account: string): Promise<IamAuthorization>;
}

export interface ReconcileReaders {
  openPlan(): Promise<Opened<{ planned: CloudPlan; cloud: ReconcileReads }>>;
}

export interface ReconcileWriters {
  openPlan(): Promise<Opened<{ planned: CloudPlan; cloud: ReconcileReads; appliers: Readonly<Record<ProviderName, ChangeApplier>> }>>;
}

export interface ReconcileInput {
  now: Instant;
}

export interface ReconcileApplyInput extends ReconcileInput {
  concurrency: number;
  /** `--max-removals`: above it, nothing is removed. */
  limit?: RemovalLimit;
}

export interface ReconcileRun extends SourceRun {
  removed: number;
  /** The repo's problems when it does not validate (printed by the caller). */
  diagnostics: Diagnostic[];
}

interface Compared {
  repo: AccessRepo;
  result: ReconcileResult;
  notes: string[];
  complete: boolean;
}

/** Nothing was removed: the findings say what the real run would remove. */
function asPreview(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => (f.outcome === 'removed' ? { ...f, outcome: 'would-remove' } : f));
}

/** Stopped before any removal: the findings are for people. */
function asReported(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => (f.outcome === 'removed' ? { ...f, outcome: 'reported' } : f));
}

const unreconciled = (diagnostics: Diagnostic[]): ReconcileRun =>
  // A repo that does not validate would make every binding of a broken file look orphaned.
  ({ source: 'reconcile', complete: false, findings: [], notes: ['the repository does not validate; nothing reconciled'], removed: 0, diagnostics });

async function compareWithCloud(planned: CloudPlan, cloud: ReconcileReads, now: Instant): Promise<Compared> {
  const { repo, plan } = planned;
  const identities = repo.policy.identities;
  const directory = await cloud.directory(everLive(repo), identities, now);
  const notes = planned.readFailures.map((f) => `could not read ${f.target}: ${f.cause}`);
  const paths = await handMadePaths(cloud, repo, now, new Set(planned.readFailures.map((f) => f.target)), notes);
  const result = compare(repo, plan, bindingOwners(repo, identities, directory, now), paths.found);
  if (repo.policy.reconcile.removeUnmanaged) {
    notes.push('reconcile.removeUnmanaged is set, but gitgrant only reports access it did not make; remove it in the cloud');
  }
  return { repo, result, notes, complete: planned.readFailures.length === 0 && paths.complete };
}

/** What reconcile would remove and report; nothing is changed. */
export async function previewReconcile(readers: ReconcileReaders, input: ReconcileInput): Promise<ReconcileRun> {
  const opened = await readers.openPlan();
  try {
    if (hasErrors(opened.planned.diagnostics)) return unreconciled(opened.planned.diagnostics);
    const { result, notes, complete } = await compareWithCloud(opened.planned, opened.cloud, input.now);
    return { source: 'reconcile', complete, findings: sortFindings(asPreview(result.findings)), notes, removed: 0, diagnostics: [] };
  } finally {
    await opened.close();
  }
}

/** Removes orphans and leftovers within the guards, and reports the rest. */
export async function reconcile(writers: ReconcileWriters, input: ReconcileApplyInput): Promise<ReconcileRun> {
  const opened = await writers.openPlan();
  try {
    if (hasErrors(opened.planned.diagnostics)) return unreconciled(opened.planned.diagnostics);
    const { repo, result, notes, complete } = await compareWithCloud(opened.planned, opened.cloud, input.now);
    const violations = guardViolations(result.removals, input.limit, repo.policy.apply.protected);
    if (violations.length > 0) {
      return { source: 'reconcile', complete, findings: sortFindings(asReported(result.findings)), notes: [...notes, ...violations.map((v) => `stopped before any removal: ${v}`)], removed: 0, diagnostics: [] };
    }
    const applied = await applyPlan(result.removals, opened.appliers, { concurrency: input.concurrency });
    const failed = new Map(applied.failures.map((f) => [f.target, f.cause]));
    const findings = result.findings.map((f) =>
      f.outcome === 'removed' && failed.has(f.target!) ? { ...f, outcome: 'failed' as const, details: [...f.details, `Removal failed: ${failed.get(f.target!)}`] } : f,
    );
    for (const f of applied.failures) notes.push(`removal failed on ${f.target}: ${f.cause}`);
    const removed = result.removals.changes.filter((c) => !failed.has(targetKey(c.target))).reduce((n, c) => n + c.remove.length, 0);
    return { source: 'reconcile', complete: complete && applied.failures.length === 0, findings: sortFindings(findings), notes, removed, diagnostics: [] };
  } finally {
    await opened.close();
  }
}

/**
 * Every hand-made path to the iam strategy's target roles, per account: the account's users,
 * groups and roles read once and evaluated (hand-made-paths.ts). A failed read is a note and
 * makes the run incomplete, so no issue is closed on what was not seen.
 */
async function handMadePaths(cloud: ReconcileReads, repo: AccessRepo, now: Instant, unread: ReadonlySet<string>, notes: string[]): Promise<{ found: Map<string, HandMadePath[]>; complete: boolean }> {
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
  for (const [account, roles] of [...rolesByAccount].sort(([a], [b]) => compareText(a, b))) {
    const key = targetKey({ provider: 'aws', strategy: 'iam', account });
    if (unread.has(key)) continue;
    try {
      found.set(key, await awsHandMadePaths(await cloud.iamAuthorization(account), [...roles].sort(), now));
    } catch (error) {
      complete = false;
      notes.push(`could not read the users, groups and roles of AWS account ${account} for hand-made paths: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { found, complete };
}
