/**
 * Revokes grants in the cloud: reads only the targets those grants live on, plans without them,
 * keeps only their removals, applies, and says per grant whether it is gone everywhere.
 */
import type { AccessRepo, Instant } from '../model/types.js';
import { applyPlan } from '../plan/apply.js';
import { desiredState } from '../plan/desired.js';
import { computePlan } from '../plan/diff.js';
import type { IdentityConfig } from '../plan/identity.js';
import { targetKey, type Plan } from '../plan/types.js';
import { readTargets, type Cloud } from '../providers/cloud.js';
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
    for (const key of affected) if (key.startsWith('aws:identity-center:')) failures.set(key, `directory lookup failed: ${(error as Error).message}`);
  }
  const remaining = desiredState(withoutGrants(repo, revokedIds), now, identities, directory);
  const targets = remaining.targets.filter((t) => affected.has(targetKey(t)) && !failures.has(targetKey(t)));
  const read = await readTargets(cloud.providers, targets, input.concurrency);
  for (const f of read.failures) failures.set(f.target, `read failed: ${f.cause}`);
  const readable = new Set([...read.observed.keys()]);
  const desired = { ...remaining, targets: targets.filter((t) => readable.has(targetKey(t))), bindings: remaining.bindings.filter((b) => readable.has(targetKey(b.target))) };
  const full = computePlan({ desired, observed: read.observed, limits: cloud.providers, at: now });
  const plan = revocationPlan(full, bindingOwners(repo, identities, directory, now), revokedIds);
  if (input.dryRun) return { plan, revoked: [], failed: [] };
  const applied = await applyPlan(plan, cloud.providers, { concurrency: input.concurrency });
  for (const f of applied.failures) failures.set(f.target, f.cause);
  return { plan, ...revocationOutcomes(repo, revocations, failures) };
}
