/**
 * A review issue is tied to its use by the automation's commit, which names it (`Break-Glass-Review:
 * #N`), and read back by that number: an issue body, which anyone with write access can edit, plays
 * no part. Uses from before that trailer keep the older binding, a marker in the body of an issue
 * opened after the use began. The attacks: move the marker of a still-open review onto an issue a
 * policy owner once closed as completed, or make the commit name an issue that is not a review.
 * (The same attacks against the GitHub double: test/integration/github-cli/break-glass.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { checkBreakGlass, type BreakGlassCheckInput } from '../../../src/app/break-glass-checks.js';
import type { ReviewIssue } from '../../../src/adapters/github/break-glass-reviews.js';
import type { BreakGlassUse } from '../../../src/core/jobs/break-glass-budget.js';
import { email, gitHubPrincipal, roleName, type Role } from '../../../src/core/model/types.js';
import { DEFAULT_IDENTITIES } from '../../../src/core/model/policy-sections.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T20:00:00Z');
const APP = 'gitgrant[bot]';
/** A use from before the trailer: no review number in its commit. */
const OLD_USE: BreakGlassUse = { grant: 'grants/prod-admin/mallory-bg-1.yaml', role: 'prod-admin', from: NOW - 3 * HOUR, until: NOW - 2 * HOUR, byAutomation: true };
const BOUND_USE: BreakGlassUse = { ...OLD_USE, review: 10 };

function check(reviews: ReviewIssue[], uses: BreakGlassUse[] = [OLD_USE], byNumber: ReviewIssue[] = reviews) {
  const input: BreakGlassCheckInput = {
    role: { name: roleName('prod-admin'), breakGlass: { allowed: true, who: [gitHubPrincipal('@mallory')] } } as unknown as Role,
    actor: 'mallory',
    identities: { ...DEFAULT_IDENTITIES, people: { [email('mallory@example.com')]: { github: 'mallory' } } } as BreakGlassCheckInput['identities'],
    settings: { blockWhileReviewOpen: true, reviewLabel: 'break-glass-review' } as BreakGlassCheckInput['settings'],
    teams: { isActiveMember: async () => false } as unknown as BreakGlassCheckInput['teams'],
    reviews: {
      of: async () => reviews,
      get: async (n) => byNumber.find((r) => r.number === n),
      open: async () => { throw new Error('not opened in this test'); },
      update: async () => { throw new Error('not updated in this test'); },
    },
    policyOwners: [gitHubPrincipal('@sec-owner')],
    automation: APP,
    budget: { total: 8 * HOUR, window: 24 * HOUR },
    now: NOW,
    duration: HOUR,
    uses: async () => uses,
  };
  return checkBreakGlass(input);
}

const completedBySecurity = { state: 'closed' as const, closedBy: 'sec-owner', stateReason: 'completed', url: '', openedBy: APP };
const openReview = { number: 10, title: 'Review mallory', key: 'mallory-bg-1', createdAt: OLD_USE.from + 5_000, state: 'open' as const, url: '', openedBy: APP };
const summaries = async (run: ReturnType<typeof check>) => (await run).refusals.map((r) => r.summary);

describe('a use from before the Break-Glass-Review trailer is tied to its review by marker and date (the older rule, unchanged)', () => {
  it('counts the review opened for the use and completed by a policy owner', async () => {
    const result = await check([{ number: 10, title: 'Review mallory', key: 'mallory-bg-1', createdAt: OLD_USE.from + 5_000, ...completedBySecurity }]);
    expect(result.refusals).toEqual([]);
  });

  it('does not let an old issue, re-marked for the use, stand in for its review', async () => {
    const transplanted = { number: 3, title: 'Review bob (2025)', key: 'mallory-bg-1', createdAt: Date.parse('2025-06-01T10:00:00Z'), ...completedBySecurity };
    expect(await summaries(check([transplanted]))).toEqual([
      "mallory's break-glass use grants/prod-admin/mallory-bg-1.yaml (from 2026-12-03T17:00:00Z) has no review issue labelled break-glass-review",
    ]);
  });
});

describe('a use whose commit names its review issue is judged by that issue alone', () => {
  it('counts the named issue once a policy owner closed it as completed, whatever its body says (here: no marker at all)', async () => {
    expect(await summaries(check([], [BOUND_USE], [{ ...openReview, ...completedBySecurity, key: '' }]))).toEqual([]);
  });

  it('ignores a completed issue that carries the use\'s marker: the named one is still open', async () => {
    const marked = { number: 11, title: 'Rotate a certificate', key: 'mallory-bg-1', createdAt: OLD_USE.from + 60_000, ...completedBySecurity };
    expect(await summaries(check([marked], [BOUND_USE], [openReview, marked]))).toEqual(['mallory has an open break-glass review (#10: Review mallory)']);
  });

  it('refuses when the named issue was not opened by the automation', async () => {
    const byPerson = { ...openReview, ...completedBySecurity, openedBy: 'mallory' };
    expect(await summaries(check([], [BOUND_USE], [byPerson]))).toEqual([
      "mallory's break-glass use grants/prod-admin/mallory-bg-1.yaml (from 2026-12-03T17:00:00Z) names review issue #10, which mallory opened, not the automation (gitgrant[bot])",
    ]);
  });

  it('refuses when the named issue is older than the use', async () => {
    const older = { ...openReview, ...completedBySecurity, createdAt: OLD_USE.from - 11 * 60_000 };
    expect(await summaries(check([], [BOUND_USE], [older]))).toEqual([
      "mallory's break-glass use grants/prod-admin/mallory-bg-1.yaml (from 2026-12-03T17:00:00Z) names review issue #10, which was opened before the use began",
    ]);
  });

  it('refuses when the named issue is gone, and says how the block lifts', async () => {
    const [refusal] = (await check([], [BOUND_USE], [])).refusals;
    expect(refusal).toEqual({
      summary: "mallory's break-glass use grants/prod-admin/mallory-bg-1.yaml (from 2026-12-03T17:00:00Z) names review issue #10 in its commit, but the repository has no such issue",
      hint: 'a policy owner (@sec-owner) finds out what happened to #10 and reviews the use from its grant commit; the block lifts once the use is older than the 24h budget window',
    });
  });

  it('still blocks on a named review left open after the window has passed', async () => {
    const longAgo = { ...BOUND_USE, from: NOW - 40 * 24 * HOUR, until: NOW - 40 * 24 * HOUR + HOUR };
    expect(await summaries(check([], [longAgo], [{ ...openReview, createdAt: longAgo.from + 5_000 }]))).toEqual(['mallory has an open break-glass review (#10: Review mallory)']);
  });
});
