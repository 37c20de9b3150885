/**
 * Apply: executes a plan, target by target with bounded concurrency, collecting every failure
 * instead of stopping at the first. It never recomputes the plan; the next run converges.
 */
import pLimit from 'p-limit';
import type { ChangeApplier } from './provider.js';
import { changeCount } from './diff.js';
import { targetKey, type Plan, type ProviderName, type TargetChange } from './types.js';
import { compareText } from '../text/compare-text.js';

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
        // A target over a provider limit gets only its removals; the rest is reported as failed.
        const effective = change.blockedBy ? { ...change, add: [], update: [] } : change;
        const changes = changeCount(effective);
        const blocked = change.blockedBy && `adds and changes not applied: ${change.blockedBy.join('; ')}`;
        try {
          if (changes > 0) {
            options.onProgress?.({ target, status: 'start', changes });
            await appliers[change.target.provider].apply(effective);
            applied.push(target);
            options.onProgress?.({ target, status: 'done', changes });
          }
          if (blocked) {
            failures.push({ target, cause: blocked });
            options.onProgress?.({ target, status: 'failed', changes: changeCount(change) - changes, cause: blocked });
          }
        } catch (error) {
          const cause = error instanceof Error ? error.message : String(error);
          failures.push({ target, cause: blocked ? `${cause}; ${blocked}` : cause });
          options.onProgress?.({ target, status: 'failed', changes, cause });
        }
      }),
    ),
  );
  applied.sort();
  failures.sort((a, b) => compareText(a.target, b.target));
  return { applied, failures };
}
