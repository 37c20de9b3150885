/** Builds a plan for the CLI: load and check the repo, resolve identities, read the cloud, diff. */
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../model/types.js';
import { desiredState } from '../plan/desired.js';
import { computePlan } from '../plan/diff.js';
import { failSafePlan, uncertainOf, type HeldBack } from '../plan/fail-safe.js';
import { targetKey, type Plan, type TargetRef } from '../plan/types.js';
import { checkAwsLimits } from '../providers/aws/limits.js';
import { cloudFromEnv, readTargets, type Cloud } from '../providers/cloud.js';
import { checkGcpLimits } from '../providers/gcp/limits.js';
import { resolveIdentityCenterDirectory } from '../providers/identity-center-directory.js';
import type { LimitChecker } from '../providers/provider.js';
import { loadAndEvaluate } from './load.js';
import { CommandFailure, type CliIo } from './io.js';

/** Limits are pure, so an offline plan checks them too. */
const LIMITS: Record<'aws' | 'gcp', LimitChecker> = {
  aws: { checkLimits: checkAwsLimits },
  gcp: { checkLimits: checkGcpLimits },
};

export interface Planned {
  repo: AccessRepo;
  plan: Plan;
  /** Repo findings that stop planning (errors), or that come along (warnings). */
  findings: Diagnostic[];
  readFailures: { target: string; cause: string }[];
  cloud?: Cloud;
  /** Set when the repo does not validate: the plan holds removals only (plan/fail-safe.ts), and this says what was held. */
  held?: HeldBack;
}

export interface PlanOptions {
  offline: boolean;
  concurrency: number;
  /** Targets to read besides the ones today's roles name (reconcile: every target history names). */
  retiredTargets?: readonly TargetRef[];
}

/** The offline plan of a repo already loaded and found valid: what it asks for, no cloud read. */
export function offlinePlanOf(repo: AccessRepo, now: Instant): Plan {
  const desired = desiredState(repo, now, repo.policy.identities, undefined);
  return computePlan({ desired, limits: LIMITS, at: now });
}

export async function buildPlan(io: CliIo, root: string, now: Instant, options: PlanOptions): Promise<Planned> {
  const { repo, findings: problems } = loadAndEvaluate(root, now);
  const identities = repo.policy.identities;
  // A repo that does not validate is still planned, from every grant that loaded, and then held to
  // removals that no file on main can stand for (plan/fail-safe.ts): a broken file must neither
  // widen access nor stop an early revocation elsewhere.
  const failSafe = hasErrors(problems)
    ? (plan: Plan, wanted: ReadonlySet<string>) => failSafePlan(plan, wanted, uncertainOf(repo, problems), now)
    : undefined;
  if (options.offline) {
    const desired = desiredState(repo, now, identities, undefined);
    const plan = computePlan({ desired, limits: LIMITS, at: now });
    return { repo, findings: problems, readFailures: [], ...held(plan, desired.bindings, failSafe) };
  }
  const cloud = cloudFromEnv(io.env, () => now, repo.policy);
  const directory = await resolveIdentityCenterDirectory(cloud.aws, repo, identities, now).catch(async (error: unknown) => {
    // A failed lookup is an I/O failure, not a bug: nothing has been changed yet, and the next run retries.
    await cloud.close();
    const cause = error instanceof Error ? error.message : String(error);
    throw new CommandFailure(`could not look up Identity Center users: ${cause}`, 'nothing was changed; check gitgrant\'s sso:ListInstances and identitystore:GetUserId permissions, then run again');
  });
  const named = desiredState(repo, now, identities, directory);
  const known = new Set(named.targets.map(targetKey));
  const desired = { ...named, targets: [...named.targets, ...(options.retiredTargets ?? []).filter((t) => !known.has(targetKey(t)))] };
  const { observed, failures } = await readTargets(cloud.providers, desired.targets, options.concurrency);
  // A target that could not be read is left alone this run rather than planned blind.
  const unread = new Set(failures.map((f) => f.target));
  const readable = {
    ...desired,
    targets: desired.targets.filter((t) => !unread.has(targetKey(t))),
    bindings: desired.bindings.filter((b) => !unread.has(targetKey(b.target))),
  };
  const computed = computePlan({ desired: readable, observed, limits: cloud.providers, at: now });
  const plan = failures.length > 0 ? { ...computed, unread: [...unread].sort() } : computed;
  return { repo, findings: problems, readFailures: failures, cloud, ...held(plan, named.bindings, failSafe) };
}

function held(plan: Plan, wanted: readonly { id: string }[], failSafe: ((plan: Plan, wanted: ReadonlySet<string>) => { plan: Plan; held: HeldBack }) | undefined): { plan: Plan; held?: HeldBack } {
  return failSafe ? failSafe(plan, new Set(wanted.map((b) => b.id))) : { plan };
}
