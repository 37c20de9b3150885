/** The plan-apply use case's own rules: dry-run is a type, the guards sit in front of every apply, counts add up. */
import { describe, expect, it } from 'vitest';
import { applyGuardsOf, applyPlanned, outcomeOf, type ApplyGuards, type Planned } from '../../../src/app/plan-apply.js';
import type { AccessRepo } from '../../../src/core/model/types.js';
import { targetKey, type TargetChange } from '../../../src/core/plan/types.js';
import { cloudApplierOf, cloudReaderOf, type Cloud } from '../../../src/adapters/cloud/cloud.js';
import type { CloudReader, Provider } from '../../../src/core/plan/provider.js';
import { NOW } from '../../support/builders/model.js';
import { aChange, aPlan, desired, gcpTarget, iamTarget, observed } from '../../support/builders/plan.js';

const window = { expires: NOW + 3_600_000 };
const adding = (resource: string, n = 1) => {
  const target = gcpTarget(resource);
  return aChange(target, { add: Array.from({ length: n }, (_, i) => desired(`gg-${resource}-${i}`, target, `user:p${i}@example.com`, 'roles/viewer', window)) });
};
const removing = (resource: string, n: number) =>
  aChange(gcpTarget(resource), { remove: Array.from({ length: n }, (_, i) => observed(`user:r${i}@example.com`, 'roles/viewer', { id: `gg-r-${resource}-${i}` })) });

const plannedOf = (changes: TargetChange[]): Planned => ({ repo: {} as AccessRepo, plan: aPlan(NOW, changes), findings: [], readFailures: [] });

/** A cloud whose providers record every write. */
function recordingCloud() {
  const writes: string[] = [];
  const provider = (name: 'aws' | 'gcp'): Provider => ({
    name,
    read: async (target) => ({ target, bindings: [] }),
    apply: async (change) => void writes.push(targetKey(change.target)),
    checkLimits: () => [],
  });
  const cloud: Cloud = {
    providers: { aws: provider('aws'), gcp: provider('gcp') },
    get aws(): never {
      throw new Error('not used');
    },
    iam: () => {
      throw new Error('not used');
    },
    close: async () => {},
  };
  return { cloud, writes };
}

const NO_GUARDS: ApplyGuards = { protectedPrincipals: [] };

describe('dry-run is a type', () => {
  it('a reader holds no way to write, not even by a cast', () => {
    const { cloud } = recordingCloud();
    const reader = cloudReaderOf(cloud);
    expect(Object.keys(reader).sort()).toEqual(['close', 'identityCenterUsers', 'limits', 'readers']);
    expect(Object.keys(reader.readers.gcp)).toEqual(['read']);
    expect(Object.keys(reader.readers.aws)).toEqual(['read']);
    expect(Object.keys(reader.limits.gcp)).toEqual(['checkLimits']);
    expect('appliers' in reader).toBe(false);
  });

  it('applying takes an applier: a reader does not type-check', () => {
    const { cloud } = recordingCloud();
    const reader: CloudReader = cloudReaderOf(cloud);
    // Never called: the point is that it does not compile (npm run typecheck covers the tests).
    const _dryRunCannotApply = () =>
      // @ts-expect-error a reader has no appliers, so a dry run or `plan` can never reach a write
      applyPlanned(plannedOf([]), NO_GUARDS, reader, { concurrency: 1 });
    expect(typeof _dryRunCannotApply).toBe('function');
  });
});

describe('the guards sit in front of every apply', () => {
  it('a plan over the removal limit is stopped before the first write', async () => {
    const { cloud, writes } = recordingCloud();
    const result = applyGuardsOf('2', { apply: { protected: [] } });
    if ('problem' in result) throw new Error(result.problem.message);
    const run = await applyPlanned(plannedOf([removing('projects/a', 3), adding('projects/b')]), result.guards, cloudApplierOf(cloud), { concurrency: 2 });
    expect(run).toEqual({ kind: 'stopped', stops: ['the plan removes 3 bindings, more than the limit of 2'] });
    expect(writes).toEqual([]);
  });

  it('a protected principal named in policies/ is never removed', async () => {
    const { cloud, writes } = recordingCloud();
    const result = applyGuardsOf(undefined, { apply: { protected: ['user:r0@example.com'] } });
    if ('problem' in result) throw new Error(result.problem.message);
    const run = await applyPlanned(plannedOf([removing('projects/a', 1)]), result.guards, cloudApplierOf(cloud), { concurrency: 1 });
    expect(run.kind).toBe('stopped');
    expect(writes).toEqual([]);
  });

  it('a --max-removals that is not a count or a percentage is a problem, not a missing guard', () => {
    expect(applyGuardsOf('lots', { apply: { protected: [] } })).toEqual({ problem: { message: '--max-removals lots is not a count or a percentage', hint: 'write e.g. --max-removals 20 or --max-removals 10%' } });
    expect(applyGuardsOf('101%', { apply: { protected: [] } })).toHaveProperty('problem');
  });
});

describe('counts after an apply', () => {
  it('every planned change is applied, failed or not applied, exactly once', () => {
    const blocked = { ...adding('projects/limit', 2), remove: [observed('user:old@example.com', 'roles/viewer', { id: 'gg-old' })], blockedBy: ['GCP_LIMIT: too many'] };
    const planned = plannedOf([adding('projects/ok', 2), adding('projects/broken', 3), blocked, aChange(iamTarget(), { kept: 4 })]);
    const outcome = outcomeOf(planned, { applied: ['gcp:projects/limit', 'gcp:projects/ok'], failures: [{ target: 'gcp:projects/broken', cause: 'denied' }] });
    expect(outcome).toMatchObject({ planned: 8, applied: { add: 2, update: 0, remove: 1, total: 3, targets: 2 }, failed: 3, notApplied: 2 });
    expect(outcome.applied.total + outcome.failed + outcome.notApplied).toBe(outcome.planned);
  });
});
