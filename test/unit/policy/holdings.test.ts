import { describe, expect, it } from 'vitest';
import { holdings } from '../../../src/core/policy/holdings.js';
import { aGrant, aRepo, aRole, duration, instant, NOW } from '../../support/builders/model.js';

const at = (offset: string) => NOW + duration(offset);

describe('who holds what now', () => {
  const started = aGrant().for('alice@example.com').startingAt(NOW - duration('1h')).expiringAt(at('3h'));
  const later = aGrant().for('bob@example.com').ofRole('prod-db').startingAt(at('2h')).expiringAt(at('4h'));
  const lapsed = aGrant().for('carol@example.com').startingAt(NOW - duration('5h')).expiringAt(NOW - duration('1h'));
  const repo = () => aRepo().with(aRole('app-readonly'), aRole('prod-db'), started, later, lapsed).load().repo;

  it('lists active and scheduled grants, soonest expiry first, with the time left or until start', () => {
    expect(holdings(repo().grants, NOW).map((h) => [h.grantee, h.state, h.remaining])).toEqual([
      ['alice@example.com', 'active', duration('3h')],
      ['bob@example.com', 'scheduled', duration('2h')],
    ]);
  });

  it('shows an expired grant still on main only when asked, as the sweep has yet to remove it', () => {
    expect(holdings(repo().grants, NOW, { states: ['expired'] }).map((h) => [h.grantee, h.remaining])).toEqual([['carol@example.com', 0]]);
  });

  it('filters by role and by grantee', () => {
    expect(holdings(repo().grants, NOW, { role: 'prod-db' }).map((h) => h.grantee)).toEqual(['bob@example.com']);
    expect(holdings(repo().grants, NOW, { grantee: 'alice@example.com' }).map((h) => h.role)).toEqual(['app-readonly']);
  });

  it('says which grants are break-glass', () => {
    const glass = aGrant().for('dave@example.com').breakingGlass().expiringAt(at('1h'));
    const listed = holdings(aRepo().with(aRole('app-readonly').allowingBreakGlass(), glass).load().repo.grants, NOW);
    expect(listed.map((h) => h.kind)).toEqual(['break-glass']);
    expect(instant('2026-11-23T11:00:00Z')).toBe(listed[0]!.expires);
  });
});
