/**
 * The expiry sweep (`gitgrant expire`): grants past their end, or whose ticket closed, are revoked
 * in the cloud and their files deleted in one commit per action. The preview (dry run) is given
 * readers only, so it cannot change the cloud or the repo.
 */
import type { AccessRepo, Instant } from '../core/model/types.js';
import { planTotals } from '../core/plan/diff.js';
import type { Plan } from '../core/plan/types.js';
import { dueForRevocation, missingTickets, ticketsToCheck, type Revocation } from '../core/jobs/expiry.js';
import type { Finding } from '../core/jobs/findings.js';
import { overdueExpiries } from '../core/jobs/overdue.js';
import type { RevocationOutcome } from '../core/jobs/revocation.js';
import type { TicketStatus } from '../core/jobs/tickets.js';
import { previewRevocations, type RevocationReads, type RevocationWrites } from './revoke.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import { sweep, type RevocationCommitter, type SweepResult } from './sweep.js';
import type { Opened, TicketReader } from './ports.js';
import type { Protection } from '../core/jobs/protected-removals.js';

export interface ExpireInput {
  repo: AccessRepo;
  now: Instant;
  concurrency: number;
  /** `apply.protected` as loaded (with its load errors); read from the repo's policy when absent. */
  protection?: Protection;
}

/** What a preview may use: ticket states, and the cloud to read (opened only when something is due). */
export interface ExpiryReaders {
  tickets: TicketReader;
  openCloud(): Opened<RevocationReads>;
}

/** What the sweep may use: the cloud to change, and git to record the revocations. */
export interface ExpiryWriters {
  tickets: TicketReader;
  openCloud(): Opened<RevocationWrites>;
  commits: RevocationCommitter;
}

export interface ExpireRun extends RevocationOutcome {
  /** Why tickets were not checked; expiry is unaffected. */
  notes: string[];
  due: Revocation[];
  /** What the revocations remove; undefined when nothing was due. */
  plan?: Plan;
  removals: number;
  targets: number;
  findings: Finding[];
  commits: SweepResult['commits'];
}

/** Ticket states of live grants; a sweep without them still expires on time. */
async function ticketStates(tickets: TicketReader, repo: AccessRepo, now: Instant): Promise<{ states: Map<string, TicketStatus>; notes: string[] }> {
  const wanted = ticketsToCheck(repo.grants, now);
  if (wanted.length === 0) return { states: new Map(), notes: [] };
  const { states, unchecked } = await tickets.states(wanted);
  return { states, notes: unchecked === undefined ? [] : [`tickets not checked (${unchecked}); expiry is unaffected`] };
}

async function dueNow(tickets: TicketReader, input: ExpireInput): Promise<{ due: Revocation[]; missing: Finding[]; notes: string[] }> {
  const { states, notes } = await ticketStates(tickets, input.repo, input.now);
  // A missing ticket is reported, not failed: the sweep did its job; the exception issues ask people about it.
  return { due: dueForRevocation(input.repo.grants, input.now, states), missing: missingTickets(input.repo, input.now, states), notes };
}

type Swept = Pick<SweepResult, 'plan' | 'revoked' | 'failed' | 'findings' | 'commits'>;

function expireRun(due: Revocation[], notes: string[], missing: Finding[], swept?: Swept): ExpireRun {
  const totals = swept ? planTotals(swept.plan) : { remove: 0, targets: 0 };
  return {
    notes, due,
    ...(swept ? { plan: swept.plan } : {}),
    removals: totals.remove,
    targets: totals.targets,
    revoked: swept?.revoked ?? [],
    failed: swept?.failed ?? [],
    findings: [...(swept?.findings ?? []), ...missing],
    commits: swept?.commits ?? [],
  };
}

/** What the sweep would revoke now, read from the cloud; nothing is changed, no file deleted. */
export async function previewExpiry(readers: ExpiryReaders, input: ExpireInput): Promise<ExpireRun> {
  const { due, missing, notes } = await dueNow(readers.tickets, input);
  if (due.length === 0) return expireRun(due, notes, missing);
  const cloud = readers.openCloud();
  try {
    const preview = await previewRevocations({ ...input, revocations: due, identities: input.repo.policy.identities, cloud });
    return expireRun(due, notes, missing, { ...preview, findings: [], commits: [] });
  } finally {
    await cloud.close();
  }
}

/** Revokes what is due and records it; the sweep acts on whatever grants load, and only ever removes their own bindings. */
export async function expire(writers: ExpiryWriters, input: ExpireInput): Promise<ExpireRun> {
  const { due, missing, notes } = await dueNow(writers.tickets, input);
  if (due.length === 0) return expireRun(due, notes, missing);
  const cloud = writers.openCloud();
  try {
    const swept = await sweep({ ...input, revocations: due, identities: input.repo.policy.identities, cloud, commits: writers.commits });
    return expireRun(due, notes, missing, swept);
  } finally {
    await cloud.close();
  }
}

/**
 * The expire source of the exception issues, in report mode: overdue expiries and tickets that
 * cannot be found. Tickets not looked up leave it incomplete, so their issues are not closed as if
 * the tickets had come back.
 */
export async function expiryFindings(readers: Pick<ExpiryReaders, 'tickets'>, input: Omit<ExpireInput, 'concurrency'> & { graceMinutes: number }): Promise<SourceRun> {
  const { states, notes } = await ticketStates(readers.tickets, input.repo, input.now);
  return { source: 'expire', complete: notes.length === 0, findings: [...overdueExpiries(input.repo, input.now, input.graceMinutes), ...missingTickets(input.repo, input.now, states)], notes };
}
