/**
 * Who holds what now, from the grant files alone: the answer to "who has prod access right now?"
 * that on-call engineers and auditors ask first. Pure: the clock is an input.
 */
import type { Email, Grant, GrantId, Instant, RoleName } from '../model/types.js';
import { effectiveStart, isExpired, isScheduled } from './window.js';
import { compareText } from '../text/compare-text.js';

/** `expired`: past `expires` but the file is still on main (the sweep has not removed it yet). */
export type HoldingState = 'active' | 'scheduled' | 'expired';

export interface Holding {
  grant: GrantId;
  role: RoleName;
  grantee: Email;
  state: HoldingState;
  /** When access begins: `starts`, or already (a grant without `starts` began when it landed). */
  starts?: Instant;
  expires: Instant;
  /** Until `expires` for active grants, until `starts` for scheduled ones; 0 once expired. */
  remaining: number;
  ticket?: string;
  kind: 'request' | 'break-glass' | 'standing';
}

export interface HoldingFilter {
  role?: string;
  grantee?: string;
  /** Default: active and scheduled. */
  states?: readonly HoldingState[];
}

export function holdings(grants: readonly Grant[], now: Instant, filter: HoldingFilter = {}): Holding[] {
  const states = new Set(filter.states ?? ['active', 'scheduled']);
  return grants
    .filter((g) => (filter.role === undefined || g.role === filter.role) && (filter.grantee === undefined || g.grantee === filter.grantee))
    .map((g) => holding(g, now))
    .filter((h) => states.has(h.state))
    .sort((a, b) => a.expires - b.expires || compareText(a.grant, b.grant));
}

function holding(grant: Grant, now: Instant): Holding {
  const state: HoldingState = isExpired(grant, now) ? 'expired' : isScheduled(grant, now) ? 'scheduled' : 'active';
  const remaining = state === 'expired' ? 0 : state === 'scheduled' ? effectiveStart(grant, now) - now : grant.expires - now;
  return {
    grant: grant.id,
    role: grant.role,
    grantee: grant.grantee,
    state,
    ...(grant.starts === undefined ? {} : { starts: grant.starts }),
    expires: grant.expires,
    remaining,
    ...(grant.ticket === undefined ? {} : { ticket: grant.ticket }),
    kind: grant.breakGlass ? 'break-glass' : grant.standing ? 'standing' : 'request',
  };
}
