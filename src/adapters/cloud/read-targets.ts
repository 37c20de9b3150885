/** Reading targets through any reader, with bounded concurrency. No SDK: the readers bring their own. */
import pLimit from 'p-limit';
import { targetKey, type ProviderName, type TargetRef, type TargetState } from '../../core/plan/types.js';
import type { BindingReader } from '../../core/plan/provider.js';
import { compareText } from '../../core/text/compare-text.js';

export interface ReadResult {
  observed: Map<string, TargetState>;
  failures: { target: string; cause: string }[];
}

/** Reads every target once, with bounded concurrency; a failed read is recorded, not thrown. */
export async function readTargets(providers: Readonly<Record<ProviderName, BindingReader>>, targets: readonly TargetRef[], concurrency: number): Promise<ReadResult> {
  const limit = pLimit(concurrency);
  const observed = new Map<string, TargetState>();
  const failures: ReadResult['failures'] = [];
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        try {
          observed.set(targetKey(target), await providers[target.provider].read(target));
        } catch (error) {
          failures.push({ target: targetKey(target), cause: error instanceof Error ? error.message : String(error) });
        }
      }),
    ),
  );
  failures.sort((a, b) => compareText(a.target, b.target));
  return { observed, failures };
}
