/**
 * The one interface through which the core talks to a cloud. Functions that need only part of it
 * ask for that part (`BindingReader`, `ChangeApplier`).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessRepo, Instant } from '../model/types.js';
import type { IdentityCenterDirectory } from './desired.js';
import type { IdentityConfig } from '../model/policy-sections.js';
import type { DesiredBinding, ProviderName, TargetChange, TargetRef, TargetState } from './types.js';

export interface BindingReader {
  /** Reads every binding on the target, marking the ones gitgrant owns. */
  read(target: TargetRef): Promise<TargetState>;
}

export interface ChangeApplier {
  /**
   * Applies all changes for one target. Implementations must be idempotent (re-applying an applied
   * change is a no-op), treat "already gone" on removal as done, and never touch unmanaged bindings.
   */
  apply(change: TargetChange): Promise<void>;
}

export interface LimitChecker {
  /** Pure: the provider's documented size and count limits, checked before any call is made. */
  checkLimits(target: TargetRef, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[];
}

export interface Provider extends BindingReader, ChangeApplier, LimitChecker {
  readonly name: ProviderName;
}

/**
 * The clouds as a plan sees them: reads and the pure limit checks, never a write. `plan` and every
 * dry run get only this, so no path of theirs can change access (peribolos enforces dry-run in its
 * client for the same reason).
 */
export interface CloudReader {
  readonly readers: Readonly<Record<ProviderName, BindingReader>>;
  readonly limits: Readonly<Record<ProviderName, LimitChecker>>;
  /** Identity Store user ids for the Identity Center targets of the repo's active grants. */
  identityCenterUsers(repo: AccessRepo, identities: IdentityConfig, now: Instant): Promise<IdentityCenterDirectory>;
  close(): Promise<void>;
}

/** The clouds as apply sees them: a reader that can also write. Only `apply` and `break-glass` open one. */
export interface CloudApplier extends CloudReader {
  readonly appliers: Readonly<Record<ProviderName, ChangeApplier>>;
}
