/**
 * What the iam strategy reads beyond bindings: how many managed policies each principal already has
 * attached, which the attachment quota needs, and the basis apply writes on. A TargetState with
 * extra JSON-safe fields.
 */
import type { ReadBasis, TargetState } from '../../core/plan/types.js';
import type { RoleRead } from './iam-account-snapshot.js';
import type { PolicyDocument } from '../../core/aws/policy-document.js';

export interface IamTargetState extends TargetState {
  /** Principal (user ARN) → managed policies attached to it, gitgrant's own included. */
  attachedPolicyCounts: Record<string, number>;
  /** Principals whose gitgrant policy exists and is attached. */
  grantPolicyAttached: string[];
  /** Role ARN → its id, session-end policy and other inline policies' size (absent in plans made before session ends). */
  roles?: Record<string, RoleRead>;
  /** When the account was read: session ends older than the horizon are pruned from then. */
  readAt?: number;
  /** Every IAM user name in the account, sorted (absent in plans made before it was read): a grant to anyone else cannot take effect. */
  userNames?: string[];
}

export function isIamTargetState(state: TargetState | undefined): state is IamTargetState {
  return state !== undefined && 'attachedPolicyCounts' in state;
}

/** A gitgrant policy as the plan read it: its default version and document, and whether it is attached. */
export interface PlannedGrantPolicy {
  document: PolicyDocument;
  /** `v<n>`: IAM numbers a policy's versions from v1 up and never reuses a number. */
  defaultVersionId: string;
  /**
   * Its non-default versions, oldest first, when the read listed them: deleting the policy or
   * making room for a sixth version then needs no ListPolicyVersions. Absent after a GetPolicy
   * re-read, and in plans written before the read carried them.
   */
  olderVersionIds?: string[];
  attached: boolean;
}

/**
 * The basis of an iam target: every gitgrant policy in the account by user name. A user missing
 * from it had no gitgrant policy when the plan read the account.
 */
interface IamBasis {
  grantPolicies: Record<string, PlannedGrantPolicy>;
}

export function iamBasis(grantPolicies: Record<string, PlannedGrantPolicy>): ReadBasis {
  const basis: IamBasis = { grantPolicies };
  return basis;
}

/**
 * The planned state of one user's gitgrant policy: the policy, `null` when it did not exist, or
 * `undefined` when the basis is not an iam basis (apply must read).
 */
export function plannedGrantPolicy(basis: ReadBasis, userName: string): PlannedGrantPolicy | null | undefined {
  if (typeof basis !== 'object' || basis === null) return undefined;
  const { grantPolicies } = basis as Partial<IamBasis>;
  if (typeof grantPolicies !== 'object' || grantPolicies === null) return undefined;
  return Object.hasOwn(grantPolicies, userName) ? grantPolicies[userName]! : null;
}

/** The number of a `v<n>` version id, or undefined for an id IAM would not make. */
export function versionNumber(versionId: string): number | undefined {
  const number = /^v(\d+)$/.exec(versionId)?.[1];
  return number === undefined ? undefined : Number(number);
}

/** Version ids oldest first: IAM numbers a policy's versions upwards and never reuses a number. */
export function oldestFirst(versionIds: readonly string[]): string[] {
  return [...versionIds].sort((a, b) => (versionNumber(a) ?? 0) - (versionNumber(b) ?? 0));
}
