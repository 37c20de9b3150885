/**
 * The "modify" of read-modify-write: a policy's bindings plus a change → the bindings to write.
 * Pure and idempotent: applying a change to its own result gives the same bindings. Bindings
 * without gitgrant's marker are passed through as the same objects, never rebuilt.
 */
import type { DesiredBinding, ObservedBinding, TargetChange } from '../plan/types.js';
import { bindingIdFromTitle, conditionDescription, conditionTitle, windowExpression } from './marker.js';
import { isConditional, type IamBinding } from './policy.js';

export function managedBinding(desired: DesiredBinding): IamBinding {
  if (!desired.window) {
    // The marker lives in the condition, and the condition is what ends access on time.
    throw new Error(`gitgrant binding ${desired.id} has no window; a GCP binding must carry its expiry (planner bug)`);
  }
  return {
    role: desired.permission,
    members: [desired.principal],
    condition: {
      expression: windowExpression(desired.window),
      title: conditionTitle(desired.id),
      description: conditionDescription(desired.grants, desired.window),
    },
  };
}

export function rewriteBindings(bindings: readonly IamBinding[], change: TargetChange): IamBinding[] {
  const wanted = new Map<string, IamBinding>();
  for (const desired of [...change.add, ...change.update.map((u) => u.to)]) wanted.set(desired.id, managedBinding(desired));
  const removals = [...change.remove, ...change.update.map((u) => u.from)];

  const placed = new Set<string>();
  const next = bindings.flatMap((binding): IamBinding[] => {
    const id = managedId(binding);
    if (id === undefined) return [binding];
    const replacement = wanted.get(id);
    if (replacement) {
      // Replace in place so re-applying a change does not reorder the policy.
      if (placed.has(id)) return [];
      placed.add(id);
      return [replacement];
    }
    return withoutRemovedMembers(binding, id, removals);
  });
  for (const [id, binding] of wanted) if (!placed.has(id)) next.push(binding);
  return next;
}

/** Whether two binding lists mean the same policy (defaulted empty fields ignored, order kept). */
export function sameBindings(a: readonly IamBinding[], b: readonly IamBinding[]): boolean {
  return a.length === b.length && a.every((binding, i) => canonical(binding) === canonical(b[i]!));
}

function managedId(binding: IamBinding): string | undefined {
  return isConditional(binding) ? bindingIdFromTitle(binding.condition?.title) : undefined;
}

/** Removes exactly the removed members; a removal that is already gone changes nothing. */
function withoutRemovedMembers(binding: IamBinding, id: string, removals: readonly ObservedBinding[]): IamBinding[] {
  const gone = removals.filter((r) => r.id === id && r.permission === binding.role).map((r) => r.principal);
  if (gone.length === 0) return [binding];
  const members = (binding.members ?? []).filter((member) => !gone.includes(member));
  return members.length === 0 ? [] : [{ ...binding, members }];
}

function canonical(binding: IamBinding): string {
  const c = binding.condition;
  const condition = isConditional(binding) ? [c?.expression ?? '', c?.title ?? '', c?.description ?? '', c?.location ?? ''] : null;
  return JSON.stringify([binding.role ?? '', binding.members ?? [], condition]);
}
