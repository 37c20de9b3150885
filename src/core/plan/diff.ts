/**
 * The plan: per target, the set difference between desired and observed managed bindings.
 * Pure and deterministic; unmanaged bindings are listed and never changed.
 */
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Instant } from '../model/types.js';
import type { LimitChecker } from './provider.js';
import type { DesiredState } from './desired.js';
import { targetKey, type DesiredBinding, type ObservedBinding, type Plan, type ProviderName, type TargetChange, type TargetState, type Window } from './types.js';
import { compareText } from '../text/compare-text.js';

export interface PlanInput {
  desired: DesiredState;
  /** Observed state per target key; absent for an offline plan (nothing read, adds only). */
  observed?: ReadonlyMap<string, TargetState>;
  limits: Readonly<Record<ProviderName, LimitChecker>>;
  at: Instant;
}

export function computePlan(input: PlanInput): Plan {
  const desiredByTarget = new Map<string, DesiredBinding[]>();
  for (const binding of input.desired.bindings) {
    const key = targetKey(binding.target);
    desiredByTarget.set(key, [...(desiredByTarget.get(key) ?? []), binding]);
  }
  const diagnostics = [...input.desired.diagnostics];
  const changes: TargetChange[] = [];
  const targets = [...input.desired.targets].sort((a, b) => compareText(targetKey(a), targetKey(b)));
  for (const target of targets) {
    const key = targetKey(target);
    const desired = desiredByTarget.get(key) ?? [];
    const observed = input.observed?.get(key);
    const limits = input.limits[target.provider].checkLimits(target, desired, observed);
    diagnostics.push(...limits);
    const change = diffTarget(target, desired, observed);
    const broken = limits.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.summary}`);
    if (broken.length > 0 && change.add.length + change.update.length > 0) change.blockedBy = broken;
    changes.push(change);
  }
  return { at: input.at, online: input.observed !== undefined, changes, diagnostics: sortDiagnostics(diagnostics) };
}

function diffTarget(target: TargetChange['target'], desired: readonly DesiredBinding[], observed: TargetState | undefined): TargetChange {
  // One id can be seen more than once: GCP merges bindings that share a role and condition into one
  // binding of several members, and a changed identity mapping moves a binding to a new principal.
  const observedManaged = new Map<string, ObservedBinding[]>();
  const unmanaged: ObservedBinding[] = [];
  for (const binding of observed?.bindings ?? []) {
    if (binding.managed && binding.id !== undefined) observedManaged.set(binding.id, [...(observedManaged.get(binding.id) ?? []), binding]);
    else unmanaged.push(binding);
  }
  const add: DesiredBinding[] = [];
  const update: TargetChange['update'] = [];
  const remove: ObservedBinding[] = [];
  const wanted = new Set<string>();
  for (const binding of desired) {
    wanted.add(binding.id);
    const seen = observedManaged.get(binding.id) ?? [];
    // Only the desired principal's copy is kept or changed; every other copy of the id is removed.
    // A copy that gives no access (inert) is not the binding: the add writes it again in its place.
    const current = seen.find((b) => b.principal === binding.principal && b.inert !== true);
    if (!current) add.push(binding);
    else if (!sameBinding(current, binding)) update.push({ from: current, to: binding });
    remove.push(...seen.filter((b) => b !== current && !(b.inert === true && b.principal === binding.principal)));
  }
  for (const [id, seen] of observedManaged) if (!wanted.has(id)) remove.push(...seen);
  const byLabel = (a: ObservedBinding, b: ObservedBinding) => compareText(`${a.principal}|${a.permission}|${a.label}`, `${b.principal}|${b.permission}|${b.label}`);
  return {
    target,
    add,
    update,
    remove: remove.sort((a, b) => compareText(a.id!, b.id!) || compareText(a.principal, b.principal)),
    unmanaged: unmanaged.sort(byLabel),
    kept: desired.length - add.length - update.length,
    ...(observed?.basis === undefined ? {} : { basis: observed.basis }),
  };
}

function sameBinding(observed: ObservedBinding, desired: DesiredBinding): boolean {
  return observed.principal === desired.principal && observed.permission === desired.permission && sameWindow(observed.window, desired.window);
}

function sameWindow(a: Window | undefined, b: Window | undefined): boolean {
  if (!a || !b) return a === b;
  return a.starts === b.starts && a.expires === b.expires;
}

export function changeCount(change: TargetChange): number {
  return change.add.length + change.update.length + change.remove.length;
}

export function planTotals(plan: Plan): { add: number; update: number; remove: number; unmanaged: number; targets: number } {
  const sum = (pick: (c: TargetChange) => number) => plan.changes.reduce((n, c) => n + pick(c), 0);
  return {
    add: sum((c) => c.add.length),
    update: sum((c) => c.update.length),
    remove: sum((c) => c.remove.length),
    unmanaged: sum((c) => c.unmanaged.length),
    targets: plan.changes.filter((c) => changeCount(c) > 0).length,
  };
}
