/**
 * Every target any version of any role has named, from git history. Reconcile reads them besides
 * the targets today's roles name: a target dropped from its role is never read by plain planning
 * again, and the bindings gitgrant made there (an Identity Center assignment carries no deadline)
 * would outlive every grant. History is the record, so nothing has to be kept anywhere else.
 */
import { readHistory } from '../adapters/git/history.js';
import { reconstruct } from '../core/audit/lifecycle.js';
import { targetRefOf } from '../core/plan/desired.js';
import { targetKey, type TargetRef } from '../core/plan/types.js';
import { compareText } from '../core/text/compare-text.js';

export async function targetsInHistory(root: string): Promise<TargetRef[]> {
  const seen = new Map<string, TargetRef>();
  for (const version of reconstruct(await readHistory(root)).roles) {
    for (const target of version.role?.targets ?? []) {
      const ref = targetRefOf(target);
      seen.set(targetKey(ref), ref);
    }
  }
  return [...seen.values()].sort((a, b) => compareText(targetKey(a), targetKey(b)));
}
