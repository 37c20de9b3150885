/**
 * Where a grant's ticket is looked up. One interface per tracker (GitHub issues now; Jira or others
 * later), so the sweep asks "is this ticket closed?" without knowing the tracker.
 */
import type { IssueState } from '../github/issue-state.js';
import { parseIssueRef } from '../github/repo-ref.js';
import type { RepoRef } from '../github/types.js';
import type { Instant } from '../model/types.js';

export interface TicketStatus {
  state: 'open' | 'closed' | 'not-found';
  closedAt?: Instant;
}

export interface TicketSource {
  /** Undefined when the ticket is not one of this tracker's (e.g. `INC-12` for GitHub issues). */
  status(ticket: string): Promise<TicketStatus | undefined>;
}

/** `#123` and `owner/repo#123` are GitHub issues; `#123` lives in the access repo itself. */
export function gitHubTicketSource(issues: IssueState, home: RepoRef): TicketSource {
  return {
    async status(ticket) {
      const ref = parseIssueRef(ticket, home);
      return ref ? issues.status(ref) : undefined;
    },
  };
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
