/** Loading the repo for commands that need it whole and valid enough to act on. */
import { sortDiagnostics, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { loadRepo, type LoadedRepo } from '../../adapters/fs/load-repo.js';
import type { Instant } from '../../core/model/types.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { evaluatePolicy } from '../../core/policy/engine.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { sectionFailures } from '../../core/model/policy.js';
import { CommandFailure } from '../../app/errors.js';

export function loadAndEvaluate(root: string, now: Instant): LoadedRepo & { findings: Diagnostic[] } {
  const loaded = loadRepo(root);
  const findings = sortDiagnostics([...loaded.diagnostics, ...evaluatePolicy(loaded.repo, { now })]);
  return { ...loaded, findings };
}

/** Whose trailers and evidence count: the policy's `automation` identity as main has it now (policies are owner-reviewed). */
export function automationOf(root: string): AutomationIdentity {
  return automationIdentity(loadRepo(root, (path) => path.startsWith('policies/')));
}

/**
 * The policy's `automation` identity; a CommandFailure with the load errors when its section did not
 * load. The default identity never stands in for a broken file: it decides whose commits are records.
 */
export function automationIdentity(loaded: LoadedRepo): AutomationIdentity {
  const failures = sectionFailures(loaded.repo.policy, loaded.diagnostics, 'automation');
  if (failures.length > 0) {
    throw new CommandFailure(`the automation section of the policy did not load: ${failures.map(formatDiagnostic).join('; ')}`, 'fix the policy file: until it loads, whose commits are the automation\'s records is unknown');
  }
  return loaded.repo.policy.automation;
}
