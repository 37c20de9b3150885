/**
 * Every hand-made path to a gitgrant target role in an AWS account, pure: any user, group or role
 * whose own policies let it call sts:AssumeRole on the role, and any principal other than the
 * account itself that the role's trust policy lets assume it. "Lets" is decided by the IAM
 * evaluator, not by reading statements: in discovery mode, so a condition nobody can check here
 * (a source IP, an MFA flag) counts as satisfiable, and at `now`, so a hand-made grant that has
 * itself expired does not. gitgrant's own grant policies are left out: those are its bindings.
 * Reported, never removed.
 */
import type { Instant } from '../model/types.js';
import { formatInstant } from '../model/instant.js';
import { describeEvaluation, evaluateIam } from '../evaluate/iam.js';
import { parseIamArn } from '../aws/arn.js';
import type { IamAuthorization, IamPrincipalPolicies } from '../aws/iam-authorization-model.js';
import { asList, type PolicyStatement } from '../aws/policy-document.js';
import { compareText } from '../text/compare-text.js';

export interface HandMadePath {
  /** `identity-policy`: the principal's policies allow it; `trust-policy`: the role's trust policy names the principal. */
  kind: 'identity-policy' | 'trust-policy';
  /** The target role's ARN. */
  role: string;
  /** Who has the path: a user, group or role ARN, or the trust policy's principal as written. */
  principal: string;
  /** The policies that open it. */
  via: string;
  /** The evaluator's answer, for people. */
  evaluation: string;
}

const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'] as const;

function roleName(arn: string): string {
  return parseIamArn(arn)?.name ?? arn;
}

/** The principal a group's members act as: any member will do, the policies are the group's. */
function requestPrincipal(principal: IamPrincipalPolicies, account: string): string {
  return principal.kind === 'group' ? `arn:aws:iam::${account}:user/member-of-${principal.name}` : principal.arn;
}

export async function awsHandMadePaths(authorization: IamAuthorization, targetRoles: readonly string[], now: Instant): Promise<HandMadePath[]> {
  const { account } = authorization;
  const paths: HandMadePath[] = [];
  const context = { 'aws:CurrentTime': formatInstant(now) };
  for (const role of targetRoles) {
    for (const principal of authorization.principals) {
      const policies = principal.policies.filter((p) => !p.gitgrant);
      if (policies.length === 0) continue;
      const evaluation = await evaluateIam({
        request: { principal: requestPrincipal(principal, account), action: 'sts:AssumeRole', resource: role, account, context },
        identityPolicies: policies.map((p) => ({ name: p.name, document: p.document })),
        mode: 'discovery',
      });
      if (evaluation.decision !== 'Allowed') continue;
      paths.push({
        kind: 'identity-policy', role, principal: principal.arn,
        via: [...new Set(evaluation.decidedBy.map((d) => d.policy))].join(', ') || policies.map((p) => p.name).join(', '),
        evaluation: describeEvaluation(evaluation),
      });
    }
    const target = authorization.principals.find((p) => p.kind === 'role' && (p.arn === role || p.name === roleName(role)));
    if (target?.trust) paths.push(...(await trustPaths(target, role, account, now)));
  }
  return paths.sort((a, b) => compareText(`${a.role}\n${a.kind}\n${a.principal}`, `${b.role}\n${b.kind}\n${b.principal}`));
}

/** The principals a trust statement names, as the request principal the evaluator can model. */
function namedPrincipals(statement: PolicyStatement & { Principal?: unknown; NotPrincipal?: unknown }): { written: string; caller?: string }[] {
  if (statement.NotPrincipal !== undefined) return [{ written: `everyone but ${JSON.stringify(statement.NotPrincipal)}` }];
  const principal = statement.Principal;
  if (principal === '*') return [{ written: '*', caller: 'arn:aws:iam::999999999999:user/anyone' }];
  if (typeof principal !== 'object' || principal === null) return [];
  const named: { written: string; caller?: string }[] = [];
  for (const [kind, value] of Object.entries(principal as Record<string, string | string[]>)) {
    for (const entry of asList(value)) {
      if (kind !== 'AWS') {
        named.push({ written: `${kind}:${entry}` });
        continue;
      }
      if (/^\d{12}$/.test(entry)) named.push({ written: entry, caller: `arn:aws:iam::${entry}:user/anyone` });
      else if (entry === '*') named.push({ written: '*', caller: 'arn:aws:iam::999999999999:user/anyone' });
      else {
        const arn = parseIamArn(entry);
        named.push({ written: entry, caller: arn?.name === 'root' || /:root$/.test(entry) ? `arn:aws:iam::${entry.split(':')[4]}:user/anyone` : entry });
      }
    }
  }
  return named;
}

function isOwnAccount(written: string, account: string): boolean {
  return written === account || written === `arn:aws:iam::${account}:root`;
}

async function trustPaths(target: IamPrincipalPolicies, role: string, account: string, now: Instant): Promise<HandMadePath[]> {
  const paths: HandMadePath[] = [];
  const statements = (target.trust?.Statement ?? []) as (PolicyStatement & { Principal?: unknown; NotPrincipal?: unknown })[];
  for (const [index, statement] of statements.entries()) {
    if (statement.Effect !== 'Allow') continue;
    const actions = ASSUME_ACTIONS.filter((a) => asList(statement.Action).some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(a)));
    const label = `${roleName(role)} trust policy:${statement.Sid ?? `#${index + 1}`}`;
    for (const named of namedPrincipals(statement)) {
      // The account itself: its users and roles still need an identity policy, which is checked above.
      if (isOwnAccount(named.written, account)) continue;
      if (!named.caller || actions.length === 0) {
        // A service, a federation or NotPrincipal: the evaluator cannot play that caller, so it counts (fail closed).
        paths.push({ kind: 'trust-policy', role, principal: named.written, via: label, evaluation: 'not evaluated (no caller to model); counted as a path' });
        continue;
      }
      // Another account's caller also needs its own account's allow, which gitgrant cannot see: assume it has one.
      const foreign = parseIamArn(named.caller)?.account !== account;
      const evaluation = await evaluateIam({
        request: { principal: named.caller, action: 'sts:AssumeRole', resource: role, account, context: { 'aws:CurrentTime': formatInstant(now) } },
        identityPolicies: foreign ? [{ name: '(its own account\'s policies, assumed to allow)', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role }] } }] : [],
        resourcePolicy: { Version: '2012-10-17', Statement: [statement] },
        resourcePolicyName: `${roleName(role)} trust policy`,
        mode: 'discovery',
      });
      if (evaluation.decision !== 'Allowed') continue;
      paths.push({ kind: 'trust-policy', role, principal: named.written, via: label, evaluation: describeEvaluation(evaluation) });
    }
  }
  return paths;
}
