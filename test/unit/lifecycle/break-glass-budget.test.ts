import { describe, expect, it } from 'vitest';
import type { GrantLifecycle } from '../../../src/core/audit/lifecycle-types.js';
import { breakGlassUses, judgeBudget, type BreakGlassUse } from '../../../src/core/jobs/break-glass-budget.js';
import { email } from '../../../src/core/model/types.js';
import { aGrant, aRepo, aRole, duration, instant } from '../../support/builders/model.js';

const OLGA = email('olga@example.com');
const BUDGET = { total: duration('4h'), window: duration('24h') };
const at = (time: string) => instant(`2026-11-23T${time}:00Z`);

/** A use from `from` to `until` (HH:MM on 23 November). */
const use = (from: string, until: string, grant = `grants/prod/olga-${from.replace(':', '')}.yaml`): BreakGlassUse => ({ grant, role: 'prod', from: at(from), until: at(until), byAutomation: true });

/** A grant file's life on main, as `reconstruct` gives it. */
function life(fields: { from: string; expires: string; grantee?: string; breakGlass?: boolean; endedAt?: string; changes?: string[]; bot?: boolean; path?: string }): GrantLifecycle {
  const path = fields.path ?? `grants/prod/olga-${fields.from.replace(':', '')}.yaml`;
  const ref = { sha: 'a'.repeat(40), at: at(fields.from), by: 'gitgrant[bot]', subject: 'Break glass', bot: fields.bot ?? true };
  return {
    id: `${path}@${'a'.repeat(12)}`, path, role: 'prod', grantee: fields.grantee ?? OLGA, reason: 'incident', expires: at(fields.changes?.at(-1) ?? fields.expires),
    requestedExpires: at(fields.expires), breakGlass: fields.breakGlass ?? true, standing: false, requested: ref, approval: { approvers: [], source: 'unrecorded' },
    changes: (fields.changes ?? []).map((to, i, all) => ({ kind: 'edited', commit: ref, approval: { approvers: [], source: 'unrecorded' }, fromExpires: at(i === 0 ? fields.expires : all[i - 1]!), toExpires: at(to) })),
    ...(fields.endedAt ? { ended: { kind: 'break-glass-ended', removedAt: at(fields.endedAt), early: true, commit: ref } } : {}),
  };
}

describe('the break-glass budget', () => {
  it('allows a use that fits what is left in the window', () => {
    expect(judgeBudget([use('10:00', '12:00')], BUDGET, at('12:00'), duration('2h'))).toEqual({ allowed: true, used: duration('2h'), left: duration('2h') });
  });

  it('refuses a third 2h use in a row, and says when a 2h use fits again (when the first leaves the window)', () => {
    const decision = judgeBudget([use('10:00', '12:00'), use('12:00', '14:00')], BUDGET, at('14:00'), duration('2h'));
    expect(decision).toEqual({ allowed: false, used: duration('4h'), left: 0, fitsAt: instant('2026-11-24T12:00:00Z') });
  });

  it('frees up part way through a use: 1h more fits once an hour of the first use has left the window', () => {
    const decision = judgeBudget([use('10:00', '12:00'), use('12:00', '14:00')], BUDGET, at('14:00'), duration('1h'));
    expect(decision.fitsAt).toBe(instant('2026-11-24T11:00:00Z'));
  });

  it('counts an active use to its end, not to now', () => {
    const decision = judgeBudget([use('09:00', '13:00')], BUDGET, at('10:00'), duration('30m'));
    expect(decision).toMatchObject({ allowed: false, used: duration('4h'), left: 0, fitsAt: instant('2026-11-24T09:30:00Z') });
  });

  it('sums overlapping uses (two roles at once count twice)', () => {
    const decision = judgeBudget([use('10:00', '12:00', 'grants/a/x.yaml'), use('10:00', '12:00', 'grants/b/x.yaml')], BUDGET, at('11:00'), duration('1h'));
    expect(decision).toMatchObject({ allowed: false, used: duration('4h') });
  });

  it('counts only the part of a use inside the window', () => {
    const early = { ...use('10:00', '14:00'), from: instant('2026-11-22T10:00:00Z'), until: instant('2026-11-22T14:00:00Z') };
    expect(judgeBudget([early], BUDGET, at('12:00'), duration('4h'))).toEqual({ allowed: false, used: duration('2h'), left: duration('2h'), fitsAt: instant('2026-11-23T14:00:00Z') });
  });

  it('never fits a use longer than the whole budget', () => {
    expect(judgeBudget([], BUDGET, at('10:00'), duration('5h'))).toEqual({ allowed: false, used: 0, left: duration('4h') });
  });

  it('holds the total in every 24h window when uses are taken whenever they are allowed', () => {
    const uses: BreakGlassUse[] = [];
    for (let t = at('00:00'); t < at('00:00') + 7 * duration('24h'); t += duration('30m')) {
      if (judgeBudget(uses, BUDGET, t, duration('1h')).allowed) uses.push({ grant: `g${t}`, role: 'prod', from: t, until: t + duration('1h'), byAutomation: true });
    }
    expect(uses.length).toBeGreaterThan(7 * 3);
    for (let start = at('00:00') - duration('24h'); start < at('00:00') + 8 * duration('24h'); start += duration('30m')) {
      const inWindow = uses.reduce((sum, u) => sum + Math.max(0, Math.min(u.until, start + BUDGET.window) - Math.max(u.from, start)), 0);
      expect(inWindow).toBeLessThanOrEqual(BUDGET.total);
    }
  });
});

describe('the break-glass uses on record', () => {
  it('are the grantee\'s break-glass grants only', () => {
    const history = [life({ from: '10:00', expires: '12:00' }), life({ from: '10:00', expires: '12:00', grantee: 'bob@example.com' }), life({ from: '11:00', expires: '13:00', breakGlass: false })];
    expect(breakGlassUses(OLGA, history, [], at('14:00'))).toEqual([{ grant: 'grants/prod/olga-1000.yaml', role: 'prod', from: at('10:00'), until: at('12:00'), byAutomation: true }]);
  });

  it('count a use ended early to its requested expiry: removing the file gives no time back', () => {
    expect(breakGlassUses(OLGA, [life({ from: '10:00', expires: '14:00', endedAt: '10:30' })], [], at('11:00'))[0]!.until).toBe(at('14:00'));
  });

  it('count a use shortened after it was granted to its longest expiry', () => {
    expect(breakGlassUses(OLGA, [life({ from: '10:00', expires: '12:00', changes: ['13:00', '10:15'] })], [], at('11:00'))[0]!.until).toBe(at('13:00'));
  });

  it('count a grant file not yet committed from now, and a committed one extended in the checkout to its new expiry', () => {
    const committed = aGrant().for('olga@example.com').ofRole('prod').named('olga-1000').breakingGlass().expiringAt('2026-11-23T15:00:00Z');
    const uncommitted = aGrant().for('olga@example.com').ofRole('prod').named('olga-new').breakingGlass().expiringAt('2026-11-23T16:00:00Z');
    const normal = aGrant().for('olga@example.com').ofRole('prod').named('olga-normal').expiringAt('2026-11-23T16:00:00Z');
    const loaded = aRepo().with(aRole('prod').allowingBreakGlass('8h'), committed, uncommitted, normal).load();
    const uses = breakGlassUses(OLGA, [life({ from: '10:00', expires: '12:00' })], loaded.repo.grants, at('14:00'));
    expect(uses.map((u) => [u.grant, u.from, u.until, u.byAutomation])).toEqual([
      ['grants/prod/olga-1000.yaml', at('10:00'), at('15:00'), true],
      ['grants/prod/olga-new.yaml', at('14:00'), at('16:00'), false],
    ]);
  });
});
