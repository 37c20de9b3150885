/**
 * The expiry sweep's decision, pure: which grants on main must lose their access now. A grant past
 * `expires` is expired; a live grant whose ticket was closed is revoked, because closing the ticket
 * ends the work the access was for (seed 003).
 */
import type { Grant, Instant } from '../model/types.js';
import { isExpired } from '../policy/window.js';
import type { TicketStatus } from './tickets.js';

export type RevocationAction = 'expire' | 'revoke-ticket' | 'revoke-hr';

export interface Revocation {
  grant: Grant;
  action: RevocationAction;
  /** For people and for the commit's `Reason:` trailer. */
  reason: string;
}

/** Live grants whose ticket must be looked up, with each ticket once. */
export function ticketsToCheck(grants: readonly Grant[], now: Instant): string[] {
  const tickets = new Set<string>();
  for (const grant of grants) if (grant.ticket !== undefined && !isExpired(grant, now)) tickets.add(grant.ticket);
  return [...tickets].sort();
}

export function dueForRevocation(grants: readonly Grant[], now: Instant, tickets: ReadonlyMap<string, TicketStatus>): Revocation[] {
  const due: Revocation[] = [];
  for (const grant of grants) {
    if (isExpired(grant, now)) {
      due.push({ grant, action: 'expire', reason: 'expired' });
      continue;
    }
    const ticket = grant.ticket === undefined ? undefined : tickets.get(grant.ticket);
    if (ticket?.state === 'closed') due.push({ grant, action: 'revoke-ticket', reason: `ticket ${grant.ticket} was closed` });
  }
  return due.sort((a, b) => a.grant.id.localeCompare(b.grant.id));
}
