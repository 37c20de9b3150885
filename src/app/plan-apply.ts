/**
 * The plan-apply use case: what `plan`, `apply` and `break-glass` do between the repo and the clouds.
 *
 * - Planning takes a `CloudReader` (or none, offline) and returns the plan as data. A reader cannot
 *   write, so `plan` and every dry run are read-only by type, not by an `if`.
 * - Applying takes an `ApplyGuards` and a `CloudApplier`, and checks the guards itself before the
 *   first write: whoever applies (the apply workflow, break-glass) gets the same removal limit,
 *   protected principals and fail-safe, parsed once here.
 * - Counts after a run add up: every planned change is applied, failed or not applied.
 *
 * No printing, no argv, no environment: the CLI wires adapters in and renders what comes out.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { AccessRepo, GrantId, Instant, Policy } from '../core/model/types.js';
import { applyPlan, type ApplyProgress, type ApplyResult } from '../core/plan/apply.js';
import { desiredState, targetRefOf, type DesiredState, type IdentityCenterDirectory } from '../core/plan/desired.js';
import { changeCount, computePlan } from '../core/plan/diff.js';
import { failSafePlan, uncertainOf, type HeldBack } from '../core/plan/fail-safe.js';
import { withStandIns, type StandIns } from '../core/plan/stand-in.js';
import { sectionFailures } from '../core/model/policy.js';
import { guardViolations, parseRemovalLimit, type RemovalLimit } from '../core/plan/guards.js';
import { targetKey, type Plan, type ProviderName, type TargetChange, type TargetRef } from '../core/plan/types.js';
import { checkAwsLimits } from '../adapters/aws/limits.js';
import { checkGcpLimits } from '../core/gcp/limits.js';
import type { CloudApplier, CloudReader, LimitChecker } from '../core/plan/provider.js';
import { readTargets } from '../adapters/cloud/read-targets.js';

/** Limits are pure, so an offline plan checks them too. */
const OFFLINE_LIMITS: Record<ProviderName, LimitChecker> = {
  aws: { checkLimits: checkAwsLimits },
  gcp: { checkLimits: checkGcpLimits },
};

/** The repository as loaded and evaluated: what did load, and every finding about it. */
export interface RepoState {
  repo: AccessRepo;
  findings: Diagnostic[];
  /**
   * Roles that do not load, with the last version on main that does (app/broken-roles.ts): planned
   * from it to read their targets and keep or remove what is there, never to add or change anything.
   */
  standIns?: StandIns;
}

/** Which targets a run covers: all of them, one provider's, or one target (by its key, as plans print it). */
export interface TargetScope {
  provider?: ProviderName;
  target?: string;
}

export interface PlanRequest {
  now: Instant;
  scope?: TargetScope;
  /** Targets to read besides the ones today's roles name (reconcile: every target history names). */
  retiredTargets?: readonly TargetRef[];
}

export interface Planned {
  repo: AccessRepo;
  plan: Plan;
  /** Repo findings that stop planning (errors), or that come along (warnings). */
  findings: Diagnostic[];
  readFailures: { target: string; cause: string }[];
  /** Set when the repo does not validate: the plan holds removals only (plan/fail-safe.ts), and this says what was held. */
  held?: HeldBack;
}

/** A `--target` the roles do not name: a usage mistake, with the keys that would have been right. */
export interface ScopeProblem {
  message: string;
  known: string[];
}

/** The targets a scope keeps, or what is wrong with it. Checked before any cloud is opened. */
export function checkScope(state: RepoState, request: PlanRequest): ScopeProblem | undefined {
  const target = request.scope?.target;
  if (target === undefined) return undefined;
  const known = allTargets(planningRepo(state), request).map(targetKey).sort();
  if (known.includes(target)) return undefined;
  return { message: `there is no target ${target}`, known };
}

/** The plan with no cloud read: the bindings the grants ask for, all of them adds. */
export function planOffline(state: RepoState, request: PlanRequest): Planned {
  const identities = state.repo.policy.identities;
  const findings = sortDiagnostics([...state.findings]);
  const desired = scoped(desiredState(inScope(planningRepo(state), request.scope), request.now, identities, undefined), request);
  const plan = withScope(computePlan({ desired, limits: OFFLINE_LIMITS, at: request.now }), request.scope);
  return { repo: state.repo, findings, readFailures: [], ...failSafe(state, findings, plan, desired, request.now) };
}

/**
 * The plan against what the cloud holds. A target that cannot be read is left out of this run
 * (its changes are unknown, not none), never planned blind.
 */
export async function planOnline(state: RepoState, request: PlanRequest, reader: CloudReader, concurrency: number): Promise<Planned> {
  const identities = state.repo.policy.identities;
  const findings = sortDiagnostics([...state.findings]);
  const scopedRepo = inScope(planningRepo(state), request.scope);
  const directory = await reader.identityCenterUsers(scopedRepo, identities, request.now).catch((error: unknown) => {
    throw new IdentityLookupFailure(error instanceof Error ? error.message : String(error));
  });
  // Only the targets in scope: the directory was looked up for them alone.
  const named = scoped(desiredState(scopedRepo, request.now, identities, directory), request);
  const { observed, failures } = await readTargets(reader.readers, named.targets, concurrency);
  const unread = new Set(failures.map((f) => f.target));
  const readable: DesiredState = {
    ...named,
    targets: named.targets.filter((t) => !unread.has(targetKey(t))),
    bindings: named.bindings.filter((b) => !unread.has(targetKey(b.target))),
  };
  const computed = computePlan({ desired: readable, observed, limits: reader.limits, at: request.now });
  const plan = withScope(failures.length > 0 ? { ...computed, unread: [...unread].sort() } : computed, request.scope);
  return { repo: state.repo, findings, readFailures: failures, ...failSafe(state, findings, plan, named, request.now) };
}

/** Identity Center users could not be looked up: nothing was planned or changed. */
export class IdentityLookupFailure extends Error {}

// --- Guards --------------------------------------------------------------------------------------

/** What every apply checks before its first write, whoever runs it. */
export interface ApplyGuards {
  /** `--max-removals`: absent means no limit. */
  maxRemovals?: RemovalLimit;
  /** `apply.protected` in policies/: principals a plan may never remove. */
  protectedPrincipals: readonly string[];
}

export type GuardsResult = { guards: ApplyGuards } | { problem: { message: string; hint: string } };

/** The guards of a run: `--max-removals` as given, and the policy's protected principals. The one place both are read. */
export function applyGuardsOf(maxRemovals: string | undefined, policy: Pick<Policy, 'apply'>): GuardsResult {
  const limit = maxRemovals === undefined ? undefined : parseRemovalLimit(maxRemovals);
  if (maxRemovals !== undefined && !limit) {
    return { problem: { message: `--max-removals ${maxRemovals} is not a count or a percentage`, hint: 'write e.g. --max-removals 20 or --max-removals 10%' } };
  }
  return { guards: { ...(limit ? { maxRemovals: limit } : {}), protectedPrincipals: policy.apply.protected } };
}

/** Why the guards stop this plan (empty: it may be applied). */
export function guardStops(plan: Plan, guards: ApplyGuards): string[] {
  return guardViolations(plan, guards.maxRemovals, guards.protectedPrincipals);
}

// --- Apply ---------------------------------------------------------------------------------------

export interface ChangeCounts {
  add: number;
  update: number;
  remove: number;
}

/** Where every planned change ended up: `applied + failed + notApplied` is what was planned. */
export interface ApplyOutcome {
  planned: number;
  applied: ChangeCounts & { total: number; targets: number };
  /** Changes on targets whose apply failed: some may have gone through (the next read shows which). */
  failed: number;
  /** Adds and changes a provider limit blocked: not attempted. */
  notApplied: number;
  /** Per target: read failures first, then what apply reported (failed calls, blocked adds). */
  failures: { target: string; cause: string }[];
  /**
   * Failed targets whose plan said a principal does not exist: a retry cannot succeed until the
   * person is created in the cloud or mapped to one who exists (the warnings' hints say which).
   */
  cannotRetry: { target: string; findings: Diagnostic[] }[];
}

export type ApplyRun = { kind: 'stopped'; stops: string[] } | { kind: 'applied'; outcome: ApplyOutcome };

/** The findings (by code) that say a principal the plan adds does not exist in the cloud. */
export const MISSING_PRINCIPAL_CODES: ReadonlySet<string> = new Set(['AWS_IAM_USER_MISSING']);

/**
 * Applies a plan, after checking the guards: a plan they stop is not touched at all. Takes an
 * applier; a reader does not fit, so a dry run cannot reach this.
 */
export async function applyPlanned(
  planned: Planned,
  guards: ApplyGuards,
  applier: CloudApplier,
  options: { concurrency: number; onProgress?: (event: ApplyProgress) => void },
): Promise<ApplyRun> {
  const stops = guardStops(planned.plan, guards);
  if (stops.length > 0) return { kind: 'stopped', stops };
  const result = await applyPlan(planned.plan, applier.appliers, options);
  return { kind: 'applied', outcome: outcomeOf(planned, result) };
}

/** Pure: what happened to each planned change, from the targets that went through. */
export function outcomeOf(planned: Planned, result: ApplyResult): ApplyOutcome {
  const { plan } = planned;
  const done = new Set(result.applied);
  const applied = { add: 0, update: 0, remove: 0, total: 0, targets: 0 };
  let failed = 0;
  let notApplied = 0;
  const failures = [...planned.readFailures.map((f) => ({ target: f.target, cause: `read failed: ${f.cause}` })), ...result.failures];
  const cannotRetry: ApplyOutcome['cannotRetry'] = [];
  for (const change of plan.changes) {
    if (changeCount(change) === 0) continue;
    const target = targetKey(change.target);
    // A target over a provider limit gets only its removals (plan/apply.ts).
    const effective: TargetChange = change.blockedBy ? { ...change, add: [], update: [] } : change;
    const blocked = changeCount(change) - changeCount(effective);
    notApplied += blocked;
    if (changeCount(effective) > 0 && done.has(target)) {
      applied.add += effective.add.length;
      applied.update += effective.update.length;
      applied.remove += effective.remove.length;
      applied.total += changeCount(effective);
      applied.targets++;
    } else if (changeCount(effective) > 0) {
      failed += changeCount(effective);
      const missing = missingPrincipalFindings(plan, change);
      if (missing.length > 0) cannotRetry.push({ target, findings: missing });
    }
  }
  const planned_ = plan.changes.reduce((n, c) => n + changeCount(c), 0);
  return { planned: planned_, applied, failed, notApplied, failures, cannotRetry };
}

function missingPrincipalFindings(plan: Plan, change: TargetChange): Diagnostic[] {
  const grants = new Set([...change.add.flatMap((b) => b.grants), ...change.update.flatMap((u) => u.to.grants)]);
  return plan.diagnostics.filter((d) => MISSING_PRINCIPAL_CODES.has(d.code) && d.file !== undefined && grants.has(d.file as GrantId));
}

/** Whether a run's plan or outcome is a finding (exit 1): errors, unread targets, held additions. */
export function planIsFinding(planned: Planned): boolean {
  return hasErrors(planned.plan.diagnostics) || planned.readFailures.length > 0 || planned.held !== undefined;
}

// --- Scope and fail-safe -------------------------------------------------------------------------

/** The repo as planned: each role that does not load replaced by its last loading version, if it has one. */
function planningRepo(state: RepoState): AccessRepo {
  return withStandIns(state.repo, state.standIns);
}

function allTargets(repo: AccessRepo, request: PlanRequest): TargetRef[] {
  const named = desiredState(repo, request.now, repo.policy.identities, undefined).targets;
  const known = new Set(named.map(targetKey));
  return [...named, ...(request.retiredTargets ?? []).filter((t) => !known.has(targetKey(t)))];
}

function matches(scope: TargetScope | undefined, target: TargetRef): boolean {
  if (!scope) return true;
  if (scope.provider !== undefined && target.provider !== scope.provider) return false;
  return scope.target === undefined || targetKey(target) === scope.target;
}

/** The desired state of the targets in scope, with the retired targets added. */
function scoped(desired: DesiredState, request: PlanRequest): DesiredState {
  const known = new Set(desired.targets.map(targetKey));
  const targets = [...desired.targets, ...(request.retiredTargets ?? []).filter((t) => !known.has(targetKey(t)))];
  if (!request.scope) return { ...desired, targets };
  return { ...desired, targets: targets.filter((t) => matches(request.scope, t)), bindings: desired.bindings.filter((b) => matches(request.scope, b.target)) };
}

/** The repo with only the roles' targets in scope, so nothing outside it is looked up. */
function inScope(repo: AccessRepo, scope: TargetScope | undefined): AccessRepo {
  if (!scope) return repo;
  const roles = new Map([...repo.roles].map(([name, role]) => [name, { ...role, targets: role.targets.filter((t) => matches(scope, targetRefOf(t))) }]));
  return { ...repo, roles };
}

function withScope(plan: Plan, scope: TargetScope | undefined): Plan {
  if (!scope || (scope.provider === undefined && scope.target === undefined)) return plan;
  return { ...plan, scope: scope.target ?? `${scope.provider} targets` };
}

/**
 * A repo that does not validate is still planned, from every grant that loaded, and then held to
 * removals that no file on main can stand for (plan/fail-safe.ts): a broken file must neither
 * widen access nor stop an early revocation elsewhere.
 */
function failSafe(state: RepoState, findings: Diagnostic[], plan: Plan, desired: DesiredState, now: Instant): { plan: Plan; held?: HeldBack } {
  const { repo, standIns } = state;
  // A policy section that did not load always leaves an error; the protected list is checked too, in case one day it does not.
  // So does a role that does not load; a role planned from a stand-in is never planned as valid, whatever the findings say.
  const broken = standIns !== undefined && standIns.roles.size + standIns.unknown.size > 0;
  if (!broken && !hasErrors(findings) && sectionFailures(repo.policy, findings, 'apply').length === 0) return { plan };
  return failSafePlan(plan, new Set(desired.bindings.map((b) => b.id)), uncertainOf(withStandIns(repo, standIns), findings, standIns, desired.bindings), now);
}

export type { ApplyProgress, IdentityCenterDirectory };
