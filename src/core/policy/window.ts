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

/** A stretch of uninterrupted access: one grant's window merged with the ones that overlap or touch it. */
export interface Stretch {
  start: Instant;
  end: Instant;
  /** How long it lasts: what the caps, escalations and auto-approval limits measure. */
  duration: Millis;
  /** The other grants of the stretch (same person, same role), by id. */
  with: Grant['id'][];
}

/** Each list of grants by grantee and role, built once per list: the rules ask for every grant's stretch. */
const byHolder = new WeakMap<readonly Grant[], Map<string, Grant[]>>();

/** The grants of `grants` with `grant`'s grantee and role (the lists passed here are never changed). */
function sameHolder(grants: readonly Grant[], grant: Grant): readonly Grant[] {
  let index = byHolder.get(grants);
  if (!index) {
    index = new Map();
    for (const g of grants) {
      const key = `${g.grantee}\n${g.role}`;
      const list = index.get(key);
      if (list) list.push(g);
      else index.set(key, [g]);
    }
    byHolder.set(grants, index);
  }
  return index.get(`${grant.grantee}\n${grant.role}`) ?? [];
}

/**
 * The stretch of continuous access `grant` is part of. Caps are per grant file, so without this a
 * person could ask for back-to-back grants (4h, then 4h starting when it ends, …), each within a
 * cap, an escalation threshold or an auto-approval window's maxDuration, and hold the role for as
 * long as they like: a new grant that starts when another ends is an extension of it and is measured
 * as one. Windows merge when they overlap or touch (half-open: one starting at or before another's
 * end continues it); a grant without `starts` counts from `now`, as `grantDuration` does. Only live
 * grants of the same grantee and role count. A grant whose own window is empty is measured alone.
 */
export function continuousStretch(grant: Grant, grants: readonly Grant[], now: Instant): Stretch {
  const own = { id: grant.id, start: effectiveStart(grant, now), end: grant.expires };
  if (own.start >= own.end) return { start: own.start, end: own.end, duration: grantDuration(grant, now), with: [] };
  const windows = [
    own,
    ...sameHolder(grants, grant)
      .filter((g) => g.id !== grant.id && !isExpired(g, now))
      .map((g) => ({ id: g.id, start: effectiveStart(g, now), end: g.expires }))
      .filter((w) => w.start < w.end),
  ];
  // Grow the stretch from the grant's own window until no other window overlaps or touches it.
  let start = own.start;
  let end = own.end;
  const members = new Set([own.id]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const w of windows) {
      if (members.has(w.id) || w.start > end || w.end < start) continue;
      members.add(w.id);
      start = Math.min(start, w.start);
      end = Math.max(end, w.end);
      grown = true;
    }
  }
  members.delete(own.id);
  return { start, end, duration: end - start, with: [...members].sort() };
}
