/**
 * The expiry sweep's decision, pure: which grants on main must lose their access now. A grant past
 * `expires` is expired; a live grant whose ticket was closed is revoked, because closing the ticket
 * ends the work the access was for (seed 003).
 */
import type { AccessRepo, Grant, Instant } from '../model/types.js';
import { isExpired } from '../policy/window.js';
import { fingerprint, ownersOf, type Finding } from './findings.js';
import type { TicketStatus } from './tickets.js';
import { compareText } from '../text/compare-text.js';

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
  return due.sort((a, b) => compareText(a.grant.id, b.grant.id));
}

/**
 * A live grant whose ticket the tracker no longer has (deleted, transferred away): nobody can tell
 * whether the work is done, so people are asked rather than the access guessed away or kept.
 */
export function missingTickets(repo: AccessRepo, now: Instant, tickets: ReadonlyMap<string, TicketStatus>): Finding[] {
  return repo.grants
    .filter((g) => g.ticket !== undefined && !isExpired(g, now) && tickets.get(g.ticket)?.state === 'not-found')
    .sort((a, b) => compareText(a.id, b.id))
    .map((g) => ({
      kind: 'TICKET_NOT_FOUND',
      source: 'expire',
      fingerprint: fingerprint('TICKET_NOT_FOUND', g.id, g.ticket!),
      summary: `${g.id} (${g.grantee}) names ticket ${g.ticket}, which the tracker no longer has`,
      details: ['The access stays until it expires. If the work is done, revoke it by deleting the grant file; otherwise point the grant at the ticket\'s new home.'],
      outcome: 'reported',
      role: g.role,
      grants: [g.id],
      notify: ownersOf(repo, g.role),
    }));
}
