/** Builders for AWS bindings, shared by the AWS unit and integration tests. */
import { grantId } from '../../../src/core/model/types.js';
import type { DesiredBinding, ObservedBinding, TargetRef } from '../../../src/core/plan/types.js';

export const ACCOUNT = '123456789012';
export const HOUR = 60 * 60 * 1000;
export const T0 = Date.parse('2026-11-22T14:00:00Z');

export const userArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:user/${name}`;
export const roleArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
export const iamTarget = (account = ACCOUNT): TargetRef => ({ provider: 'aws', strategy: 'iam', account });

class IamBindingBuilder {
  private binding: DesiredBinding;
  constructor(id: string) {
    this.binding = {
      id,
      target: iamTarget(),
      principal: userArn('alice'),
      permission: roleArn('prod-db-readonly'),
      window: { expires: T0 + 4 * HOUR },
      grants: [grantId(`grants/prod-db-readonly/${id}.yaml`)],
    };
  }
  for(user: string) {
    this.binding = { ...this.binding, principal: userArn(user, this.account()) };
    return this;
  }
  inAccount(account: string) {
    this.binding = { ...this.binding, target: iamTarget(account), principal: this.binding.principal.replace(ACCOUNT, account), permission: this.binding.permission.replace(ACCOUNT, account) };
    return this;
  }
  onRole(role: string) {
    this.binding = { ...this.binding, permission: roleArn(role, this.account()) };
    return this;
  }
  from(starts: number) {
    this.binding = { ...this.binding, window: { starts, expires: this.binding.window!.expires } };
    return this;
  }
  until(expires: number) {
    this.binding = { ...this.binding, window: { ...this.binding.window, expires } };
    return this;
  }
  build(): DesiredBinding {
    return this.binding;
  }
  /** The same binding as the cloud reports it once applied. */
  observed(): ObservedBinding {
    const { id, principal, permission, window } = this.binding;
    return { id, managed: true, principal, permission, ...(window ? { window } : {}), label: id };
  }
  private account() {
    return this.binding.target.provider === 'aws' ? this.binding.target.account : ACCOUNT;
  }
}

/** An iam-strategy binding; ids are alphanumeric so they are their own statement marker. */
export const anIamBinding = (id = 'aliceInc1234') => new IamBindingBuilder(id);
