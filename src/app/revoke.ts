/**
 * Revokes grants in the cloud: reads only the targets those grants live on, plans each target
 * without them, keeps only their removals, and applies them. Targets are pipelined (a target is
 * changed as soon as it is read, without waiting for the others), because the sweep runs every few
 * minutes and its wall time is what a revoked person keeps access for.
 *
 * Dry-run is a type: `previewRevocations` is given readers only, so it cannot change the cloud;
 * `revokeGrants` is the one entry that is given appliers.
 */
import pLimit from 'p-limit';
import type { AccessRepo, GrantId, Instant } from '../core/model/types.js';
import { desiredState } from '../core/plan/desired.js';
import { changeCount, computePlan } from '../core/plan/diff.js';
import type { IdentityConfig } from '../core/model/policy-sections.js';
import { targetKey, type DesiredBinding, type Plan, type ProviderName, type TargetChange, type TargetRef } from '../core/plan/types.js';
import type { BindingReader, ChangeApplier, LimitChecker } from '../core/plan/provider.js';
import type { IdentityCenterDirectory } from '../core/plan/desired.js';
import type { Revocation } from '../core/jobs/expiry.js';
import { bindingOwners, everLive, grantTargets, revocationOutcomes, revocationPlan, withoutGrants, type RevocationOutcome } from '../core/jobs/revocation.js';
import { compareText } from '../core/text/compare-text.js';
import { holdProtectedRemovals, protectionOf, type Protection } from '../core/jobs/protected-removals.js';

/** What a revocation reads: the targets' bindings (and the providers' pure limits), and the Identity Center user ids of the grantees. */
export interface RevocationReads {
  providers: Readonly<Record<ProviderName, BindingReader & LimitChecker>>;
  /** Identity Store user ids for the Identity Center targets of the repo's live grants. */
  directory(repo: AccessRepo, identities: IdentityConfig, now: Instant): Promise<IdentityCenterDirectory>;
}

/** What a revocation changes, besides what it reads. */
export interface RevocationWrites extends RevocationReads {
  providers: Readonly<Record<ProviderName, BindingReader & LimitChecker & ChangeApplier>>;
}

export interface RevokeInput<Cloud extends RevocationReads = RevocationReads> {
  repo: AccessRepo;
  revocations: readonly Revocation[];
  identities: IdentityConfig;
  cloud: Cloud;
  now: Instant;
  concurrency: number;
  /** `apply.protected` as loaded; read from the repo's policy when absent. */
  protection?: Protection;
  /** Revoked grants whose grantee HR lists as a person who has left (never the automation). */
  leavers?: ReadonlySet<GrantId>;
}

export interface RevokeResult extends RevocationOutcome {
  plan: Plan;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The removals the revocations call for, read but not applied: nothing is changed, and no grant counts as revoked; `failed` names the ones held for protected principals. */
export async function previewRevocations(input: RevokeInput): Promise<RevokeResult> {
  const { plan, held } = await revokeOnTargets(input, undefined);
  // The grants the real run would hold for a protected principal: their files would stay.
  const failed = input.revocations.filter((r) => held.has(r.grant.id)).map((revocation) => ({ revocation, causes: held.get(revocation.grant.id)! }));
  return { plan, revoked: [], failed };
}

/** Removes the revoked grants' bindings; a grant counts as revoked only where every target of it changed. */
export async function revokeGrants(input: RevokeInput<RevocationWrites>): Promise<RevokeResult> {
  const { plan, failures, held } = await revokeOnTargets(input, input.cloud.providers);
  return { plan, ...revocationOutcomes(input.repo, input.revocations, failures, held) };
}

async function revokeOnTargets(input: RevokeInput, appliers: Readonly<Record<ProviderName, ChangeApplier>> | undefined): Promise<{ plan: Plan; failures: Map<string, string>; held: Map<GrantId, string[]> }> {
  const { repo, revocations, identities, cloud, now } = input;
  const revokedIds = new Set(revocations.map((r) => r.grant.id));
  const affected = new Set(revocations.flatMap((r) => grantTargets(repo, r.grant)));
  const failures = new Map<string, string>();
  const protection = input.protection ?? protectionOf(repo.policy);
  // Removals of protected principals' access are held: their grants are not revoked (protected-removals.ts).
  const held = new Map<GrantId, string[]>();
  let directory;
  try {
    directory = await cloud.directory(everLive(repo), identities, now);
  } catch (error) {
    // Without the directory no Identity Center binding can be matched: those targets fail this run.
    for (const key of affected) if (key.startsWith('aws:identity-center:')) failures.set(key, `directory lookup failed: ${message(error)}`);
  }
  const owners = bindingOwners(repo, identities, directory, now);
  const remaining = desiredState(withoutGrants(repo, revokedIds), now, identities, directory);
  const bindingsOf = new Map<string, DesiredBinding[]>();
  for (const b of remaining.bindings) bindingsOf.set(targetKey(b.target), [...(bindingsOf.get(targetKey(b.target)) ?? []), b]);

  const revokeOn = async (target: TargetRef): Promise<TargetChange | undefined> => {
    const key = targetKey(target);
    let observed;
    try {
      observed = await cloud.providers[target.provider].read(target);
    } catch (error) {
      failures.set(key, `read failed: ${message(error)}`);
      return undefined;
    }
    const plan = computePlan({ desired: { ...remaining, targets: [target], bindings: bindingsOf.get(key) ?? [] }, observed: new Map([[key, observed]]), limits: cloud.providers, at: now });
    const guarded = holdProtectedRemovals(revocationPlan(plan, owners, revokedIds).changes[0]!, owners, revokedIds, protection, input.leavers);
    for (const { grants, cause } of guarded.held) for (const id of grants) held.set(id, [...(held.get(id) ?? []), `${key}: ${cause}`]);
    const change = guarded.change;
    const applier = appliers?.[target.provider];
    if (!applier || changeCount(change) === 0) return change;
    try {
      await applier.apply(change);
    } catch (error) {
      failures.set(key, message(error));
    }
    return change;
  };

  const limit = pLimit(input.concurrency);
  const targets = remaining.targets.filter((t) => affected.has(targetKey(t)) && !failures.has(targetKey(t)));
  const changes = (await Promise.all(targets.map((t) => limit(() => revokeOn(t))))).filter((c): c is TargetChange => c !== undefined);
  changes.sort((a, b) => compareText(targetKey(a.target), targetKey(b.target)));
  return { plan: { at: now, online: true, changes, diagnostics: [] }, failures, held };
}
