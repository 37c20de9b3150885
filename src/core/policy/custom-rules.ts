/**
 * Custom rules written by security as CEL expressions over `grant`, `role`, `request` and `now`.
 * CEL is not Turing complete and has no I/O, so a policy file cannot make validation hang or leak.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer } from '../model/source-map.js';
import type { CustomRule, Grant, Policy, Role } from '../model/types.js';
import type { RuleContext } from './context.js';
import { grantDuration } from './window.js';

type Compiled = { rule: CustomRule; index: number; evaluate: (vars: Record<string, unknown>) => unknown };

const environment = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50 } })
  .registerVariable('grant', 'map')
  .registerVariable('role', 'map')
  .registerVariable('request', 'map')
  .registerVariable('now', 'google.protobuf.Timestamp');

export function compileRules(policy: Policy): { compiled: Compiled[]; diagnostics: Diagnostic[] } {
  const compiled: Compiled[] = [];
  const diagnostics: Diagnostic[] = [];
  policy.rules.forEach((rule, index) => {
    try {
      const evaluate = environment.parse(rule.expression);
      compiled.push({ rule, index, evaluate: (vars) => evaluate(vars) });
    } catch (error) {
      diagnostics.push(policyProblem(policy, index, 'POLICY_RULE_INVALID', `rule \`${rule.id}\` does not compile: ${firstLine(error)}`, 'see https://github.com/google/cel-spec for the syntax'));
    }
  });
  return { compiled, diagnostics };
}

export function customRules(ctx: RuleContext, grant: Grant, role: Role, compiled: readonly Compiled[], ruleErrors: Diagnostic[]): void {
  if (compiled.length === 0) return;
  const vars = celVariables(ctx, grant, role);
  for (const { rule, index, evaluate } of compiled) {
    let outcome: unknown;
    try {
      outcome = evaluate(vars);
    } catch (error) {
      ruleErrors.push(policyProblem(ctx.repo.policy, index, 'POLICY_RULE_FAILED', `rule \`${rule.id}\` failed on ${grant.id}: ${firstLine(error)}`, 'guard optional fields with has(), e.g. has(grant.ticket)'));
      continue;
    }
    // A rule that yields a string or a number is a mistake in the rule, not a finding about the grant.
    if (typeof outcome !== 'boolean') {
      ruleErrors.push(policyProblem(ctx.repo.policy, index, 'POLICY_RULE_FAILED', `rule \`${rule.id}\` returned ${typeof outcome === 'object' ? 'a value' : typeof outcome} on ${grant.id}, not true or false`, 'make the expression a condition, e.g. grant.reason.size() > 20'));
      continue;
    }
    if (!outcome) {
      ctx.report(grant, [], { code: 'POLICY_RULE_VIOLATED', severity: rule.severity, summary: `[${rule.id}] ${rule.message}` });
    }
  }
}

export function celVariables(ctx: RuleContext, grant: Grant, role: Role): Record<string, unknown> {
  const now = ctx.options.now;
  const grantVars: Record<string, unknown> = {
    id: grant.id,
    role: grant.role,
    grantee: grant.grantee,
    reason: grant.reason,
    expires: new Date(grant.expires),
    durationHours: grantDuration(grant, now) / 3_600_000,
    breakGlass: grant.breakGlass,
    standing: grant.standing,
  };
  if (grant.ticket !== undefined) grantVars.ticket = grant.ticket;
  if (grant.starts !== undefined) grantVars.starts = new Date(grant.starts);
  if (grant.incident !== undefined) grantVars.incident = grant.incident;
  const roleVars = roleVariables(role);
  const request: Record<string, unknown> = { at: new Date(ctx.options.request?.at ?? now) };
  if (ctx.options.request?.author !== undefined) request.author = ctx.options.request.author;
  return { grant: grantVars, role: roleVars, request, now: new Date(now) };
}

/** A role's variables are the same for each of its grants (10,000 grants: built 500 times, not 10,000); CEL never changes them. */
const roleVariablesCache = new WeakMap<Role, Record<string, unknown>>();

function roleVariables(role: Role): Record<string, unknown> {
  let vars = roleVariablesCache.get(role);
  if (!vars) {
    vars = {
      name: role.name,
      production: role.production,
      exclusive: role.exclusive,
      owners: [...role.owners],
      providers: [...new Set(role.targets.map((t) => t.kind))].sort(),
    };
    if (role.permissionLevel !== undefined) vars.permissionLevel = role.permissionLevel;
    roleVariablesCache.set(role, vars);
  }
  return vars;
}

function policyProblem(policy: Policy, index: number, code: string, summary: string, hint: string): Diagnostic {
  const source = policy.sources.rules;
  const span = source ? locate(source, pointer(['rules', index, 'expression'])) : { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
  return { severity: 'error', code, summary, hint, file: source?.file ?? 'policies/', start: span.start, end: span.end };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
