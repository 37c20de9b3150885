import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../../src/core/plan/desired.js';
import { computePlan, planTotals } from '../../../src/core/plan/diff.js';
import { targetKey, type DesiredBinding, type TargetRef, type TargetState } from '../../../src/core/plan/types.js';
import { checkAwsLimits } from '../../../src/adapters/aws/limits.js';
import { checkGcpLimits } from '../../../src/core/gcp/limits.js';
import { NOW } from '../../support/builders/model.js';
import { ACCOUNT, PERMISSION_SET_ARN, asObserved, desired, gcpTarget, iamTarget, identityCenterTarget, observed, stateOf } from '../../support/builders/plan.js';

const HOUR = 3_600_000;
const LIMITS = { aws: { checkLimits: checkAwsLimits }, gcp: { checkLimits: checkGcpLimits } };
const PROJECT = gcpTarget('projects/acme-prod');
const window = { expires: NOW + 2 * HOUR };
const alice = desired('gg1', PROJECT, 'user:alice@example.com', 'roles/viewer', window, 'grants/viewer/alice.yaml');
const bob = desired('gg2', PROJECT, 'user:bob@example.com', 'roles/viewer', window, 'grants/viewer/bob.yaml');

function plan(bindings: DesiredBinding[], observedStates?: TargetState[], targets: TargetRef[] = [PROJECT]) {
  const state: DesiredState = { bindings, targets, diagnostics: [] };
  const observedMap = observedStates && new Map(observedStates.map((s) => [targetKey(s.target), s]));
  return computePlan({ desired: state, ...(observedMap ? { observed: observedMap } : {}), limits: LIMITS, at: NOW });
}

describe('computing a plan', () => {
  it('adds a desired binding the cloud does not have', () => {
    const result = plan([alice], [stateOf(PROJECT)]);

    expect(result.changes).toEqual([{ target: PROJECT, add: [alice], update: [], remove: [], unmanaged: [], kept: 0 }]);
    expect(result.online).toBe(true);
  });

  it('changes a binding whose window moved, and keeps one that matches', () => {
    const extended = { ...alice, window: { expires: NOW + 6 * HOUR } };
    const result = plan([extended, bob], [stateOf(PROJECT, asObserved(alice), asObserved(bob))]);

    const [change] = result.changes;
    expect(change!.update).toEqual([{ from: asObserved(alice), to: extended }]);
    expect(change!.add).toEqual([]);
    expect(change!.kept).toBe(1);
  });

  it('changes a binding that gained a start, since the window differs', () => {
    const scheduled = { ...alice, window: { starts: NOW + HOUR, expires: NOW + 2 * HOUR } };
    expect(plan([scheduled], [stateOf(PROJECT, asObserved(alice))]).changes[0]!.update).toHaveLength(1);
  });

  it('removes managed bindings nothing asks for any more, on targets with no grant left', () => {
    const result = plan([], [stateOf(PROJECT, asObserved(alice), asObserved(bob))]);

    expect(result.changes[0]!.remove.map((b) => b.id)).toEqual(['gg1', 'gg2']);
    expect(planTotals(result)).toMatchObject({ add: 0, update: 0, remove: 2, targets: 1 });
  });

  it('never counts an inert binding (written, but giving no access) as present: a grant it matches is added, the rest removed', () => {
    const result = plan([alice], [stateOf(PROJECT, { ...asObserved(alice), inert: true }, { ...asObserved(bob), inert: true })]);

    const [change] = result.changes;
    expect(change!.add).toEqual([alice]);
    // The matching inert copy is written over by the add, not removed beside it.
    expect(change!.remove.map((b) => b.id)).toEqual(['gg2']);
    expect(change!.kept).toBe(0);
  });

  it('lists unmanaged bindings apart and never plans to change them, even when they match a desired binding', () => {
    const handMade = observed('user:alice@example.com', 'roles/viewer');
    const someoneElses = observed('user:carol@example.com', 'roles/owner', { label: 'break-glass by hand' });
    const result = plan([alice], [stateOf(PROJECT, someoneElses, handMade)]);

    const [change] = result.changes;
    expect(change!.unmanaged).toEqual([handMade, someoneElses]);
    expect(change!.add).toEqual([alice]);
    expect(change!.remove).toEqual([]);
    expect(change!.update).toEqual([]);
  });

  it('offline, plans every desired binding as an add and reads nothing', () => {
    const result = plan([alice, bob]);

    expect(result.online).toBe(false);
    expect(result.changes).toEqual([{ target: PROJECT, add: [alice, bob], update: [], remove: [], unmanaged: [], kept: 0 }]);
  });

  it('orders targets by key whatever order they come in, so the same input gives the same plan', () => {
    const other = gcpTarget('folders/1');
    const a = plan([alice], [stateOf(PROJECT), stateOf(other), stateOf(iamTarget())], [PROJECT, iamTarget(), other]);
    const b = plan([alice], [stateOf(iamTarget()), stateOf(PROJECT), stateOf(other)], [other, PROJECT, iamTarget()]);

    expect(a.changes.map((c) => targetKey(c.target))).toEqual([`aws:iam:${ACCOUNT}`, 'gcp:folders/1', 'gcp:projects/acme-prod']);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('reports GCP\'s limit of 20 conditional bindings of one role for one member', () => {
    const many = Array.from({ length: 21 }, (_, i) => desired(`gg${i}`, PROJECT, 'user:alice@example.com', 'roles/viewer', window, `grants/viewer/a${i}.yaml`));
    const result = plan(many, [stateOf(PROJECT)]);

    expect(result.diagnostics.map((d) => d.code)).toEqual(['GCP_CONDITIONAL_BINDING_LIMIT']);
    expect(result.diagnostics[0]!.summary).toContain('21 conditional bindings of roles/viewer');
  });

  it('reports GCP\'s 1,500 principals per policy, counting the unmanaged ones that stay', () => {
    const unmanaged = Array.from({ length: 1_500 }, (_, i) => observed(`user:p${i}@example.com`, 'roles/viewer'));
    const result = plan([alice], [stateOf(PROJECT, ...unmanaged)]);

    expect(result.diagnostics.map((d) => d.code)).toEqual(['GCP_POLICY_MEMBER_LIMIT']);
    expect(result.diagnostics[0]!.summary).toContain('1501 principals');
  });

  it('reports an IAM grant policy over 6,144 characters, even offline', () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/alice@example.com`;
    const many = Array.from({ length: 40 }, (_, i) =>
      desired(`gg${String(i).padStart(24, '0')}`, iamTarget(), user, `arn:aws:iam::${ACCOUNT}:role/SomeRatherLongRoleName${i}`, window, `grants/r${i}/alice.yaml`),
    );
    const result = plan(many, undefined, [iamTarget()]);

    expect(result.diagnostics.map((d) => d.code)).toEqual(['AWS_MANAGED_POLICY_TOO_LARGE']);
  });

  it('carries the desired state\'s own diagnostics through', () => {
    const problem = { severity: 'error' as const, code: 'IDENTITY_CENTER_USER_UNKNOWN', summary: 'x', file: 'grants/a/b.yaml' };
    const result = computePlan({ desired: { bindings: [], targets: [], diagnostics: [problem] }, limits: LIMITS, at: NOW });

    expect(result.diagnostics).toEqual([problem]);
  });

  it('removes the other members of a gitgrant binding that GCP merged or someone extended, keeping the desired one', () => {
    const carolCopy = observed('user:carol@example.com', 'roles/viewer', { id: 'gg1', window });
    const result = plan([alice], [stateOf(PROJECT, carolCopy, asObserved(alice))]);

    expect(result.changes[0]).toMatchObject({ add: [], update: [], remove: [carolCopy], kept: 1 });
  });

  it('removes every member of a gitgrant binding nothing asks for', () => {
    const bobCopy = observed('user:bob@example.com', 'roles/viewer', { id: 'gg1', window });
    const result = plan([], [stateOf(PROJECT, asObserved(alice), bobCopy)]);

    expect(result.changes[0]!.remove).toEqual([asObserved(alice), bobCopy]);
  });

  it('moves a binding whose principal changed (a new identity mapping) by adding it for the new one and removing the old', () => {
    const remapped = { ...alice, principal: 'user:alice@acme.example' };
    const result = plan([remapped], [stateOf(PROJECT, asObserved(alice))]);

    expect(result.changes[0]).toMatchObject({ add: [remapped], update: [], remove: [asObserved(alice)] });
  });

  it('refuses an Identity Center assignment of a permission set without gitgrant\'s marker, which it could never remove', () => {
    const target = identityCenterTarget();
    const heidi = desired(`${ACCOUNT}/ps-0000000000000001/user-heidi`, target, 'user-heidi', PERMISSION_SET_ARN, undefined, 'grants/ops/heidi.yaml');
    const unmarked = plan([heidi], [{ ...stateOf(target), managedPermissionSets: [] } as TargetState], [target]);
    const marked = plan([heidi], [{ ...stateOf(target), managedPermissionSets: [PERMISSION_SET_ARN] } as TargetState], [target]);

    expect(unmarked.diagnostics.map((d) => d.code)).toEqual(['AWS_PERMISSION_SET_NOT_MANAGED']);
    expect(unmarked.diagnostics[0]!.summary).toContain(PERMISSION_SET_ARN);
    expect(marked.diagnostics).toEqual([]);
  });
});
