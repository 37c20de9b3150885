/**
 * The AWS provider: dispatches each target to its strategy (iam or identity-center) and checks IAM's
 * quotas. Construct it with clients from `createAwsClients`; `now` is injected so revocation times
 * are testable.
 */
import pLimit from 'p-limit';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Instant } from '../../model/types.js';
import type { DesiredBinding, TargetChange, TargetRef, TargetState } from '../../plan/types.js';
import type { Provider } from '../provider.js';
import { awsClientOptionsFromEnv, createAwsClients, type AwsClients } from './clients.js';
import { IamStrategy } from './iam-strategy.js';
import { IdentityCenterStrategy, defaultStatusPolling, type StatusPolling } from './identity-center-strategy.js';
import { checkAwsLimits } from './limits.js';

export interface AwsProviderOptions {
  clients: Pick<AwsClients, 'iam' | 'ssoAdmin'>;
  /** The clock for revocation times. Default: the system clock. */
  now?: () => Instant;
  /** Calls in flight at once per read or apply. Default: 8. */
  concurrency?: number;
  /** How Identity Center's asynchronous assignment changes are awaited. */
  polling?: Partial<StatusPolling>;
  /** How to wait between polls. Default: a timer; tests pass an immediate one. */
  sleep?: (ms: number) => Promise<void>;
}

export class AwsProvider implements Provider {
  readonly name = 'aws' as const;
  private readonly iam: IamStrategy;
  private readonly identityCenter: IdentityCenterStrategy;

  constructor(options: AwsProviderOptions) {
    const limit = pLimit(options.concurrency ?? 8);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.iam = new IamStrategy(options.clients.iam, limit, options.now ?? Date.now);
    this.identityCenter = new IdentityCenterStrategy(
      options.clients.ssoAdmin,
      limit,
      { ...defaultStatusPolling, ...options.polling },
      sleep,
    );
  }

  read(target: TargetRef): Promise<TargetState> {
    const aws = awsTarget(target);
    return aws.strategy === 'iam' ? this.iam.read(aws) : this.identityCenter.read(aws);
  }

  apply(change: TargetChange): Promise<void> {
    const target = awsTarget(change.target);
    return target.strategy === 'iam'
      ? this.iam.apply({ ...change, target })
      : this.identityCenter.apply({ ...change, target });
  }

  checkLimits(target: TargetRef, desired: readonly DesiredBinding[], observed: TargetState | undefined): Diagnostic[] {
    return checkAwsLimits(target, desired, observed);
  }
}

/** Builds the provider from the environment (see `awsClientOptionsFromEnv`); for the CLI. */
export function awsProviderFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: Omit<AwsProviderOptions, 'clients'> = {},
): AwsProvider {
  return new AwsProvider({ ...options, clients: createAwsClients(awsClientOptionsFromEnv(env)) });
}

function awsTarget(target: TargetRef): Exclude<TargetRef, { provider: 'gcp' }> {
  // The core routes targets by provider name; a gcp target here is a routing bug.
  if (target.provider !== 'aws') throw new Error(`the AWS provider was given a ${target.provider} target`);
  return target;
}
