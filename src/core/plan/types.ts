/**
 * The plan is plain data: JSON-serialisable, deterministically sorted, rendered by separate code.
 * Apply takes a plan and never recomputes it.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { GrantId, Instant } from '../model/types.js';

export type ProviderName = 'aws' | 'gcp';

/** The window the cloud enforces. Absent where the cloud cannot carry a deadline (Identity Center). */
export interface Window {
  starts?: Instant;
  expires: Instant;
}

/**
 * A place where bindings live and are read and written as a unit:
 * - gcp: one resource's IAM policy (`projects/x`, `folders/n`, `organizations/n`);
 * - aws iam: one account's gitgrant-owned policies;
 * - aws identity-center: one instance's assignments in one account.
 */
export type TargetRef =
  | { provider: 'gcp'; resource: string }
  | { provider: 'aws'; strategy: 'iam'; account: string }
  | { provider: 'aws'; strategy: 'identity-center'; account: string; instanceArn: string };

/** Stable string form of a TargetRef, used as a map key and in output. */
export function targetKey(target: TargetRef): string {
  if (target.provider === 'gcp') return `gcp:${target.resource}`;
  if (target.strategy === 'iam') return `aws:iam:${target.account}`;
  return `aws:identity-center:${target.account}:${target.instanceArn}`;
}

/** A binding that should exist, and the grants that justify it. */
export interface DesiredBinding {
  /**
   * Stable identity of the binding, written into the cloud as gitgrant's marker where the cloud has
   * a place for it (GCP condition title, AWS statement Sid). Equal ids are the same binding.
   */
  id: string;
  target: TargetRef;
  /** The cloud principal: `user:alice@example.com`, an IAM user ARN, an Identity Store user id. */
  principal: string;
  /** What is given: a GCP role, an AWS role ARN to assume, a permission set ARN. */
  permission: string;
  window?: Window;
  /** Sorted. More than one where overlapping grants share a binding (Identity Center). */
  grants: GrantId[];
}

/** A binding read from the cloud. */
export interface ObservedBinding {
  /** gitgrant's binding id when the binding carries gitgrant's marker; absent for unmanaged ones. */
  id?: string;
  managed: boolean;
  principal: string;
  permission: string;
  window?: Window;
  /** Human description as the cloud has it (condition title, statement Sid), for output. */
  label: string;
  /**
   * Written by gitgrant but giving no access: an AWS iam grant policy that is not attached to its
   * user (a failed or interrupted apply, a hand detach, a user deleted since). Never counted as a
   * binding that exists: a grant it matches is added again, and one no grant stands for is removed.
   */
  inert?: boolean;
}

/**
 * What a provider read from a target, handed back to the same provider by apply so it can write
 * on the state the plan was computed from instead of reading it again (GCP: the policy with its
 * etag). Opaque to the core and JSON-serialisable. A provider must be correct without it and must
 * find out when the target changed since (GCP: the etag turns a stale write into a 409).
 */
export type ReadBasis = unknown;

export interface TargetState {
  target: TargetRef;
  bindings: ObservedBinding[];
  basis?: ReadBasis;
}

export interface BindingUpdate {
  from: ObservedBinding;
  to: DesiredBinding;
}

/** Everything to do on one target, applied by one provider call sequence. */
export interface TargetChange {
  target: TargetRef;
  add: DesiredBinding[];
  update: BindingUpdate[];
  remove: ObservedBinding[];
  /** Bindings on this target that gitgrant did not make: reported, never touched. */
  unmanaged: ObservedBinding[];
  /** Managed bindings that stay as they are (set by the planner; used by the removal guard). */
  kept?: number;
  /**
   * Why the adds and updates of this target cannot be applied (a provider limit would be broken).
   * Its removals still go ahead: they only take access away.
   */
  blockedBy?: string[];
  /** The provider's read this change was planned from (see ReadBasis); absent offline. */
  basis?: ReadBasis;
}

export interface Plan {
  /** When the plan was computed (the `now` it was computed for). */
  at: Instant;
  /** Whether the cloud was read (`false` for `--offline`: adds are intended bindings only). */
  online: boolean;
  changes: TargetChange[];
  diagnostics: Diagnostic[];
  /** Targets that could not be read: left alone this run, so their changes are unknown, not none. */
  unread?: string[];
  /** Set when the run covers part of the targets (`--provider`, `--target`): which part, for people. */
  scope?: string;
}
