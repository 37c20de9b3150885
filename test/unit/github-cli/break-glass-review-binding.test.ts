/**
 * A review issue is tied to its use by a marker in the issue body, which anyone with write access can
 * edit. The attack: remove the marker from the real, still-open review, and put it on an old issue a
 * policy owner once closed as completed. The review must then still be missing.
 */
import { describe, expect, it } from 'vitest';
import { checkBreakGlass, type BreakGlassCheckInput } from '../../../src/app/break-glass-checks.js';
import type { ReviewIssue } from '../../../src/adapters/github/break-glass-reviews.js';
import { email, gitHubPrincipal, roleName, type Role } from '../../../src/core/model/types.js';
import { DEFAULT_IDENTITIES } from '../../../src/core/model/policy-sections.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T20:00:00Z');
const USE = { grant: 'grants/prod-admin/mallory-bg-1.yaml', role: 'prod-admin', from: NOW - 3 * HOUR, until: NOW - 2 * HOUR, byAutomation: true };

function check(reviews: ReviewIssue[]) {
  const input: BreakGlassCheckInput = {
    role: { name: roleName('prod-admin'), breakGlass: { allowed: true, who: [gitHubPrincipal('@mallory')] } } as unknown as Role,
    actor: 'mallory',
    identities: { ...DEFAULT_IDENTITIES, people: { [email('mallory@example.com')]: { github: 'mallory' } } } as BreakGlassCheckInput['identities'],
    settings: { blockWhileReviewOpen: true, reviewLabel: 'break-glass-review' } as BreakGlassCheckInput['settings'],
    teams: { isActiveMember: async () => false } as unknown as BreakGlassCheckInput['teams'],
    reviews: { of: async () => reviews, open: async () => { throw new Error('not opened in this test'); } },
    policyOwners: [gitHubPrincipal('@sec-owner')],
    budget: { total: 8 * HOUR, window: 24 * HOUR },
    now: NOW,
    duration: HOUR,
    uses: async () => [USE],
  };
  return checkBreakGlass(input);
}

const completedBySecurity = { state: 'closed' as const, closedBy: 'sec-owner', stateReason: 'completed', url: '' };

describe('a break-glass review is tied to its use', () => {
  it('counts the review opened for the use and completed by a policy owner', async () => {
    const result = await check([{ number: 10, title: 'Review mallory', key: 'mallory-bg-1', createdAt: USE.from + 5_000, ...completedBySecurity }]);
    expect(result.refusals).toEqual([]);
  });

  it('does not let an old issue, re-marked for the use, stand in for its review', async () => {
    const transplanted = { number: 3, title: 'Review bob (2025)', key: 'mallory-bg-1', createdAt: Date.parse('2025-06-01T10:00:00Z'), ...completedBySecurity };
    const result = await check([transplanted]);
    expect(result.refusals.map((r) => r.summary)).toEqual([
      "mallory's break-glass use grants/prod-admin/mallory-bg-1.yaml (from 2026-12-03T17:00:00Z) has no review issue labelled break-glass-review",
    ]);
  });
});
