/**
 * Which grants `verify` looks at, pure: every grant whose access ended in [since, until) — from
 * main's history (the file left main: expired and swept, or revoked early) or still on main past
 * its `expires` (the sweep has not run yet) — with the bindings it had. The end of access is
 * `expires`, or the revocation time when it was revoked early.
 */
import type { GrantLifecycle, Reconstruction } from '../audit/lifecycle-types.js';
import { emptySourceMap } from '../model/source-map.js';
import { email, grantId, roleName, type AccessRepo, type Grant, type Instant } from '../model/types.js';
import { desiredState, type IdentityCenterDirectory } from '../plan/desired.js';
import type { IdentityConfig } from '../model/policy-sections.js';
import type { EndedGrant } from './verify.js';

export interface Window {
  since: Instant;
  until: Instant;
}

/** When the grant's access ended, and how; undefined while it is still live at `until`. */
export function endOf(grant: GrantLifecycle, until: Instant): { at: Instant; how: string } | undefined {
  if (grant.ended) return { at: grant.ended.early ? grant.ended.removedAt : Math.min(grant.expires, grant.ended.removedAt), how: grant.ended.kind };
  return grant.expires <= until ? { at: grant.expires, how: 'expired (not yet swept)' } : undefined;
}

/** A Grant shaped for the planner, live "forever", so its bindings (ids included) come out as they were. */
function asLiveGrant(grant: GrantLifecycle): Grant {
  return {
    id: grantId(grant.path), role: roleName(grant.role), grantee: email(grant.grantee), reason: grant.reason,
    ...(grant.starts === undefined ? {} : { starts: grant.starts }), expires: Number.MAX_SAFE_INTEGER,
    breakGlass: grant.breakGlass, standing: grant.standing, source: emptySourceMap(grant.path),
  };
}

export function grantsEndedIn(history: Reconstruction, window: Window): { grant: GrantLifecycle; at: Instant; how: string }[] {
  return history.grants.flatMap((grant) => {
    const end = endOf(grant, window.until);
    if (!end || end.at < window.since || end.at >= window.until) return [];
    // A grant that never started has no access to prove ended.
    if (grant.starts !== undefined && grant.starts >= end.at) return [];
    return [{ grant, ...end }];
  });
}

/**
 * The ended grants with their bindings, computed with today's roles and identity mapping (a role
 * deleted since cannot be verified, and says so). `directory` resolves Identity Center users.
 */
export function endedGrants(
  selected: readonly { grant: GrantLifecycle; at: Instant; how: string }[],
  repo: AccessRepo,
  identities: IdentityConfig,
  directory: IdentityCenterDirectory | undefined,
  now: Instant,
): EndedGrant[] {
  return selected.map(({ grant, at, how }) => {
    const base = { grant: grantId(grant.path), role: grant.role, grantee: grant.grantee, endedAt: at, how };
    const role = repo.roles.get(roleName(grant.role));
    if (!role) return { ...base, bindings: [], unverifiable: `role ${grant.role} is no longer defined in roles/, so its targets are unknown` };
    const desired = desiredState({ ...repo, grants: [asLiveGrant(grant)] }, now, identities, directory);
    if (desired.bindings.length < role.targets.length) {
      const why = desired.diagnostics.map((d) => d.summary).join('; ') || 'a target has no principal for the grantee';
      return { ...base, bindings: desired.bindings, unverifiable: why };
    }
    return { ...base, bindings: desired.bindings };
  });
}


/** The ended grants as a repo, for the Identity Center directory lookup. */
export function endedRepo(repo: AccessRepo, selected: readonly { grant: GrantLifecycle }[]): AccessRepo {
  return { ...repo, grants: selected.map((s) => asLiveGrant(s.grant)) };
}
