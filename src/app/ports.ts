/**
 * The narrow interfaces the scheduled jobs' use cases are given (peribolos-style: only the calls
 * they make). The CLI builds them from the environment (src/cli/job-adapters.ts); tests can build
 * them from anything. A use case that may not change something is given no port that could.
 */
import type { GrantHistory } from '../core/jobs/grant-events.js';
import type { AutomationIdentity } from '../core/model/policy-sections.js';
import type { TicketStatus } from '../core/jobs/tickets.js';

/** An adapter holding connections, opened by the use case that needs it and closed when it is done. */
export type Opened<T> = T & { close(): Promise<void> };

/** Ticket states, where the tracker can be reached. */
export interface TicketReader {
  /** The states found; `unchecked` says why none could be looked up (then `states` is empty). */
  states(tickets: readonly string[]): Promise<{ states: Map<string, TicketStatus>; unchecked?: string }>;
}

/** The grant history from git, or an empty one with the reason when the checkout cannot give it. */
export interface HistoryReader {
  read(automation?: AutomationIdentity): { history: GrantHistory; note?: string };
}
