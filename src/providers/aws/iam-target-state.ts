/**
 * What the iam strategy reads beyond bindings: how many managed policies each principal already has
 * attached, which the attachment quota needs. A TargetState with one extra JSON-safe field.
 */
import type { TargetState } from '../../plan/types.js';

export interface IamTargetState extends TargetState {
  /** Principal (user ARN) → managed policies attached to it, gitgrant's own included. */
  attachedPolicyCounts: Record<string, number>;
  /** Principals whose gitgrant policy exists and is attached. */
  grantPolicyAttached: string[];
}

export function isIamTargetState(state: TargetState | undefined): state is IamTargetState {
  return state !== undefined && 'attachedPolicyCounts' in state;
}
