/** Time windows of grants: when access is effective, how long it lasts, whether two overlap. */
import type { Grant, Instant, Millis } from '../model/types.js';

/**
 * A grant without `starts` begins when it lands on main; for rules evaluated at `now`, that is now
 * (for a request) or already (for a grant on main), so its duration is measured from `now`.
 */
export function effectiveStart(grant: Pick<Grant, 'starts'>, now: Instant): Instant {
  return grant.starts ?? now;
}

export function grantDuration(grant: Pick<Grant, 'starts' | 'expires'>, now: Instant): Millis {
  return grant.expires - effectiveStart(grant, now);
}

export function isExpired(grant: Pick<Grant, 'expires'>, now: Instant): boolean {
  return grant.expires <= now;
}

/** `To Be Used` in the seeds' words: approved but not started yet. */
export function isScheduled(grant: Pick<Grant, 'starts'>, now: Instant): boolean {
  return grant.starts !== undefined && grant.starts > now;
}

export function isActive(grant: Pick<Grant, 'starts' | 'expires'>, now: Instant): boolean {
  return !isExpired(grant, now) && !isScheduled(grant, now);
}

/** Half-open windows [start, expires) overlap when each starts before the other ends. */
export function windowsOverlap(a: Pick<Grant, 'starts' | 'expires'>, b: Pick<Grant, 'starts' | 'expires'>): boolean {
  const aStart = a.starts ?? Number.NEGATIVE_INFINITY;
  const bStart = b.starts ?? Number.NEGATIVE_INFINITY;
  return aStart < b.expires && bStart < a.expires;
}
