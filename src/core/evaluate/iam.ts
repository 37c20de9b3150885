/**
 * IAM policy evaluation with @cloud-copilot/iam-simulate: policies and a request in, a decision
 * and the statements that decided it out. Pure (no calls to AWS; the library validates actions
 * and context keys against its bundled IAM reference data, which is why it is asynchronous).
 *
 * Used to decide "does a path remain": `strict` evaluates exactly the request given; `discovery`
 * treats condition keys the request does not give as possibly satisfied, so a hand-made policy
 * that allows a call under some condition nobody can check here still counts as a path.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../aws/policy-document.js';

export type IamDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface NamedPolicy {
  /** Where the policy is, for people: `alice (inline) legacy`, `policy/gitgrant/gitgrant-alice`. */
  name: string;
  document: PolicyDocument | Record<string, unknown>;
}

export interface IamRequest {
  /** The caller: a user, role or `arn:aws:sts::<account>:assumed-role/<role>/<session>` ARN. */
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource. */
  account: string;
  context: Record<string, string | string[]>;
}

export interface IamEvaluationInput {
  request: IamRequest;
  identityPolicies: readonly NamedPolicy[];
  /** The resource's policy (a role's trust policy for sts:AssumeRole). */
  resourcePolicy?: PolicyDocument | Record<string, unknown>;
  /** How to name the resource policy in the answer. Default `(resource policy)`. */
  resourcePolicyName?: string;
  mode?: 'strict' | 'discovery';
}

/** A statement that took part in the decision. */
export interface DecidingStatement {
  policy: string;
  effect: 'Allow' | 'Deny';
  /** The Sid, or `#n` (1-based position) when it has none. */
  statement: string;
  /** Condition keys discovery mode could not check and assumed satisfied. */
  assumed?: string[];
}

export interface IamEvaluation {
  decision: IamDecision;
  /** Deny statements when denied explicitly, else the Allow statements that matched. */
  decidedBy: DecidingStatement[];
  /** Set when the evaluator refused the input (an invalid policy or request): not a decision. */
  error?: string;
}

interface AnalysedStatement {
  policyId?: string;
  statement?: { Sid?: string } | { sid?: () => string | undefined; index?: () => number };
  explain?: { identifier?: string; effect?: string };
  ignoredConditions?: { key?: string }[];
}

function describe(s: AnalysedStatement, effect: 'Allow' | 'Deny', policyName?: string): DecidingStatement {
  const raw = s.statement as { Sid?: string } | undefined;
  const identifier = raw?.Sid ?? s.explain?.identifier ?? '';
  const assumed = [...new Set((s.ignoredConditions ?? []).map((c) => c.key ?? '').filter(Boolean))].sort();
  return {
    policy: policyName ?? s.policyId ?? '(resource policy)',
    effect,
    statement: /^\d+$/.test(identifier) ? `#${identifier}` : identifier || '(unnamed)',
    ...(assumed.length > 0 ? { assumed } : {}),
  };
}

export async function evaluateIam(input: IamEvaluationInput): Promise<IamEvaluation> {
  const simulation: Simulation = {
    request: {
      principal: input.request.principal,
      action: input.request.action,
      resource: { resource: input.request.resource, accountId: input.request.account },
      contextVariables: input.request.context,
    },
    identityPolicies: input.identityPolicies.map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(input.resourcePolicy ? { resourcePolicy: input.resourcePolicy } : {}),
  };
  // In discovery mode the keys the request gives (the time, above all) are facts, the rest unknown.
  const known = Object.keys(input.request.context).map((keyName) => ({ keyName, presenceIsKnown: true as const, valueIsKnown: true as const }));
  const result = await runSimulation(simulation, input.mode === 'discovery' ? { simulationMode: 'Discovery', discoveryContextKeyConstraints: known } : { simulationMode: 'Strict' });
  if (result.resultType === 'error') {
    // Fail closed: a policy the evaluator cannot read proves nothing.
    return { decision: 'Allowed', decidedBy: [], error: result.errors.message };
  }
  const analyses = result.resultType === 'single' ? [result.result.analysis] : result.results.map((r) => r.analysis);
  const decision = result.overallResult as IamDecision;
  const decidedBy: DecidingStatement[] = [];
  for (const analysis of analyses) {
    type Part = { result?: string; allowStatements?: AnalysedStatement[]; denyStatements?: AnalysedStatement[] } | undefined;
    const resource = analysis.resourceAnalysis as Part;
    // A trust policy that only defers to the account (`AllowedForAccount`) decided nothing by itself.
    const resourceDecided = resource?.result === 'Allowed' || resource?.result === 'ExplicitlyDenied';
    const parts: [Part, string | undefined][] = [[analysis.identityAnalysis as Part, undefined], [resourceDecided ? resource : undefined, input.resourcePolicyName ?? '(resource policy)']];
    for (const [part, name] of parts) {
      if (!part) continue;
      if (decision === 'ExplicitlyDenied') decidedBy.push(...(part.denyStatements ?? []).map((s) => describe(s, 'Deny', name)));
      if (decision === 'Allowed') decidedBy.push(...(part.allowStatements ?? []).map((s) => describe(s, 'Allow', name)));
    }
  }
  const seen = new Set<string>();
  const unique = decidedBy.filter((d) => {
    const key = `${d.policy}\n${d.statement}\n${d.effect}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { decision, decidedBy: unique };
}

export function describeEvaluation(evaluation: IamEvaluation): string {
  if (evaluation.error) return `not evaluable (${evaluation.error}); counted as allowed`;
  if (evaluation.decidedBy.length === 0) return evaluation.decision === 'ImplicitlyDenied' ? 'ImplicitlyDenied (no statement allows it)' : evaluation.decision;
  const by = evaluation.decidedBy.map((d) => `${d.policy}:${d.statement}${d.assumed ? ` (if ${d.assumed.join(', ')})` : ''}`);
  return `${evaluation.decision} by ${by.join(', ')}`;
}
