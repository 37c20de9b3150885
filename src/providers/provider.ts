/**
 * The one interface through which the core talks to a cloud. Functions that need only part of it
 * ask for that part (`BindingReader`, `ChangeApplier`).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DesiredBinding, ProviderName, TargetChange, TargetRef, TargetState } from '../plan/types.js';

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
