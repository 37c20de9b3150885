import { describe, expect, it } from 'vitest';
import { guardViolations, parseRemovalLimit } from '../../../src/core/plan/guards.js';
import { NOW } from '../../support/builders/model.js';
import { aChange, aPlan, desired, gcpTarget, observed } from '../../support/builders/plan.js';

const PROJECT = gcpTarget('projects/acme-prod');
const window = { expires: NOW + 3_600_000 };
const managed = (n: number, principal = `user:p${n}@example.com`) => observed(principal, 'roles/viewer', { id: `gg${n}`, window });

/** A plan that removes `removed` of `total` managed bindings on one target and keeps the rest. */
const removing = (removed: number, total: number) =>
  aPlan(NOW, [aChange(PROJECT, { remove: Array.from({ length: removed }, (_, i) => managed(i)), kept: total - removed })]);

describe('the removal guard', () => {
  it('reads a count or a percentage, and nothing else', () => {
    expect(parseRemovalLimit('20')).toEqual({ kind: 'count', value: 20 });
    expect(parseRemovalLimit('0')).toEqual({ kind: 'count', value: 0 });
    expect(parseRemovalLimit('10%')).toEqual({ kind: 'percent', value: 10 });
    expect(parseRemovalLimit('100%')).toEqual({ kind: 'percent', value: 100 });
    for (const bad of ['101%', '-1', '1.5', '10 %', 'ten', '', '%']) expect(parseRemovalLimit(bad), bad).toBeUndefined();
  });

  it('lets a plan through that removes exactly the count allowed, and stops one that removes more', () => {
    expect(guardViolations(removing(3, 10), { kind: 'count', value: 3 }, [])).toEqual([]);
    expect(guardViolations(removing(4, 10), { kind: 'count', value: 3 }, [])).toEqual(['the plan removes 4 bindings, more than the limit of 3']);
  });

  it('measures a percentage against the managed bindings seen: kept, changed and removed', () => {
    const plan = aPlan(NOW, [
      aChange(PROJECT, {
        remove: [managed(1), managed(2)],
        update: [{ from: managed(3), to: desired('gg3', PROJECT, 'user:p3@example.com', 'roles/viewer', { expires: NOW + 7_200_000 }) }],
        add: [desired('gg9', PROJECT, 'user:p9@example.com', 'roles/viewer', window)],
        kept: 7,
      }),
    ]);
    // 2 of 10 managed bindings (2 removed + 1 changed + 7 kept): 20% passes, 19% does not.
    expect(guardViolations(plan, { kind: 'percent', value: 20 }, [])).toEqual([]);
    expect(guardViolations(plan, { kind: 'percent', value: 19 }, [])).toEqual([
      'the plan removes 2 bindings, more than the limit of 1 (19% of 10 managed bindings)',
    ]);
  });

  it('stops a broken checkout that would remove everything', () => {
    expect(guardViolations(removing(50, 50), { kind: 'percent', value: 10 }, [])).toHaveLength(1);
  });

  it('sets no limit when none is given', () => {
    expect(guardViolations(removing(50, 50), undefined, [])).toEqual([]);
  });

  it('never lets a plan remove a protected principal, whatever the limit', () => {
    const automation = 'serviceAccount:gitgrant@acme.iam.gserviceaccount.com';
    const plan = aPlan(NOW, [aChange(PROJECT, { remove: [managed(1, automation)], kept: 0 })]);

    expect(guardViolations(plan, undefined, [automation])).toEqual([
      `the plan removes ${automation}'s roles/viewer, which is protected (policies: apply.protected)`,
    ]);
    expect(guardViolations(plan, undefined, ['user:someone-else@example.com'])).toEqual([]);
  });
});
