/**
 * The AWS provider: dispatches each target to its strategy (iam or identity-center) and checks IAM's
 * quotas. Construct it with clients from `createAwsClients` (one account) or with an
 * `AwsClientRouter` (accounts.ts: IAM in each target's account, Identity Center where it is
 * administered); `now` is injected so revocation times are testable.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { Instant } from '../../core/model/types.js';
import type { DesiredBinding, TargetChange, TargetRef, TargetState } from '../../core/plan/types.js';
import type { Provider } from '../../core/plan/provider.js';
import type { AwsClients } from './clients.js';
import { IamStrategy } from './iam-strategy.js';
import { IdentityCenterStrategy, defaultStatusPolling, type StatusPolling } from './identity-center-strategy.js';
import { checkAwsLimits } from './limits.js';
import { defaultIdentityCenterPacing, identityCenterPacer, type IdentityCenterPacing } from './rate-limit.js';

export interface AwsProviderOptions {
  /** Fixed clients serve every account; a router picks them per account. */
  clients: Pick<AwsClients, 'iam' | 'ssoAdmin'> | ProviderRouting;
  /** The clock for revocation times. Default: the system clock. */
  now?: () => Instant;
  /** Calls in flight at once per read or apply. Default: 8. */
  concurrency?: number;
  /** How Identity Center's asynchronous assignment changes are awaited. */
  polling?: Partial<StatusPolling>;
  /** How to wait between polls. Default: a timer; tests pass an immediate one. */
  sleep?: (ms: number) => Promise<void>;
  /** Identity Center's call rate and assignment operations in flight. Default: 20 a second, 10. */
  identityCenterPacing?: Partial<IdentityCenterPacing>;
}

/** The part of accounts.ts's `AwsClientRouter` the provider uses (it never reads the Identity Store). */
type ProviderRouting = { iam(account: string): IAMClient; identityCenter(): { ssoAdmin: SSOAdminClient } };

export class AwsProvider implements Provider {
  readonly name = 'aws' as const;
  private readonly routing: ProviderRouting;
  private readonly limit: LimitFunction;
  private readonly now: () => Instant;
  private readonly polling: StatusPolling;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly iamByAccount = new Map<string, IamStrategy>();
  private identityCenterStrategy: IdentityCenterStrategy | undefined;
  private readonly pacing: IdentityCenterPacing;

  constructor(options: AwsProviderOptions) {
    const clients = options.clients;
    this.routing = 'identityCenter' in clients ? clients : { iam: () => clients.iam, identityCenter: () => clients };
    // One limit for every account: concurrency bounds the whole run, not each account.
    this.limit = pLimit(options.concurrency ?? 8);
    this.now = options.now ?? Date.now;
    this.polling = { ...defaultStatusPolling, ...options.polling };
    this.sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.pacing = { ...defaultIdentityCenterPacing, ...options.identityCenterPacing };
  }

  read(target: TargetRef): Promise<TargetState> {
    const aws = awsTarget(target);
    return aws.strategy === 'iam' ? this.iam(aws.account).read(aws) : this.identityCenter().read(aws);
  }

  apply(change: TargetChange): Promise<void> {
    const target = awsTarget(change.target);
    return target.strategy === 'iam'
      ? this.iam(target.account).apply({ ...change, target })
      : this.identityCenter().apply({ ...change, target });
  }

  private iam(account: string): IamStrategy {
    let strategy = this.iamByAccount.get(account);
    if (!strategy) {
      strategy = new IamStrategy(this.routing.iam(account), this.limit, this.now);
      this.iamByAccount.set(account, strategy);
    }
    return strategy;
  }

  private identityCenter(): IdentityCenterStrategy {
    // One pacer for every Identity Center call of this provider: AWS's limits are per instance, not per account.
    // It always waits in real time (Date.now), whatever clock revocations use.
    this.identityCenterStrategy ??= new IdentityCenterStrategy(
      this.routing.identityCenter().ssoAdmin,
      this.limit,
      this.polling,
      this.sleep,
      identityCenterPacer(this.pacing, Date.now, this.sleep),
      this.now,
    );
    return this.identityCenterStrategy;
  }

  checkLimits(target: TargetRef, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
    return checkAwsLimits(target, desired, observed);
  }
}

function awsTarget(target: TargetRef): Exclude<TargetRef, { provider: 'gcp' }> {
  // The core routes targets by provider name; a gcp target here is a routing bug.
  if (target.provider !== 'aws') throw new Error(`the AWS provider was given a ${target.provider} target`);
  return target;
}
