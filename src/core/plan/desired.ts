/**
 * Desired state: from all active grants and their roles' targets, every binding that should exist,
 * each tied to the grants that justify it. Pure: identities that need a directory lookup arrive
 * already resolved.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { isGrantPathOf } from '../model/repo-paths.js';
import type { AccessRepo, Grant, Instant, Role, Target } from '../model/types.js';
import { isExpired, isScheduled } from '../policy/window.js';
import { assignmentBindingId, grantBindingId } from './binding-id.js';
import type { IdentityConfig } from '../model/policy-sections.js';
import { awsIamUserArn, gcpMember, identityCenterUserName } from './identity.js';
import type { DesiredBinding, TargetRef } from './types.js';
import { compareText } from '../text/compare-text.js';

/** Identity Store user ids by `instanceArn|userName`; absent: not looked up (offline); undefined: not found. */
export type IdentityCenterDirectory = ReadonlyMap<string, string | undefined>;

export function directoryKey(instanceArn: string, userName: string): string {
  return `${instanceArn}|${userName}`;
}

export interface DesiredState {
  bindings: DesiredBinding[];
  /** Every target a role names, whether or not a grant is active on it: expired and orphaned bindings are found there. */
  targets: TargetRef[];
  diagnostics: Diagnostic[];
}

export function targetRefOf(target: Target): TargetRef {
  if (target.kind === 'gcp') return { provider: 'gcp', resource: target.resource };
  if (target.strategy === 'iam') return { provider: 'aws', strategy: 'iam', account: target.account };
  return { provider: 'aws', strategy: 'identity-center', account: target.account, instanceArn: target.instanceArn };
}

export function desiredState(repo: AccessRepo, now: Instant, identities: IdentityConfig, directory: IdentityCenterDirectory | undefined): DesiredState {
  const byId = new Map<string, DesiredBinding>();
  const targets = new Map<string, TargetRef>();
  const diagnostics: Diagnostic[] = [];
  for (const role of repo.roles.values()) for (const target of role.targets) addTarget(targets, targetRefOf(target));
  for (const grant of repo.grants) {
    const role = repo.roles.get(grant.role);
    if (!role || isExpired(grant, now)) continue;
    // Only what the gate judges as a grant of this role is ever applied, whoever built the repo.
    if (!isGrantPathOf(grant.id, grant.role)) {
      diagnostics.push(unjudgedGrant(grant));
      continue;
    }
    for (const target of role.targets) {
      const binding = bindingFor(grant, role, target, now, identities, directory, diagnostics);
      if (!binding) continue;
      const existing = byId.get(binding.id);
      // Union, not last writer: overlapping grants that share a binding all justify it, and its
      // deadline is the latest of theirs (an Identity Center assignment: all its grants are active now).
      if (existing) {
        existing.grants = [...new Set([...existing.grants, ...binding.grants])].sort();
        if (existing.window && binding.window && binding.window.expires > existing.window.expires) existing.window = { ...existing.window, expires: binding.window.expires };
      }
      else byId.set(binding.id, binding);
    }
  }
  const bindings = [...byId.values()].sort((a, b) => compareText(a.id, b.id));
  return { bindings, targets: [...targets.values()], diagnostics };
}

function unjudgedGrant(grant: Grant): Diagnostic {
  return {
    severity: 'error', code: 'GRANT_PATH_UNJUDGED', summary: `not applied: ${grant.id} is not a grant file of role ${grant.role} as the gate sees it`,
    hint: 'a grant lives at grants/<role>/<name>.yaml', file: grant.id, start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
  };
}

function addTarget(targets: Map<string, TargetRef>, ref: TargetRef): void {
  targets.set(JSON.stringify(ref), ref);
}

function bindingFor(
  grant: Grant, role: Role, target: Target, now: Instant, identities: IdentityConfig,
  directory: IdentityCenterDirectory | undefined, diagnostics: Diagnostic[],
): DesiredBinding | undefined {
  const ref = targetRefOf(target);
  const window = { starts: grant.starts, expires: grant.expires };
  if (target.kind === 'gcp') {
    return { id: grantBindingId(grant.id, ref, target.role), target: ref, principal: gcpMember(identities, grant.grantee), permission: target.role, window, grants: [grant.id] };
  }
  if (target.strategy === 'iam') {
    const roleArn = `arn:aws:iam::${target.account}:role/${target.roleName}`;
    return { id: grantBindingId(grant.id, ref, roleArn), target: ref, principal: awsIamUserArn(identities, grant.grantee, target.account), permission: roleArn, window, grants: [grant.id] };
  }
  // Identity Center cannot carry a start time: a scheduled grant is assigned once it starts.
  if (isScheduled(grant, now)) return undefined;
  const userName = identityCenterUserName(identities, grant.grantee);
  const key = directoryKey(target.instanceArn, userName);
  let principal: string;
  if (directory === undefined) principal = `identitystore-user:${userName}`;
  else {
    const userId = directory.get(key);
    if (userId === undefined) {
      diagnostics.push({
        severity: 'error', code: 'IDENTITY_CENTER_USER_UNKNOWN', summary: `${grant.grantee} has no Identity Store user named ${userName} (role ${role.name})`,
        hint: 'create the user in IAM Identity Center, or map the person under identities.people in policies/', file: grant.id, start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
      });
      return undefined;
    }
    principal = userId;
  }
  // The deadline goes into the permission set's inline policy (identity-center-session-ends.ts).
  return {
    id: assignmentBindingId(target.account, target.permissionSetArn, principal),
    target: ref, principal, permission: target.permissionSetArn, window: { expires: grant.expires }, grants: [grant.id],
  };
}
