import { describe, expect, it } from 'vitest';
import { applyPlan, type ApplyProgress } from '../../../src/core/plan/apply.js';
import { targetKey, type TargetChange } from '../../../src/core/plan/types.js';
import type { ChangeApplier } from '../../../src/core/plan/provider.js';
import { NOW } from '../../support/builders/model.js';
import { aChange, aPlan, desired, gcpTarget, iamTarget } from '../../support/builders/plan.js';

const window = { expires: NOW + 3_600_000 };
const changing = (resource: string) => {
  const target = gcpTarget(resource);
  return aChange(target, { add: [desired(`gg-${resource}`, target, 'user:a@example.com', 'roles/viewer', window)] });
};

/** An applier that records what it was given and fails for the targets named. */
function recordingApplier(failFor: string[] = []) {
  const applied: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const applier: ChangeApplier = {
    async apply(change: TargetChange) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Yield to the event loop so other targets could start meanwhile if nothing bounded them.
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const key = targetKey(change.target);
      if (failFor.includes(key)) throw new Error(`AccessDenied on ${key}`);
      applied.push(key);
    },
  };
  return { applier, applied, maxInFlight: () => maxInFlight };
}

describe('applying a plan', () => {
  it('applies every target with changes and skips the ones without', async () => {
    const { applier, applied } = recordingApplier();
    const plan = aPlan(NOW, [changing('projects/a'), aChange(gcpTarget('projects/quiet'), { kept: 3 }), changing('projects/b')]);

    const result = await applyPlan(plan, { gcp: applier, aws: applier }, { concurrency: 4 });
    expect(result).toEqual({ applied: ['gcp:projects/a', 'gcp:projects/b'], failures: [] });
    expect(applied.sort()).toEqual(['gcp:projects/a', 'gcp:projects/b']);
  });

  it('applies only the removals of a target over a provider limit, and reports the rest as failed', async () => {
    const given: TargetChange[] = [];
    const applier: ChangeApplier = { apply: async (change) => void given.push(change) };
    const target = gcpTarget('projects/full');
    const stale = { id: 'gg-old', managed: true, principal: 'user:old@example.com', permission: 'roles/viewer', window, label: 'gitgrant gg-old' };
    const blocked = aChange(target, {
      add: [desired('gg-new', target, 'user:a@example.com', 'roles/viewer', window)],
      remove: [stale],
      blockedBy: ['GCP_POLICY_MEMBER_LIMIT: too many members'],
    });

    const result = await applyPlan(aPlan(NOW, [blocked]), { gcp: applier, aws: applier }, { concurrency: 1 });
    expect(given).toEqual([{ ...blocked, add: [], update: [] }]);
    expect(result).toEqual({
      applied: ['gcp:projects/full'],
      failures: [{ target: 'gcp:projects/full', cause: 'adds and changes not applied: GCP_POLICY_MEMBER_LIMIT: too many members' }],
    });
  });

  it('keeps going after a failure and reports each failed target with its cause', async () => {
    const { applier } = recordingApplier(['gcp:projects/b', 'gcp:projects/d']);
    const plan = aPlan(NOW, ['a', 'b', 'c', 'd'].map((r) => changing(`projects/${r}`)));

    const result = await applyPlan(plan, { gcp: applier, aws: applier }, { concurrency: 1 });
    expect(result.applied).toEqual(['gcp:projects/a', 'gcp:projects/c']);
    expect(result.failures).toEqual([
      { target: 'gcp:projects/b', cause: 'AccessDenied on gcp:projects/b' },
      { target: 'gcp:projects/d', cause: 'AccessDenied on gcp:projects/d' },
    ]);
  });

  it('has at most `concurrency` targets in flight', async () => {
    const { applier, maxInFlight } = recordingApplier();
    const plan = aPlan(NOW, ['a', 'b', 'c', 'd', 'e', 'f'].map((r) => changing(`projects/${r}`)));

    await applyPlan(plan, { gcp: applier, aws: applier }, { concurrency: 2 });
    expect(maxInFlight()).toBe(2);
  });

  it('routes each target to its provider\'s applier', async () => {
    const gcp = recordingApplier();
    const aws = recordingApplier();
    const iam = aChange(iamTarget(), { remove: [{ id: 'gg1', managed: true, principal: 'arn:aws:iam::111111111111:user/a', permission: 'arn:aws:iam::111111111111:role/R', label: 'gg1' }] });

    await applyPlan(aPlan(NOW, [changing('projects/a'), iam]), { gcp: gcp.applier, aws: aws.applier }, { concurrency: 2 });
    expect({ gcp: gcp.applied, aws: aws.applied }).toEqual({ gcp: ['gcp:projects/a'], aws: ['aws:iam:111111111111'] });
  });

  it('reports progress per target: start, then done or failed with the cause', async () => {
    const { applier } = recordingApplier(['gcp:projects/b']);
    const events: ApplyProgress[] = [];

    await applyPlan(aPlan(NOW, [changing('projects/a'), changing('projects/b')]), { gcp: applier, aws: applier }, { concurrency: 1, onProgress: (e) => events.push(e) });
    expect(events).toEqual([
      { target: 'gcp:projects/a', status: 'start', changes: 1 },
      { target: 'gcp:projects/a', status: 'done', changes: 1 },
      { target: 'gcp:projects/b', status: 'start', changes: 1 },
      { target: 'gcp:projects/b', status: 'failed', changes: 1, cause: 'AccessDenied on gcp:projects/b' },
    ]);
  });
});
