/**
 * IAM's size and count quotas, checked before any call so a plan that cannot be applied fails with a
 * diagnostic instead of half-applying. Emulators (moto) do not enforce these, so gitgrant must.
 * Source: IAM and AWS STS quotas,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * ("Managed policy size: 6,144 characters"; "Managed policies attached to an IAM user: 10" (default,
 * adjustable to 20); "Role trust policy length: 2,048 characters"; "Role policy size: 10,240
 * characters" (aggregate of a role's inline policies); "Versions of a managed policy: 5";
 * whitespace is not counted). Pure.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { DesiredBinding, TargetRef, TargetState } from '../../core/plan/types.js';
import { parseIamArn } from '../../core/aws/arn.js';
import { grantStatement, sessionNameOf, statementSid, withGrantStatements } from '../../core/aws/iam-grant-policy.js';
import { MAX_ROLE_SESSION_MS, nextSessionEndPolicy, roleSessionUserId, windowTakenAway } from '../../core/aws/iam-revocations.js';
import { isIamTargetState } from './iam-target-state.js';
import { nextInlinePolicy } from '../../core/aws/identity-center-session-ends.js';
import { isIdentityCenterTargetState, MANAGED_PERMISSION_SET_MARKER } from '../../core/aws/identity-center-target-state.js';
import { emptyDocument, policySize, type PolicyDocument } from '../../core/aws/policy-document.js';

export const IAM_QUOTAS = {
  managedPolicySize: 6_144,
  managedPoliciesPerUser: 10,
  roleTrustPolicySize: 2_048,
  roleInlinePolicySize: 10_240,
  /** Handled by pruning the oldest non-default version before writing a sixth; never an error. */
  managedPolicyVersions: 5,
} as const;

export function checkAwsLimits(
  target: TargetRef,
  desired: readonly DesiredBinding[],
  observed: TargetState | undefined,
): Diagnostic[] {
  if (target.provider !== 'aws') return [];
  if (target.strategy === 'identity-center') return [...unmarkedPermissionSets(target.instanceArn, desired, observed), ...permissionSetInlineSize(target.account, desired, observed)];
  const byPrincipal = groupBy(desired, (b) => b.principal);
  const diagnostics: Diagnostic[] = [];
  for (const [principal, bindings] of byPrincipal) {
    diagnostics.push(...sidCollisions(principal, bindings));
    const document = withGrantStatements(emptyDocument(), bindings.map(grantStatement), []);
    const size = policySize(document);
    if (size > IAM_QUOTAS.managedPolicySize) {
      diagnostics.push({
        severity: 'error',
        code: 'AWS_MANAGED_POLICY_TOO_LARGE',
        summary: `gitgrant's policy for ${principal} would be ${size} characters; IAM allows ${IAM_QUOTAS.managedPolicySize} (${bindings.length} bindings)`,
        hint: 'Reduce how many roles this person holds at once in this account, or grant them through Identity Center.',
      });
    }
  }
  if (isIamTargetState(observed)) diagnostics.push(...attachmentLimit(byPrincipal.keys(), observed.attachedPolicyCounts, observed.grantPolicyAttached));
  if (isIamTargetState(observed) && observed.userNames) diagnostics.push(...missingUsers(target.account, byPrincipal, new Set(observed.userNames)));
  diagnostics.push(...sessionEndPolicySize(desired, observed));
  return diagnostics;
}

/**
 * A grant to an IAM user the account does not have cannot take effect, and applying it fails the
 * same way on every run: said at plan time, on the grant file, with what to fix. A warning, not a
 * block: the other people on the account still get their grants.
 */
function missingUsers(account: string, byPrincipal: ReadonlyMap<string, readonly DesiredBinding[]>, users: ReadonlySet<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [principal, bindings] of byPrincipal) {
    const name = parseIamArn(principal)?.name;
    if (name === undefined || users.has(name)) continue;
    for (const grant of [...new Set(bindings.flatMap((b) => b.grants))].sort()) {
      diagnostics.push({
        severity: 'warning',
        code: 'AWS_IAM_USER_MISSING',
        summary: `account ${account} has no IAM user ${name}, so this grant cannot take effect there (apply fails on it until fixed)`,
        hint: missingIamUserHint(name, account),
        file: grant,
        start: { line: 1, col: 1 },
        end: { line: 1, col: 1 },
      });
    }
  }
  return diagnostics;
}

/** What to do about a grant to an IAM user the account does not have: said the same at plan and at apply. */
export function missingIamUserHint(name: string, account: string): string {
  return `create the IAM user ${name} in ${account}, or map the person to their user under identities.people in policies/ (awsIamUser)`;
}

function sidCollisions(principal: string, bindings: readonly DesiredBinding[]): Diagnostic[] {
  const ids = groupBy(bindings, (b) => statementSid(b.id));
  return [...ids]
    .filter(([, same]) => new Set(same.map((b) => b.id)).size > 1)
    .map(([sid, same]) => ({
      severity: 'error' as const,
      code: 'AWS_BINDING_MARKER_COLLISION',
      summary: `bindings ${[...new Set(same.map((b) => b.id))].join(', ')} of ${principal} share the IAM statement marker "${sid}"`,
      hint: 'Binding ids must still differ once reduced to ASCII letters and digits.',
    }));
}

function attachmentLimit(
  principals: Iterable<string>,
  counts: Record<string, number>,
  attached: readonly string[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const principal of principals) {
    const after = (counts[principal] ?? 0) + (attached.includes(principal) ? 0 : 1);
    if (after > IAM_QUOTAS.managedPoliciesPerUser) {
      diagnostics.push({
        severity: 'error',
        code: 'AWS_USER_POLICY_ATTACHMENT_LIMIT',
        summary: `${principal} already has ${counts[principal]} managed policies attached; gitgrant's would be number ${after}, over IAM's default quota of ${IAM_QUOTAS.managedPoliciesPerUser}`,
        hint: 'Detach an unused managed policy from the user, or raise the quota (up to 20) in Service Quotas.',
      });
    }
  }
  return diagnostics;
}

/**
 * The session-end policy each role will hold after this plan (iam-revocations.ts), against IAM's
 * aggregate inline quota of the role (its other inline policies count too). Ends are pruned with the
 * longest possible session (12 hours), since the role's MaxSessionDuration is read only at apply:
 * the projection can only overstate the size. At the limit, the adds and updates of this target are
 * blocked (a grant whose sessions could not be ended on time is not given); removals go ahead, and
 * their session ends are written while they fit (apply fails loudly otherwise, never drops a deny).
 */
function sessionEndPolicySize(desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
  if (!isIamTargetState(observed) || !observed.roles || observed.readAt === undefined) return [];
  const now = observed.readAt;
  const kept = new Set(desired.map((b) => statementSid(b.id)));
  const taken = observed.bindings.filter((b) => b.managed && b.id !== undefined && !kept.has(b.id));
  const diagnostics: Diagnostic[] = [];
  const roleArns = [...new Set([...desired, ...taken].map((b) => b.permission))].sort();
  for (const roleArn of roleArns) {
    const role = observed.roles[roleArn];
    if (!role) continue; // not in the account: no sessions to end
    const principals = [...new Set([...desired, ...taken].filter((b) => b.permission === roleArn).map((b) => b.principal))];
    const recomputed = new Map(
      principals.map((principal) => [
        roleSessionUserId(role.roleId, sessionNameOf(principal)),
        [
          ...desired.filter((b) => b.principal === principal && b.permission === roleArn && b.window).map((b) => b.window!),
          ...taken.filter((b) => b.principal === principal && b.permission === roleArn).flatMap((b) => windowTakenAway(b.window, now) ?? []),
        ],
      ]),
    );
    const next = nextSessionEndPolicy(role.sessionEnds, { recomputed, now, maxSessionMs: MAX_ROLE_SESSION_MS });
    const own = next ? policySize(next) : 0;
    const total = own + role.otherInlineSize;
    if (total > IAM_QUOTAS.roleInlinePolicySize) {
      const name = parseIamArn(roleArn)?.name ?? roleArn;
      diagnostics.push({
        severity: 'error',
        code: 'AWS_ROLE_INLINE_POLICY_TOO_LARGE',
        summary: `role ${name} would need ${own} characters of session ends (${next?.Statement.length ?? 0} end times) beside ${role.otherInlineSize} in its other inline policies: ${total}, over IAM's ${IAM_QUOTAS.roleInlinePolicySize}; new grants on this account are held back until it fits`,
        hint: 'Session ends are pruned once end + MaxSessionDuration has passed: lower the role\'s MaxSessionDuration, give grants on this role common end times (whole hours), or split the role.',
      });
    }
  }
  return diagnostics;
}

/**
 * gitgrant owns only the assignments of permission sets marked as its own. An assignment it made of
 * any other set would be unmanaged from then on: never removed, so access that never ends.
 */
function unmarkedPermissionSets(instanceArn: string, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
  if (!isIdentityCenterTargetState(observed)) return [];
  const marked = new Set(observed.managedPermissionSets);
  return [...new Set(desired.map((b) => b.permission))]
    .filter((arn) => !marked.has(arn))
    .sort()
    .map((arn) => ({
      severity: 'error' as const,
      code: 'AWS_PERMISSION_SET_NOT_MANAGED',
      summary: `permission set ${arn} is not one of gitgrant's in ${instanceArn} (missing, or its description lacks ${MANAGED_PERMISSION_SET_MARKER}); gitgrant could never remove the assignments it made`,
      hint: `add ${MANAGED_PERMISSION_SET_MARKER} to the permission set's description, or point the role at a permission set made for gitgrant`,
    }));
}

/**
 * A permission set's inline policy, with gitgrant's session ends in it, is provisioned as an inline
 * policy of the AWSReservedSSO_* role in each account, so IAM's 10,240-character role quota bounds it.
 * Ends are pruned with the longest session (12 hours) here: the projection can only overstate.
 */
function permissionSetInlineSize(account: string, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
  if (!isIdentityCenterTargetState(observed) || !observed.inlinePolicies || observed.readAt === undefined) return [];
  const now = observed.readAt;
  const wanted = new Set(desired.map((b) => `${b.permission} ${b.principal}`));
  const removed = observed.bindings.filter((b) => b.managed && !wanted.has(`${b.permission} ${b.principal}`));
  return Object.entries(observed.inlinePolicies).flatMap(([set, current]) => {
    const next = nextInlinePolicy(current ?? undefined, {
      set: desired.filter((b) => b.permission === set && b.window).map((b) => ({ account, userId: b.principal, at: b.window!.expires })),
      revoke: removed.filter((b) => b.permission === set).map((b) => ({ account, userId: b.principal })),
      now,
      sessionMs: MAX_ROLE_SESSION_MS,
    });
    const size = next ? policySize(next) : 0;
    if (size <= IAM_QUOTAS.roleInlinePolicySize) return [];
    return [
      {
        severity: 'error' as const,
        code: 'AWS_PERMISSION_SET_INLINE_POLICY_TOO_LARGE',
        summary: `the inline policy of permission set ${set} would be ${size} characters with gitgrant's session ends; IAM allows ${IAM_QUOTAS.roleInlinePolicySize} on the role it is provisioned as; new assignments in ${account} are held back until it fits`,
        hint: 'Ends are pruned once end + the set\'s SessionDuration has passed: shorten its SessionDuration, move the set\'s own permissions to a managed policy, or split the set.',
      },
    ];
  });
}

/** For scripts that write role trust policies (bootstrap): IAM rejects trust policies over 2,048. */
export function checkRoleTrustPolicy(roleArn: string, trustPolicy: PolicyDocument): Diagnostic[] {
  const size = policySize(trustPolicy);
  if (size <= IAM_QUOTAS.roleTrustPolicySize) return [];
  const name = parseIamArn(roleArn)?.name ?? roleArn;
  return [
    {
      severity: 'error',
      code: 'AWS_ROLE_TRUST_POLICY_TOO_LARGE',
      summary: `the trust policy of role ${name} would be ${size} characters; IAM allows ${IAM_QUOTAS.roleTrustPolicySize}`,
      hint: 'Trust the account (arn:aws:iam::<account>:root) and let identity policies choose who may assume the role.',
    },
  ];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
