/**
 * What an Identity Center read adds to a target's bindings, and gitgrant's marks on permission sets
 * and assignments. No SDK: the pure limit checks (limits.ts) use it, and an offline plan runs them.
 */
import type { TargetState } from '../plan/types.js';
import type { PolicyDocument } from './policy-document.js';

export const MANAGED_PERMISSION_SET_MARKER = 'gitgrant:managed=true';

export function isManagedPermissionSet(description: string | undefined): boolean {
  return (description ?? '').includes(MANAGED_PERMISSION_SET_MARKER);
}

/** The binding id gitgrant gives an assignment: the planner must use the same for desired ones. */
export function identityCenterBindingId(account: string, permissionSetArn: string, principalId: string): string {
  return `${account}/${permissionSetArn.split('/').at(-1)}/${principalId}`;
}

/** What the read adds to the bindings: the permission sets that carry gitgrant's marker. */
export interface IdentityCenterTargetState extends TargetState {
  managedPermissionSets: string[];
  /** Each managed set's inline policy as read (with gitgrant's session ends), for the size check. */
  inlinePolicies?: Record<string, PolicyDocument | null>;
  readAt?: number;
}

export function isIdentityCenterTargetState(state: TargetState | undefined): state is IdentityCenterTargetState {
  return state !== undefined && 'managedPermissionSets' in state;
}
