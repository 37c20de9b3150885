/**
 * The CLI side of the plan-apply use case (src/app/plan-apply.ts): options parsed once, the repo
 * loaded, the clouds opened only when a run reads them (imported on demand, so an offline plan never
 * loads an SDK), and the outcome printed. `plan` opens a reader; only `runApply` opens an applier.
 */
import { sortDiagnostics } from '../../core/diagnostics/diagnostic.js';
import { loadRepoFromFiles } from '../../adapters/fs/load-repo.js';
import { readRepoFiles } from '../../adapters/fs/read-repo.js';
import type { AccessRepo, Instant, Policy } from '../../core/model/types.js';
import { evaluatePolicy } from '../../core/policy/engine.js';
import {
  IdentityLookupFailure,
  applyGuardsOf,
  applyPlanned,
  checkScope,
  guardStops,
  planIsFinding,
  planOffline,
  planOnline,
  type ApplyGuards,
  type ApplyOutcome,
  type PlanRequest,
  type Planned,
  type RepoState,
  type TargetScope,
} from '../../app/plan-apply.js';
import { heldHeadline } from '../../core/plan/fail-safe.js';
import { renderPlanMarkdown, renderPlanText } from '../../core/plan/render.js';
import type { Plan, TargetRef } from '../../core/plan/types.js';
import type { Cloud } from '../../adapters/cloud/cloud.js';
import type { CloudApplier, CloudReader } from '../../core/plan/provider.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { markdownText, plainText } from '../../core/render/escape.js';
import { actionsCore } from './actions.js';
import { loadAndEvaluate } from './load.js';
import { lastLoadingRoles } from '../../app/broken-roles.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from './io.js';
import { printDiagnostics } from './report.js';

export type { Planned } from '../../app/plan-apply.js';

/** A file that is not on disk yet but is planned as if it were (break-glass --dry-run's draft). */
export interface PendingFile {
  path: string;
  text: string;
}

/** The repository as the use case takes it: loaded, evaluated, with any pending files in place. */
export function loadState(root: string, now: Instant, pending: readonly PendingFile[] = []): RepoState {
  if (pending.length === 0) {
    const { repo, findings } = loadAndEvaluate(root, now);
    return withLastLoadingRoles(root, { repo, findings });
  }
  const read = readRepoFiles(root);
  const encoder = new TextEncoder();
  const loaded = loadRepoFromFiles([...read.files, ...pending.map((f) => ({ path: f.path, bytes: encoder.encode(f.text) }))], read.diagnostics);
  return withLastLoadingRoles(root, { repo: loaded.repo, findings: sortDiagnostics([...loaded.diagnostics, ...evaluatePolicy(loaded.repo, { now })]) });
}

/** A role that does not load is planned from its last version on main that does (git is read only then). */
function withLastLoadingRoles(root: string, state: RepoState): RepoState {
  const standIns = lastLoadingRoles(root, state.repo, state.findings);
  return standIns.roles.size + standIns.unknown.size > 0 ? { ...state, standIns } : state;
}

/** `--concurrency`: a positive whole number. */
export function concurrencyOf(text: string | undefined): number {
  const value = Number(text ?? 8);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--concurrency ${text} is not a positive whole number`);
  return value;
}

/** `--provider` and `--target`; a target the roles do not name is a usage error that lists the ones they do. */
export function scopeOf(state: RepoState, request: Omit<PlanRequest, 'scope'>, options: { provider?: string; target?: string }): TargetScope | undefined {
  if (options.provider !== undefined && options.provider !== 'aws' && options.provider !== 'gcp') {
    throw new UsageError(`--provider ${options.provider} is not a provider gitgrant manages`, 'write --provider aws or --provider gcp');
  }
  if (options.provider === undefined && options.target === undefined) return undefined;
  const scope: TargetScope = { ...(options.provider ? { provider: options.provider } : {}), ...(options.target !== undefined ? { target: options.target } : {}) };
  const problem = checkScope(state, { ...request, scope });
  if (problem) {
    throw new UsageError(problem.message, problem.known.length > 0 ? `the roles name these targets: ${problem.known.join(', ')}` : 'no role names a target yet');
  }
  if (scope.provider && scope.target && !scope.target.startsWith(`${scope.provider}:`)) {
    throw new UsageError(`--target ${scope.target} is not a ${scope.provider} target`, 'drop --provider, or give one of its targets');
  }
  return scope;
}

/** The guards, parsed once for every command that applies: a bad `--max-removals` is a usage error. */
export function guardsOf(maxRemovals: string | undefined, policy: Pick<Policy, 'apply'>): ApplyGuards {
  const result = applyGuardsOf(maxRemovals, policy);
  if ('problem' in result) throw new UsageError(result.problem.message, result.problem.hint);
  return result.guards;
}

/** A reader of the clouds the environment points at: what `plan` and dry runs get. */
export async function openReader(io: CliIo, now: Instant, policy: Pick<Policy, 'aws'>): Promise<CloudReader> {
  const { cloudFromEnv, cloudReaderOf } = await import('../../adapters/cloud/cloud.js');
  return cloudReaderOf(cloudFromEnv(io.env, () => now, policy));
}

async function openApplier(io: CliIo, now: Instant, policy: Pick<Policy, 'aws'>): Promise<CloudApplier> {
  const { cloudFromEnv, cloudApplierOf } = await import('../../adapters/cloud/cloud.js');
  return cloudApplierOf(cloudFromEnv(io.env, () => now, policy));
}

/** Plans against the cloud through `reader`; a failed Identity Center lookup is an I/O failure with a hint, not a bug. */
export async function planReading(state: RepoState, request: PlanRequest, reader: CloudReader, concurrency: number): Promise<Planned> {
  try {
    return await planOnline(state, request, reader, concurrency);
  } catch (error) {
    if (!(error instanceof IdentityLookupFailure)) throw error;
    // Nothing has been changed yet, and the next run retries.
    throw new CommandFailure(`could not look up Identity Center users: ${error.message}`, 'nothing was changed; check gitgrant\'s sso:ListInstances and identitystore:GetUserId permissions, then run again');
  }
}

/** Prints the held-back headline of a repo that does not validate. */
export function printHeld(io: CliIo, prefix: string, planned: Planned, say: (text: string) => void = io.stdout): void {
  if (!planned.held) return;
  printDiagnostics(say === io.stdout ? io : { ...io, stdout: say }, planned.findings);
  say(`${prefix}: ${heldHeadline(planned.held)}\n`);
  for (const reason of planned.held.reasons) say(`${prefix}: ${plainText(reason)}\n`);
}

export interface ApplyRunOptions {
  /** How lines start: `gitgrant apply`, `gitgrant break-glass`. */
  prefix: string;
  root: string;
  now: Instant;
  maxRemovals?: string;
  concurrency: number;
  scope?: { provider?: string; target?: string };
  /** Plan with a reader and check the guards; open no applier. */
  dryRun: boolean;
  pending?: readonly PendingFile[];
}

/**
 * Plan, guard and apply, for `apply` and `break-glass` alike: the same guards whoever asks. Exit 0
 * when everything planned was applied (or, dry, could be), 1 otherwise.
 */
export async function runApply(io: CliIo, options: ApplyRunOptions): Promise<number> {
  const { prefix, now } = options;
  const state = loadState(options.root, now, options.pending);
  const guards = guardsOf(options.maxRemovals, state.repo.policy);
  const request: PlanRequest = { now };
  const scope = scopeOf(state, request, options.scope ?? {});
  if (scope) request.scope = scope;
  if (options.dryRun) {
    const reader = await openReader(io, now, state.repo.policy);
    let planned: Planned;
    try {
      planned = await planReading(state, request, reader, options.concurrency);
    } finally {
      await reader.close();
    }
    printPlanned(io, prefix, planned);
    const stops = guardStops(planned.plan, guards);
    if (stops.length > 0) return printStops(io, prefix, stops);
    io.stdout(`${prefix}: dry run, nothing applied\n`);
    return planned.readFailures.length > 0 || planned.held ? EXIT.findings : EXIT.ok;
  }
  const applier = await openApplier(io, now, state.repo.policy);
  try {
    const planned = await planReading(state, request, applier, options.concurrency);
    printPlanned(io, prefix, planned);
    const run = await applyPlanned(planned, guards, applier, {
      concurrency: options.concurrency,
      onProgress: (e) => {
        if (e.status !== 'start') io.stdout(`apply: ${e.target}: ${e.changes} change${e.changes === 1 ? '' : 's'} ${e.status === 'done' ? 'applied' : `FAILED: ${plainText(e.cause ?? '')}`}\n`);
      },
    });
    if (run.kind === 'stopped') return printStops(io, prefix, run.stops);
    printOutcome(io, prefix, run.outcome);
    await writeSummary(io, planned, run.outcome);
    // A repository that does not validate is a finding even when every removal went through.
    return run.outcome.failures.length > 0 || planIsFinding(planned) ? EXIT.findings : EXIT.ok;
  } finally {
    await applier.close();
  }
}

function printPlanned(io: CliIo, prefix: string, planned: Planned): void {
  printHeld(io, prefix, planned);
  io.stdout(renderPlanText(planned.plan));
  if (planned.plan.changes.some((c) => c.blockedBy)) io.stdout(`${prefix}: some targets would break a cloud limit (see above): only their removals are applied\n`);
}

function printStops(io: CliIo, prefix: string, stops: readonly string[]): number {
  for (const stop of stops) io.stdout(`${prefix}: stopped before any change: ${plainText(stop)}\n`);
  io.stdout('hint: if the removals are intended, raise --max-removals for this run; check the checkout first\n');
  return EXIT.findings;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The headline says what happened to every planned change, and agrees with the lines after it. */
export function outcomeHeadline(outcome: ApplyOutcome): string {
  const { applied } = outcome;
  const done = `${applied.total} of ${count(outcome.planned, 'change')} applied on ${count(applied.targets, 'target')} (${applied.add} added, ${applied.update} changed, ${applied.remove} removed)`;
  if (outcome.failures.length === 0) return `${done}; 0 failures`;
  return `incomplete: ${done}; ${outcome.failed} failed, ${outcome.notApplied} not applied; ${count(outcome.failures.length, 'failure')}`;
}

function printOutcome(io: CliIo, prefix: string, outcome: ApplyOutcome): void {
  io.stdout(`${prefix}: ${outcomeHeadline(outcome)}\n`);
  for (const f of outcome.failures) io.stdout(`${prefix}: ${f.target}: ${plainText(f.cause)}\n`);
  const hopeless = new Set(outcome.cannotRetry.map((c) => c.target));
  for (const { target, findings } of outcome.cannotRetry) {
    for (const d of findings) io.stdout(`${prefix}: ${target}: will fail again until fixed: ${plainText(formatDiagnostic(d))}\n`);
  }
  const retriable = outcome.failures.filter((f) => !hopeless.has(f.target));
  if (hopeless.size > 0) io.stdout('hint: retrying will not help there: create the missing principals in the cloud, or map the people to ones that exist (identities.people in policies/), then apply again\n');
  if (retriable.length > 0) io.stdout(`hint: nothing is lost: the grant files stay, and the next run retries ${hopeless.size > 0 ? 'the other failures' : 'what failed'}\n`);
}

async function writeSummary(io: CliIo, planned: Planned, outcome: ApplyOutcome): Promise<void> {
  const core = io.env.GITHUB_ACTIONS === 'true' && io.env.GITHUB_STEP_SUMMARY ? actionsCore() : undefined;
  if (!core) return;
  const { held, plan } = planned;
  const failed = outcome.failures.map((f) => `- ${markdownText(f.target)}: ${markdownText(f.cause)}`).join('\n');
  const heldNote = held ? `\n**${markdownText(heldHeadline(held))}**\n\n${held.reasons.map((r) => `- ${markdownText(r)}`).join('\n')}\n` : '';
  const headline = `\n${markdownText(outcomeHeadline(outcome))}\n`;
  await core.summary.addRaw(heldNote).addRaw(renderPlanMarkdown(plan)).addRaw(headline).addRaw(failed ? `\n**Failures**\n\n${failed}\n` : '\nApplied without failures.\n').write();
}

// --- For the commands of other use cases that still plan through the CLI (reconcile, comment) ----

export interface PlanOptions {
  offline: boolean;
  concurrency: number;
  /** Targets to read besides the ones today's roles name (reconcile: every target history names). */
  retiredTargets?: readonly TargetRef[];
}

/** The plan of the repo at `root` with the whole cloud kept open for further reads (reconcile). Prefer the use case. */
export async function buildPlan(io: CliIo, root: string, now: Instant, options: PlanOptions): Promise<Planned & { cloud?: Cloud }> {
  const state = loadState(root, now);
  const request: PlanRequest = { now, ...(options.retiredTargets ? { retiredTargets: options.retiredTargets } : {}) };
  if (options.offline) return planOffline(state, request);
  const { cloudFromEnv, cloudReaderOf } = await import('../../adapters/cloud/cloud.js');
  const cloud = cloudFromEnv(io.env, () => now, state.repo.policy);
  try {
    return { ...(await planReading(state, request, cloudReaderOf(cloud), options.concurrency)), cloud };
  } catch (error) {
    await cloud.close();
    throw error;
  }
}

/** The offline plan of a repo already loaded and found valid: what it asks for, no cloud read. */
export function offlinePlanOf(repo: AccessRepo, now: Instant): Plan {
  return planOffline({ repo, findings: [] }, { now }).plan;
}
