/**
 * Shared setup for the AWS integration tests: real SDK clients against moto (or whatever
 * GITGRANT_AWS_ENDPOINT names), a fixed clock, IAM fixtures, and a minimal plan step so tests can
 * run "plan, then apply" the way the core does.
 */
import { CreateRoleCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { DesiredBinding, TargetChange, TargetRef, TargetState } from '../../../src/core/plan/types.js';
import { AwsProvider, type AwsProviderOptions } from '../../../src/adapters/aws/aws-provider.js';
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../../../src/adapters/aws/clients.js';
import { statementSid } from '../../../src/core/aws/iam-grant-policy.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { awsTestEndpoint, type AwsTestEndpoint } from '../../support/moto.js';

export interface MotoBehindProxy {
  aws: AwsTestEndpoint;
  /** In front of moto: injects faults and counts calls. */
  proxy: FaultProxy;
  close(): Promise<void>;
}

/** moto (or GITGRANT_AWS_ENDPOINT) with the fault proxy in front, for one test file. */
export async function startMotoBehindProxy(seed?: number): Promise<MotoBehindProxy> {
  const aws = await awsTestEndpoint();
  const proxy = await startFaultProxy({ upstream: aws.endpoint, ...(seed === undefined ? {} : { seed }) });
  return {
    aws,
    proxy,
    async close() {
      await proxy.close();
      await aws.stop();
    },
  };
}

export function clientsFor(endpoint: string, options: Partial<AwsClientOptions> = {}): AwsClients {
  return createAwsClients({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', ...options });
}

export function providerFor(clients: AwsClients, options: Omit<AwsProviderOptions, 'clients'> = {}): AwsProvider {
  return new AwsProvider({ clients, sleep: async () => {}, ...options });
}

export async function accountOf(clients: AwsClients): Promise<string> {
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  return identity.Account!;
}

/** A trust policy that lets the account's own identity policies decide who may assume the role. */
export async function createRole(clients: AwsClients, account: string, name: string): Promise<string> {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
  };
  const role = await clients.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  return role.Role!.Arn!;
}

export async function createUser(clients: AwsClients, name: string): Promise<string> {
  const user = await clients.iam.send(new CreateUserCommand({ UserName: name }));
  return user.User!.Arn!;
}

/** The plan step, reduced to what these tests need: match by marker, compare windows. */
export function changeFor(desired: readonly DesiredBinding[], state: TargetState): TargetChange {
  // An inert binding (a policy not attached) gives no access: a grant it matches is added again.
  const observed = new Map(state.bindings.filter((b) => b.managed && b.inert !== true).map((b) => [b.id!, b]));
  const inert = state.bindings.filter((b) => b.managed && b.inert === true);
  const wanted = new Set(desired.map((b) => statementSid(b.id)));
  const change: TargetChange = { target: state.target, add: [], update: [], remove: [], unmanaged: state.bindings.filter((b) => !b.managed) };
  for (const binding of desired) {
    const current = observed.get(statementSid(binding.id));
    if (!current) change.add.push(binding);
    else if (JSON.stringify(current.window) !== JSON.stringify(binding.window) || current.permission !== binding.permission) {
      change.update.push({ from: current, to: binding });
    }
  }
  change.remove = [...observed.values(), ...inert].filter((b) => !wanted.has(b.id!));
  return change;
}

export function isEmpty(change: TargetChange): boolean {
  return change.add.length + change.update.length + change.remove.length === 0;
}

/** Plans and applies once; what one scheduled run does for a target. */
export async function converge(provider: AwsProvider, target: TargetRef, desired: readonly DesiredBinding[]): Promise<TargetChange> {
  const change = changeFor(desired, await provider.read(target));
  if (!isEmpty(change)) await provider.apply(change);
  return change;
}
