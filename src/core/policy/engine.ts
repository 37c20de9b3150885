/**
 * The policy engine: every rule over every grant in scope, plus the cross-file rules. Pure: the
 * repo and `now` are inputs, diagnostics are the output.
 */
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessRepo } from '../model/types.js';
import { createRuleContext, type EvaluationOptions } from './context.js';
import { durationWithinCaps } from './duration-rules.js';
import { compileRules, customRules } from './custom-rules.js';
import {
  breakGlassFields, endsInFuture, granteeIsNotProtected, granteeIsValidEmail, reasonIsMeaningful, roleExists, ticketSatisfiesPolicy, windowIsOrdered,
} from './grant-field-rules.js';
import { overlapRules } from './overlap-rules.js';

export function evaluatePolicy(repo: AccessRepo, options: EvaluationOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ctx = createRuleContext(repo, options, diagnostics);
  const { compiled, diagnostics: ruleDiagnostics } = compileRules(repo.policy);
  const ruleErrors: Diagnostic[] = [...ruleDiagnostics];
  for (const grant of repo.grants) {
    if (!ctx.inScope(grant)) continue;
    granteeIsValidEmail(ctx, grant);
    reasonIsMeaningful(ctx, grant);
    breakGlassFields(ctx, grant);
    if (!roleExists(ctx, grant)) continue;
    const role = repo.roles.get(grant.role)!;
    granteeIsNotProtected(ctx, grant, role);
    ticketSatisfiesPolicy(ctx, grant, role);
    if (!windowIsOrdered(ctx, grant) || !endsInFuture(ctx, grant)) continue;
    durationWithinCaps(ctx, grant, role);
    customRules(ctx, grant, role, compiled, ruleErrors);
  }
  overlapRules(ctx);
  return sortDiagnostics(dedupe([...diagnostics, ...ruleErrors]));
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.start?.line}:${d.start?.col}:${d.code}:${d.summary}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
