/**
 * Builders for plan tests: roles with cloud targets, observed cloud state and plans, so a case
 * reads as the situation it describes:
 *
 *   aTargetedRole('db').onGcp('projects/p', 'roles/viewer').onAwsIam(ACCOUNT, 'DbReader')
 *   anObserved(gcpTarget('projects/p')).managed('gg1', 'user:a@example.com', 'roles/viewer', window)
 */
import { stringify } from 'yaml';
import { grantId } from '../../../src/core/model/types.js';
import type { DesiredBinding, ObservedBinding, Plan, TargetChange, TargetRef, TargetState, Window } from '../../../src/core/plan/types.js';
import type { FileSpec } from './model.js';

export const ACCOUNT = '111111111111';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-0000000000000001';
export const PERMISSION_SET_ARN = 'arn:aws:sso:::permissionSet/ssoins-0000000000000001/ps-0000000000000001';

export const gcpTarget = (resource: string): TargetRef => ({ provider: 'gcp', resource });
export const iamTarget = (account = ACCOUNT): TargetRef => ({ provider: 'aws', strategy: 'iam', account });
export const identityCenterTarget = (account = ACCOUNT, instanceArn = INSTANCE_ARN): TargetRef => ({
  provider: 'aws', strategy: 'identity-center', account, instanceArn,
});

type TargetSpec =
  | { gcp: { resource: string; role: string } }
  | { aws: { account: string; strategy: 'iam'; roleName: string } }
  | { aws: { account: string; strategy: 'identity-center'; instanceArn: string; permissionSetArn: string; sessionDuration?: string } };

class TargetedRoleBuilder {
  private readonly targets: TargetSpec[] = [];

  constructor(readonly name: string) {}

  onGcp(resource: string, role: string): this {
    this.targets.push({ gcp: { resource, role } });
    return this;
  }

  onAwsIam(account: string, roleName: string): this {
    this.targets.push({ aws: { account, strategy: 'iam', roleName } });
    return this;
  }

  onIdentityCenter(permissionSetArn = PERMISSION_SET_ARN, options: { account?: string; instanceArn?: string; sessionDuration?: string } = {}): this {
    this.targets.push({
      aws: {
        account: options.account ?? ACCOUNT, strategy: 'identity-center', instanceArn: options.instanceArn ?? INSTANCE_ARN, permissionSetArn,
        ...(options.sessionDuration ? { sessionDuration: options.sessionDuration } : {}),
      },
    });
    return this;
  }

  build(): FileSpec {
    const data = {
      description: `Test role ${this.name}.`,
      owners: ['@example-org/owners'],
      approvals: [{ name: 'owners', count: 1, from: ['@example-org/owners'] }],
      targets: this.targets,
    };
    return { path: `roles/${this.name}.yaml`, text: stringify(data, { version: '1.2', lineWidth: 0 }) };
  }
}

/** A role whose targets are given one by one (the shared `aRole` has a fixed GCP target). */
export const aTargetedRole = (name: string) => new TargetedRoleBuilder(name);

/** A binding as a provider reads it back. */
export function observed(principal: string, permission: string, options: { id?: string; window?: Window; label?: string } = {}): ObservedBinding {
  return {
    ...(options.id === undefined ? {} : { id: options.id }),
    managed: options.id !== undefined,
    principal,
    permission,
    ...(options.window ? { window: options.window } : {}),
    label: options.label ?? (options.id === undefined ? '(no condition)' : `gitgrant ${options.id}`),
  };
}

export function stateOf(target: TargetRef, ...bindings: ObservedBinding[]): TargetState {
  return { target, bindings };
}

/** What a desired binding looks like once a provider has written it and read it back. */
export function asObserved(binding: DesiredBinding, window: Window | undefined = binding.window): ObservedBinding {
  return observed(binding.principal, binding.permission, { id: binding.id, ...(window ? { window } : {}) });
}

export function desired(id: string, target: TargetRef, principal: string, permission: string, window: Window | undefined, ...grants: string[]): DesiredBinding {
  return { id, target, principal, permission, ...(window ? { window } : {}), grants: grants.map(grantId) };
}

export function aChange(target: TargetRef, parts: Partial<Omit<TargetChange, 'target'>> = {}): TargetChange {
  return { target, add: [], update: [], remove: [], unmanaged: [], ...parts };
}

export function aPlan(at: number, changes: TargetChange[], parts: Partial<Omit<Plan, 'at' | 'changes'>> = {}): Plan {
  return { at, online: true, changes, diagnostics: [], ...parts };
}
