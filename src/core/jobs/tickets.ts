/**
 * Where a grant's ticket is looked up. One interface per tracker (GitHub issues now; Jira or others
 * later), so the sweep asks "is this ticket closed?" without knowing the tracker.
 */
import type { Instant } from '../model/types.js';

export interface TicketStatus {
  state: 'open' | 'closed' | 'not-found';
  closedAt?: Instant;
}

export interface TicketSource {
  /** Undefined when the ticket is not one of this tracker's (e.g. `INC-12` for GitHub issues). */
  status(ticket: string): Promise<TicketStatus | undefined>;
}

/** Asks each source in turn; the first that knows the ticket answers. */
export async function lookUpTickets(sources: readonly TicketSource[], tickets: readonly string[]): Promise<Map<string, TicketStatus>> {
  const found = new Map<string, TicketStatus>();
  for (const ticket of tickets) {
    for (const source of sources) {
      const status = await source.status(ticket);
      if (!status) continue;
      found.set(ticket, status);
      break;
    }
  }
  return found;
}
