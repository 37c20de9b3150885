/** Loading the repo for commands that need it whole and valid enough to act on. */
import { sortDiagnostics, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { loadRepo, type LoadedRepo } from '../../adapters/fs/load-repo.js';
import type { Instant } from '../../core/model/types.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { evaluatePolicy } from '../../core/policy/engine.js';

export function loadAndEvaluate(root: string, now: Instant): LoadedRepo & { findings: Diagnostic[] } {
  const loaded = loadRepo(root);
  const findings = sortDiagnostics([...loaded.diagnostics, ...evaluatePolicy(loaded.repo, { now })]);
  return { ...loaded, findings };
}

/** Whose trailers and evidence count: the policy's `automation` identity as main has it now (policies are owner-reviewed). */
export function automationOf(root: string): AutomationIdentity {
  return loadRepo(root, (path) => path.startsWith('policies/')).repo.policy.automation;
}
