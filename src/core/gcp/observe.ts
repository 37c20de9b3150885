/** Policy → the bindings the core sees. Pure. */
import type { ObservedBinding } from '../plan/types.js';
import { bindingIdFromTitle, parseWindowExpression } from './marker.js';
import { isConditional, type IamPolicy } from './policy.js';

/** The label of a binding without a condition (a condition's title is the label otherwise). */
export const UNCONDITIONAL_LABEL = '(no condition)';

/** One observed binding per member per role binding; managed iff the condition title carries gitgrant's marker. */
export function observeBindings(policy: IamPolicy): ObservedBinding[] {
  return (policy.bindings ?? []).flatMap((binding) => {
    const conditional = isConditional(binding);
    const id = conditional ? bindingIdFromTitle(binding.condition?.title) : undefined;
    const window = conditional ? parseWindowExpression(binding.condition?.expression) : undefined;
    const label = conditional ? binding.condition?.title || binding.condition?.expression || '' : UNCONDITIONAL_LABEL;
    return (binding.members ?? []).map((principal) => ({
      ...(id === undefined ? {} : { id }),
      managed: id !== undefined,
      principal,
      permission: binding.role ?? '',
      ...(window ? { window } : {}),
      label,
    }));
  });
}
