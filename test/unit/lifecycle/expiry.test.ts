import { describe, expect, it } from 'vitest';
import { dueForRevocation, missingTickets, ticketsToCheck } from '../../../src/core/jobs/expiry.js';
import type { TicketStatus } from '../../../src/core/jobs/tickets.js';
import { aGrant, aRepo, NOW } from '../../support/builders/model.js';

const expired = aGrant().for('alice@example.com').named('expired').startingAt('2026-11-23T06:00:00Z').expiringAt('2026-11-23T09:00:00Z');
const live = aGrant().for('bob@example.com').named('live').withTicket('#12').expiringIn('2h');
const liveOtherTicket = aGrant().for('carol@example.com').named('other').withTicket('INC-7').expiringIn('2h');
const exactlyNow = aGrant().for('dave@example.com').named('now').startingAt('2026-11-23T08:00:00Z').expiringAt(NOW);
const grants = aRepo().with(expired, live, liveOtherTicket, exactlyNow).load().repo.grants;

const due = (tickets: Record<string, TicketStatus> = {}) =>
  dueForRevocation(grants, NOW, new Map(Object.entries(tickets))).map((r) => [r.grant.id, r.action, r.reason]);

describe('which grants the sweep revokes', () => {
  it('revokes grants whose expiry has passed, including one expiring at this very instant', () => {
    expect(due()).toEqual([[expired.path, 'expire', 'expired'], [exactlyNow.path, 'expire', 'expired']].sort());
  });

  it('revokes a live grant whose ticket is closed, and not one whose ticket is open or unknown to every tracker', () => {
    expect(due({ '#12': { state: 'closed' } })).toContainEqual([live.path, 'revoke-ticket', 'ticket #12 was closed']);
    expect(due({ '#12': { state: 'open' } }).map(([id]) => id)).not.toContain(live.path);
    expect(due({ '#12': { state: 'not-found' } }).map(([id]) => id)).not.toContain(live.path);
  });

  it('looks up each ticket of a live grant once, and none of expired grants', () => {
    expect(ticketsToCheck(grants, NOW)).toEqual(['#12', 'INC-7']);
  });
});

describe('tickets the tracker no longer has', () => {
  it('are findings for the live grants that name them, never revocations', () => {
    const repo = aRepo().with(live, liveOtherTicket).load().repo;
    const tickets = new Map<string, TicketStatus>([['#12', { state: 'not-found' }], ['INC-7', { state: 'open' }]]);
    expect(missingTickets(repo, NOW, tickets).map((f) => [f.kind, f.grants])).toEqual([['TICKET_NOT_FOUND', [live.path]]]);
    expect(dueForRevocation(repo.grants, NOW, tickets)).toEqual([]);
  });
});
