/**
 * GCP's documented allow-policy limits, checked before any call so a plan that cannot be applied
 * fails with a diagnostic instead of a 400 halfway through an apply. Pure.
 *
 * Source: "Quotas and limits", https://cloud.google.com/iam/quotas (Limits → Policies and bindings):
 * all principals (each occurrence, Google groups included) in all bindings of a policy: 1,500;
 * Google groups in all bindings of a policy: 250; role bindings with the same role and the same
 * principal but different condition expressions: 20. A total policy size limit is not documented
 * for allow policies (the 64 KB figure there is for custom roles), so none is checked.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DesiredBinding, TargetRef, TargetState } from '../plan/types.js';
import { UNCONDITIONAL_LABEL } from './observe.js';
import { compareText } from '../text/compare-text.js';

export const GCP_LIMITS = {
  principalsPerPolicy: 1_500,
  groupsPerPolicy: 250,
  conditionalBindingsPerRoleAndPrincipal: 20,
} as const;

interface Occurrence {
  principal: string;
  permission: string;
  conditional: boolean;
}

/**
 * `desired` is every binding gitgrant wants on the target; what will remain is the unmanaged
 * bindings as observed plus the desired ones (managed bindings not desired are removed).
 */
export function checkGcpLimits(target: TargetRef, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
  const resource = target.provider === 'gcp' ? target.resource : JSON.stringify(target);
  const occurrences: Occurrence[] = [
    ...(observed?.bindings ?? [])
      .filter((b) => !b.managed)
      .map((b) => ({ principal: b.principal, permission: b.permission, conditional: b.label !== UNCONDITIONAL_LABEL })),
    ...desired.map((b) => ({ principal: b.principal, permission: b.permission, conditional: true })),
  ];
  return [
    ...desired.filter((b) => !b.window).map((b) => withoutWindow(resource, b)),
    ...principalCount(resource, occurrences),
    ...groupCount(resource, occurrences),
    ...conditionalBindingCounts(resource, occurrences),
  ];
}

function withoutWindow(resource: string, binding: DesiredBinding): Diagnostic {
  return {
    severity: 'error',
    code: 'GCP_BINDING_WITHOUT_WINDOW',
    summary: `${resource}: binding ${binding.id} for ${binding.principal} has no expiry; gitgrant writes GCP bindings only with a condition that ends them`,
  };
}

function principalCount(resource: string, occurrences: readonly Occurrence[]): Diagnostic[] {
  const count = occurrences.length;
  if (count <= GCP_LIMITS.principalsPerPolicy) return [];
  return [
    {
      severity: 'error',
      code: 'GCP_POLICY_MEMBER_LIMIT',
      summary: `${resource}: the allow policy would hold ${count} principals; GCP allows at most ${GCP_LIMITS.principalsPerPolicy} per policy`,
      hint: 'Grant to a Google group instead of many individuals, or move some grants to a narrower resource.',
    },
  ];
}

function groupCount(resource: string, occurrences: readonly Occurrence[]): Diagnostic[] {
  const count = occurrences.filter((o) => o.principal.startsWith('group:')).length;
  if (count <= GCP_LIMITS.groupsPerPolicy) return [];
  return [
    {
      severity: 'error',
      code: 'GCP_POLICY_GROUP_LIMIT',
      summary: `${resource}: the allow policy would hold ${count} Google groups; GCP allows at most ${GCP_LIMITS.groupsPerPolicy} per policy`,
    },
  ];
}

function conditionalBindingCounts(resource: string, occurrences: readonly Occurrence[]): Diagnostic[] {
  const counts = new Map<string, { permission: string; principal: string; count: number }>();
  for (const o of occurrences.filter((x) => x.conditional)) {
    const key = JSON.stringify([o.permission, o.principal]);
    const entry = counts.get(key) ?? { permission: o.permission, principal: o.principal, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .filter((e) => e.count > GCP_LIMITS.conditionalBindingsPerRoleAndPrincipal)
    .sort((a, b) => compareText(a.permission, b.permission) || compareText(a.principal, b.principal))
    .map((e) => ({
      severity: 'error' as const,
      code: 'GCP_CONDITIONAL_BINDING_LIMIT',
      summary: `${resource}: ${e.principal} would have ${e.count} conditional bindings of ${e.permission}; GCP allows at most ${GCP_LIMITS.conditionalBindingsPerRoleAndPrincipal} for the same role and principal`,
      hint: 'Overlapping grants of the same role to the same person each make a binding; let earlier ones expire or merge them.',
    }));
}
