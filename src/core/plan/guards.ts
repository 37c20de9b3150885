/**
 * Guards checked before apply makes any change: a removal count above the limit (a broken checkout
 * must not wipe access) and removals of protected principals (the automation's own access).
 */
import { planTotals } from './diff.js';
import type { Plan } from './types.js';

export type RemovalLimit = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

export function parseRemovalLimit(text: string): RemovalLimit | undefined {
  const percent = /^(\d{1,3})%$/.exec(text);
  if (percent) return Number(percent[1]) <= 100 ? { kind: 'percent', value: Number(percent[1]) } : undefined;
  return /^\d{1,7}$/.test(text) ? { kind: 'count', value: Number(text) } : undefined;
}

export function guardViolations(plan: Plan, limit: RemovalLimit | undefined, protectedPrincipals: readonly string[]): string[] {
  const problems: string[] = [];
  const { remove } = planTotals(plan);
  if (limit) {
    // Managed bindings seen in the cloud: the ones the plan keeps, changes or removes.
    const managed = plan.changes.reduce((n, c) => n + c.remove.length + c.update.length + (c.kept ?? 0), 0);
    const allowed = limit.kind === 'count' ? limit.value : Math.floor((managed * limit.value) / 100);
    if (remove > allowed) {
      const of = limit.kind === 'count' ? '' : ` (${limit.value}% of ${managed} managed bindings)`;
      problems.push(`the plan removes ${remove} bindings, more than the limit of ${allowed}${of}`);
    }
  }
  const shielded = new Set(protectedPrincipals);
  for (const change of plan.changes) {
    for (const binding of change.remove) {
      if (shielded.has(binding.principal)) problems.push(`the plan removes ${binding.principal}'s ${binding.permission}, which is protected (policies: apply.protected)`);
    }
  }
  return problems;
}
