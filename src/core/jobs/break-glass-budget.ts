/**
 * The per-person break-glass budget: at most `total` break-glass time within any rolling `window`
 * (policy `breakGlass.budget`). Pure: the record of past uses and `now` are inputs.
 *
 * What a use counts, and why:
 * - its full granted time, from when it started (landed on main, or `starts` if later) to the
 *   latest `expires` ever written for it. Ending early gives nothing back: an early removal is an
 *   edit a person makes, and the deadline in the cloud still says `expires`.
 * - every use is summed, also when two overlap (two roles at once is twice the privilege, and the
 *   sum can never be shrunk by arranging uses to overlap).
 * - the part of it inside the window counts. Checking each new use against the window that ends
 *   when it starts is enough to hold the total in *every* window of that length: a window holds
 *   nothing that started after its last use, and that use saw everything before it.
 */
import type { GrantLifecycle } from '../audit/lifecycle-types.js';
import type { BreakGlassBudget, Email, Grant, Instant, Millis } from '../model/types.js';
import { compareText } from '../text/compare-text.js';

export interface BreakGlassUse {
  /** The grant file (as it was first written). */
  grant: string;
  role: string;
  from: Instant;
  until: Instant;
  /** Made by the automation (the break-glass command), so a review issue must exist for it. */
  byAutomation: boolean;
  /** The review issue the automation's commit names for it; undefined for uses from before that trailer existed. */
  review?: number;
}

/**
 * Every break-glass use by `grantee`: from the history of main (each grant file's life, which a
 * later edit can lengthen but never shorten) and the grant files in the checkout now (an active
 * one counts its full requested time, also before it is committed).
 */
export function breakGlassUses(grantee: Email, history: readonly GrantLifecycle[], current: readonly Grant[], now: Instant): BreakGlassUse[] {
  const uses = new Map<string, BreakGlassUse>();
  const live = new Map<string, BreakGlassUse>();
  for (const life of history) {
    if (!life.breakGlass || life.grantee !== grantee) continue;
    const from = Math.max(life.requested.at, life.starts ?? life.requested.at);
    const until = Math.max(life.requestedExpires, life.expires, ...life.changes.map((c) => c.toExpires));
    const use: BreakGlassUse = {
      grant: life.id.replace(/@[0-9a-f]+$/, ''), role: life.role, from, until, byAutomation: life.requested.bot,
      ...(life.breakGlassReview !== undefined ? { review: life.breakGlassReview } : {}),
    };
    uses.set(life.id, use);
    if (!life.ended) live.set(life.path, use);
  }
  for (const grant of current) {
    if (!grant.breakGlass || grant.grantee !== grantee) continue;
    const known = live.get(grant.id);
    if (known) known.until = Math.max(known.until, grant.expires);
    else uses.set(`${grant.id}@now`, { grant: grant.id, role: grant.role, from: grant.starts ?? now, until: grant.expires, byAutomation: false });
  }
  return [...uses.values()].filter((u) => u.until > u.from).sort((a, b) => a.from - b.from || compareText(a.grant, b.grant));
}

export interface BudgetDecision {
  allowed: boolean;
  /** Break-glass time in the window that ends at `now` (active uses count to their end). */
  used: Millis;
  left: Millis;
  /** When a use of the requested length fits again; undefined: allowed now, or never (longer than the total). */
  fitsAt?: Instant;
}

/** Break-glass time of `uses` after `since`. */
function usedAfter(uses: readonly BreakGlassUse[], since: Instant): Millis {
  let sum = 0;
  for (const u of uses) sum += Math.max(0, u.until - Math.max(u.from, since));
  return sum;
}

export function judgeBudget(uses: readonly BreakGlassUse[], budget: BreakGlassBudget, now: Instant, requested: Millis): BudgetDecision {
  const start = now - budget.window;
  const used = usedAfter(uses, start);
  const left = Math.max(0, budget.total - used);
  if (requested <= left) return { allowed: true, used, left };
  if (requested > budget.total) return { allowed: false, used, left };
  const since = firstSinceWithin(uses, start, budget.total - requested);
  return { allowed: false, used, left, fitsAt: since + budget.window };
}

/**
 * The earliest window start at or after `start` whose usage is at most `target`. Usage falls as
 * the window's start moves on, linearly between the uses' ends and starts, so it is found by
 * walking those points.
 */
function firstSinceWithin(uses: readonly BreakGlassUse[], start: Instant, target: Millis): Instant {
  const points = [...new Set(uses.flatMap((u) => [u.from, u.until]))].filter((p) => p > start).sort((a, b) => a - b);
  let at = start;
  let value = usedAfter(uses, at);
  for (const point of points) {
    const next = usedAfter(uses, point);
    if (next <= target) {
      // Between `at` and `point` the usage falls by one millisecond per millisecond per running use.
      const running = uses.filter((u) => u.from <= at && u.until >= point).length;
      return running === 0 ? point : Math.min(point, at + Math.ceil((value - target) / running));
    }
    at = point;
    value = next;
  }
  return at;
}
