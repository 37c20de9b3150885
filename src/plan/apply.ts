/**
 * Apply: executes a plan, target by target with bounded concurrency, collecting every failure
 * instead of stopping at the first. It never recomputes the plan; the next run converges.
 */
import pLimit from 'p-limit';
import type { ChangeApplier } from '../providers/provider.js';
import { changeCount } from './diff.js';
import { targetKey, type Plan, type ProviderName, type TargetChange } from './types.js';

export interface ApplyProgress {
  target: string;
  status: 'start' | 'done' | 'failed';
  changes: number;
  cause?: string;
}

export interface ApplyFailure {
  target: string;
  cause: string;
}

export interface ApplyResult {
  applied: string[];
  failures: ApplyFailure[];
}

export async function applyPlan(
  plan: Plan,
  appliers: Readonly<Record<ProviderName, ChangeApplier>>,
  options: { concurrency: number; onProgress?: (event: ApplyProgress) => void },
): Promise<ApplyResult> {
  const limit = pLimit(options.concurrency);
  const applied: string[] = [];
  const failures: ApplyFailure[] = [];
  const work = plan.changes.filter((c) => changeCount(c) > 0);
  await Promise.all(
    work.map((change: TargetChange) =>
      limit(async () => {
        const target = targetKey(change.target);
        const changes = changeCount(change);
        options.onProgress?.({ target, status: 'start', changes });
        try {
          await appliers[change.target.provider].apply(change);
          applied.push(target);
          options.onProgress?.({ target, status: 'done', changes });
        } catch (error) {
          const cause = error instanceof Error ? error.message : String(error);
          failures.push({ target, cause });
          options.onProgress?.({ target, status: 'failed', changes, cause });
        }
      }),
    ),
  );
  applied.sort();
  failures.sort((a, b) => a.target.localeCompare(b.target));
  return { applied, failures };
}
