/**
 * gitgrant's one customer-managed policy per IAM user: one statement per binding, whose Sid is the
 * marker, allowing sts:AssumeRole on the binding's role inside its window. Pure.
 *
 * The window lives in `aws:CurrentTime` conditions so access ends on time even if no workflow runs
 * again (two layers of expiry). `sts:RoleSessionName` pins the session name to the grantee's user
 * name, so CloudTrail shows who used the role and a revocation can target exactly their sessions.
 * Only sts:AssumeRole is allowed: the session name is a request parameter, not a session tag, so
 * neither sts:TagSession nor sts:SetSourceIdentity is needed.
 */
import type { DesiredBinding, ObservedBinding, Window } from '../plan/types.js';
import { iamArn, parseIamArn } from './arn.js';
import { asList, type PolicyDocument, type PolicyStatement } from './policy-document.js';

export const GRANT_POLICY_PATH = '/gitgrant/';
const GRANT_POLICY_PREFIX = 'gitgrant-';

/** The statement Sid for a binding id: IAM allows only ASCII letters and digits in a Sid. */
export function statementSid(bindingId: string): string {
  return bindingId.replace(/[^A-Za-z0-9]/g, '');
}

/** User names and policy names share IAM's character set, so the name maps back to the user. */
export function grantPolicyName(userName: string): string {
  return `${GRANT_POLICY_PREFIX}${userName}`;
}

export function userNameOfGrantPolicy(policyName: string): string | undefined {
  return policyName.startsWith(GRANT_POLICY_PREFIX) ? policyName.slice(GRANT_POLICY_PREFIX.length) : undefined;
}

export function grantPolicyArn(userArn: string): string {
  const user = requireUserArn(userArn);
  return iamArn({ ...user, kind: 'policy', path: GRANT_POLICY_PATH, name: grantPolicyName(user.name) });
}

/** The session name a grantee must use when assuming a granted role: their IAM user name. */
export function sessionNameOf(userArn: string): string {
  return requireUserArn(userArn).name;
}

export function requireUserArn(arn: string) {
  const parsed = parseIamArn(arn);
  // The planner maps grantees to principals; a non-user ARN here is a bug upstream, not user input.
  if (!parsed || parsed.kind !== 'user') throw new Error(`expected an IAM user ARN as the principal, got "${arn}"`);
  return parsed;
}

/** IAM's date format; whole seconds are written without the fraction to keep documents readable. */
export function iamTime(instant: number): string {
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}

export function grantStatement(binding: Pick<DesiredBinding, 'id' | 'principal' | 'permission' | 'window'>): PolicyStatement {
  const condition: NonNullable<PolicyStatement['Condition']> = {};
  if (binding.window?.starts !== undefined) condition.DateGreaterThan = { 'aws:CurrentTime': iamTime(binding.window.starts) };
  if (binding.window) condition.DateLessThan = { 'aws:CurrentTime': iamTime(binding.window.expires) };
  condition.StringEquals = { 'sts:RoleSessionName': sessionNameOf(binding.principal) };
  return {
    Sid: statementSid(binding.id),
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Resource: binding.permission,
    Condition: condition,
  };
}

/**
 * Reads one statement of gitgrant's policy back into a binding. Anything not shaped like a statement
 * gitgrant writes (someone edited the policy by hand) is reported unmanaged, never reinterpreted.
 */
export function bindingOfStatement(statement: PolicyStatement, principal: string): ObservedBinding {
  const resources = asList(statement.Resource);
  const actions = asList(statement.Action);
  const sid = statement.Sid ?? '';
  const label = sid || '(statement without Sid)';
  const permission = resources.length === 1 ? resources[0]! : resources.join(',');
  const window = windowOf(statement);
  const isOurs =
    /^[A-Za-z0-9]+$/.test(sid) &&
    statement.Effect === 'Allow' &&
    actions.length === 1 &&
    actions[0] === 'sts:AssumeRole' &&
    resources.length === 1 &&
    window !== 'malformed';
  if (!isOurs) return { managed: false, principal, permission, label };
  return { id: sid, managed: true, principal, permission, ...(window ? { window } : {}), label };
}

function windowOf(statement: PolicyStatement): Window | undefined | 'malformed' {
  const condition = statement.Condition ?? {};
  const expires = singleTime(condition.DateLessThan?.['aws:CurrentTime']);
  const starts = singleTime(condition.DateGreaterThan?.['aws:CurrentTime']);
  if (expires === 'malformed' || starts === 'malformed') return 'malformed';
  if (expires === undefined) return starts === undefined ? undefined : 'malformed';
  return starts === undefined ? { expires } : { starts, expires };
}

function singleTime(value: string | string[] | undefined): number | undefined | 'malformed' {
  if (value === undefined) return undefined;
  const values = asList(value);
  const instant = values.length === 1 ? Date.parse(values[0]!) : NaN;
  return Number.isNaN(instant) ? 'malformed' : instant;
}

/**
 * The policy after putting `put` (replacing statements with the same Sid) and dropping `removeSids`.
 * Statements are sorted by Sid so the same bindings always give the same document.
 */
export function withGrantStatements(
  current: PolicyDocument,
  put: readonly PolicyStatement[],
  removeSids: readonly string[],
): PolicyDocument {
  const replaced = new Set([...removeSids, ...put.map((s) => s.Sid)]);
  const kept = current.Statement.filter((s) => s.Sid === undefined || !replaced.has(s.Sid));
  const statements = [...kept, ...put].sort((a, b) => compareStrings(a.Sid ?? '', b.Sid ?? ''));
  return { Version: '2012-10-17', Statement: statements };
}

/** Code-unit order: the same in every locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
