/**
 * Revokes grants in the cloud: reads only the targets those grants live on, plans each target
 * without them, keeps only their removals, and applies them. Targets are pipelined (a target is
 * changed as soon as it is read, without waiting for the others), because the sweep runs every few
 * minutes and its wall time is what a revoked person keeps access for.
 */
import pLimit from 'p-limit';
import type { AccessRepo, Instant } from '../model/types.js';
import { desiredState } from '../plan/desired.js';
import { changeCount, computePlan } from '../plan/diff.js';
import type { IdentityConfig } from '../model/policy-sections.js';
import { targetKey, type DesiredBinding, type Plan, type TargetChange, type TargetRef } from '../plan/types.js';
import type { Cloud } from '../providers/cloud.js';
import { resolveIdentityCenterDirectory } from '../providers/identity-center-directory.js';
import type { Revocation } from './expiry.js';
import { bindingOwners, everLive, grantTargets, revocationOutcomes, revocationPlan, withoutGrants, type RevocationOutcome } from './revocation.js';

export interface RevokeInput {
  repo: AccessRepo;
  revocations: readonly Revocation[];
  identities: IdentityConfig;
  cloud: Pick<Cloud, 'providers' | 'aws'>;
  now: Instant;
  concurrency: number;
  /** Plan only: nothing is changed, and no grant counts as revoked. */
  dryRun: boolean;
}

export interface RevokeResult extends RevocationOutcome {
  plan: Plan;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function revokeGrants(input: RevokeInput): Promise<RevokeResult> {
  const { repo, revocations, identities, cloud, now } = input;
  const revokedIds = new Set(revocations.map((r) => r.grant.id));
  const affected = new Set(revocations.flatMap((r) => grantTargets(repo, r.grant)));
  const failures = new Map<string, string>();
  let directory;
  try {
    directory = await resolveIdentityCenterDirectory(cloud.aws, everLive(repo), identities, now);
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
    const provider = cloud.providers[target.provider];
    let observed;
    try {
      observed = await provider.read(target);
    } catch (error) {
      failures.set(key, `read failed: ${message(error)}`);
      return undefined;
    }
    const plan = computePlan({ desired: { ...remaining, targets: [target], bindings: bindingsOf.get(key) ?? [] }, observed: new Map([[key, observed]]), limits: cloud.providers, at: now });
    const change = revocationPlan(plan, owners, revokedIds).changes[0]!;
    if (input.dryRun || changeCount(change) === 0) return change;
    try {
      await provider.apply(change);
    } catch (error) {
      failures.set(key, message(error));
    }
    return change;
  };

  const limit = pLimit(input.concurrency);
  const targets = remaining.targets.filter((t) => affected.has(targetKey(t)) && !failures.has(targetKey(t)));
  const changes = (await Promise.all(targets.map((t) => limit(() => revokeOn(t))))).filter((c): c is TargetChange => c !== undefined);
  changes.sort((a, b) => targetKey(a.target).localeCompare(targetKey(b.target)));
  const plan: Plan = { at: now, online: true, changes, diagnostics: [] };
  if (input.dryRun) return { plan, revoked: [], failed: [] };
  return { plan, ...revocationOutcomes(repo, revocations, failures) };
}
