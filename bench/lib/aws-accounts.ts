/**
 * Many AWS accounts on one moto: moto keeps a separate IAM per account and picks it from the
 * `x-moto-account-id` request header (moto/core/responses.py, get_current_account), so one IAM
 * client per account, each sending its account's header, stands in for one set of credentials per
 * account. All clients share one limit on calls in flight, as the CLI's single provider does.
 */
import { CreateUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import type { Instant } from '../../src/core/model/types.js';
import type { Provider } from '../../src/core/plan/provider.js';
import type { TargetChange, TargetRef } from '../../src/core/plan/types.js';
import { createAwsClients } from '../../src/adapters/aws/clients.js';
import { IamStrategy } from '../../src/adapters/aws/iam-strategy.js';
import { checkAwsLimits } from '../../src/adapters/aws/limits.js';

export function iamClientForAccount(endpoint: string, account: string): IAMClient {
  const { iam, ssoAdmin, identityStore, sts } = createAwsClients({ endpoint, region: 'us-east-1' });
  for (const unused of [ssoAdmin, identityStore, sts]) unused.destroy();
  iam.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccountHeader' },
  );
  return iam;
}

export interface AccountsProvider {
  provider: Provider;
  close(): void;
}

/** An AWS provider (iam strategy only) that sends each target's calls to its own account. */
export function perAccountIamProvider(endpoint: string, accounts: readonly string[], concurrency: number, now: () => Instant): AccountsProvider {
  const limit = pLimit(concurrency);
  const clients = new Map(accounts.map((account) => [account, iamClientForAccount(endpoint, account)]));
  const strategies = new Map([...clients].map(([account, iam]) => [account, new IamStrategy(iam, limit, now)]));
  const strategyOf = (target: TargetRef) => {
    const strategy = target.provider === 'aws' && target.strategy === 'iam' ? strategies.get(target.account) : undefined;
    if (!strategy) throw new Error(`the benchmark has no IAM client for ${JSON.stringify(target)}`);
    return { strategy, target: target as TargetRef & { provider: 'aws'; strategy: 'iam' } };
  };
  return {
    provider: {
      name: 'aws',
      read: (target) => {
        const routed = strategyOf(target);
        return routed.strategy.read(routed.target);
      },
      apply: (change: TargetChange) => {
        const routed = strategyOf(change.target);
        return routed.strategy.apply({ ...change, target: routed.target });
      },
      checkLimits: checkAwsLimits,
    },
    close: () => {
      for (const iam of clients.values()) iam.destroy();
    },
  };
}

/** Creates IAM users, straight against moto (not through the latency proxy, so not counted). */
export async function seedIamUsers(endpoint: string, usersByAccount: ReadonlyMap<string, readonly string[]>, concurrency: number): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(
    [...usersByAccount].map(async ([account, users]) => {
      const iam = iamClientForAccount(endpoint, account);
      await Promise.all(users.map((UserName) => limit(() => iam.send(new CreateUserCommand({ UserName })))));
      iam.destroy();
    }),
  );
}
