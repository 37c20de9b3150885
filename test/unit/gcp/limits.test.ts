import { describe, expect, it } from 'vitest';
import type { ObservedBinding, TargetState } from '../../../src/core/plan/types.js';
import { checkGcpLimits, GCP_LIMITS } from '../../../src/core/gcp/limits.js';
import { UNCONDITIONAL_LABEL } from '../../../src/core/gcp/observe.js';
import { aGcpBinding, gcpTarget } from '../../support/builders/gcp.js';

const unmanaged = (count: number, prefix = 'user'): ObservedBinding[] =>
  Array.from({ length: count }, (_, i) => ({ managed: false, principal: `${prefix}:p${i}@example.com`, permission: 'roles/viewer', label: UNCONDITIONAL_LABEL }));

const state = (bindings: ObservedBinding[]): TargetState => ({ target: gcpTarget(), bindings });
const codes = (diagnostics: { code: string }[]) => diagnostics.map((d) => d.code);

describe('GCP policy limits', () => {
  it('accepts a policy that reaches exactly 1,500 principals', () => {
    const desired = [aGcpBinding().build()];
    expect(checkGcpLimits(gcpTarget(), desired, state(unmanaged(GCP_LIMITS.principalsPerPolicy - 1)))).toEqual([]);
  });

  it('rejects the add that would make 1,501 principals, counting what remains plus the adds', () => {
    const desired = [aGcpBinding().build(), aGcpBinding().for('user:bob@example.com').build()];
    const diagnostics = checkGcpLimits(gcpTarget(), desired, state(unmanaged(GCP_LIMITS.principalsPerPolicy - 1)));
    expect(codes(diagnostics)).toEqual(['GCP_POLICY_MEMBER_LIMIT']);
    expect(diagnostics[0]!.summary).toContain('1501 principals');
  });

  it('does not count managed bindings that are no longer desired, since they will be removed', () => {
    const leaving = Array.from({ length: 10 }, (_, i) => aGcpBinding().for(`user:old${i}@example.com`).observed());
    const observed = state([...unmanaged(GCP_LIMITS.principalsPerPolicy - 1), ...leaving]);
    expect(checkGcpLimits(gcpTarget(), [aGcpBinding().build()], observed)).toEqual([]);
  });

  it('rejects more than 250 Google groups', () => {
    expect(codes(checkGcpLimits(gcpTarget(), [], state(unmanaged(GCP_LIMITS.groupsPerPolicy + 1, 'group'))))).toEqual(['GCP_POLICY_GROUP_LIMIT']);
  });

  it('rejects a 21st conditional binding of the same role for the same principal', () => {
    const desired = Array.from({ length: 21 }, (_, i) => aGcpBinding().withId(`b${i}`).build());
    const diagnostics = checkGcpLimits(gcpTarget(), desired, undefined);
    expect(codes(diagnostics)).toEqual(['GCP_CONDITIONAL_BINDING_LIMIT']);
    expect(diagnostics[0]!.summary).toContain('user:alice@example.com would have 21 conditional bindings of roles/cloudsql.viewer');
  });

  it('counts unmanaged conditional bindings toward that limit, but not unconditional ones', () => {
    const desired = Array.from({ length: 19 }, (_, i) => aGcpBinding().withId(`b${i}`).build());
    const conditional: ObservedBinding = { managed: false, principal: 'user:alice@example.com', permission: 'roles/cloudsql.viewer', label: 'someone else' };
    const unconditional: ObservedBinding = { ...conditional, label: UNCONDITIONAL_LABEL };
    expect(checkGcpLimits(gcpTarget(), desired, state([conditional, unconditional]))).toEqual([]);
    expect(codes(checkGcpLimits(gcpTarget(), desired, state([conditional, conditional])))).toEqual(['GCP_CONDITIONAL_BINDING_LIMIT']);
  });

  it('rejects a binding without a window, because the condition is what ends access', () => {
    expect(codes(checkGcpLimits(gcpTarget(), [aGcpBinding().withoutWindow().build()], undefined))).toEqual(['GCP_BINDING_WITHOUT_WINDOW']);
  });
});
