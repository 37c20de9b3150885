/**
 * Many AWS accounts: which credentials reach which account. With `aws.accountRoleName` set, the
 * clients for account X sign with the temporary credentials of `sts:AssumeRole` on
 * `arn:aws:iam::X:role/<accountRoleName>`, asked for with the default chain (OIDC in Actions);
 * Identity Center calls go to `aws.identityCenterAccount`. Without it, every account is reached with
 * the default credentials, as a single-account setup needs. Clients are made on first use.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { AwsSettings } from '../../core/model/policy-sections.js';
import type { Instant } from '../../core/model/types.js';
import { createAwsClients, destroyAwsClients, type AwsClientOptions, type AwsClients, type CredentialsProvider } from './clients.js';

export interface AssumedRoleOptions {
  roleArn: string;
  sessionName: string;
  /** Seconds the credentials last; AWS's default is an hour. */
  durationSeconds: number;
  /** Credentials closer than this to their expiry are replaced before use. */
  refreshMarginMs: number;
  now: () => Instant;
}

/**
 * A credentials provider for one role: one AssumeRole, shared by every client and call of the
 * account (concurrent first calls wait on the same request), and another only when the credentials
 * come within the margin of expiring. A failed AssumeRole is not cached, so the next call retries.
 */
export function assumedRoleCredentials(sts: Pick<STSClient, 'send'>, options: AssumedRoleOptions): CredentialsProvider {
  let current: ReturnType<CredentialsProvider> | undefined;
  let expiresAt = Number.NEGATIVE_INFINITY;
  const assume = async () => {
    const response = await sts
      .send(new AssumeRoleCommand({ RoleArn: options.roleArn, RoleSessionName: options.sessionName, DurationSeconds: options.durationSeconds }))
      .catch((error: unknown) => {
        const cause = error instanceof Error ? error.message : String(error);
        throw new Error(`could not assume ${options.roleArn}: ${cause} (check that the role exists and trusts gitgrant's automation role; see docs/setup.md)`);
      });
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.Expiration) {
      throw new Error(`AssumeRole of ${options.roleArn} answered without credentials`);
    }
    expiresAt = credentials.Expiration.getTime();
    return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, expiration: credentials.Expiration };
  };
  return () => {
    if (!current || options.now() >= expiresAt - options.refreshMarginMs) {
      expiresAt = Number.POSITIVE_INFINITY; // whoever calls while the request is in flight shares it
      const pending = assume();
      pending.catch(() => {
        if (current === pending) current = undefined;
      });
      current = pending;
    }
    return current;
  };
}

/** Which clients serve a target: IAM in the target's own account, Identity Center where it is administered. */
export interface AwsClientRouter {
  iam(account: string): IAMClient;
  identityCenter(): Pick<AwsClients, 'ssoAdmin' | 'identityStore'>;
}

export interface AwsAccountsOptions {
  client: Partial<AwsClientOptions>;
  settings: AwsSettings;
  now: () => Instant;
  durationSeconds?: number;
  refreshMarginMs?: number;
}

export class AwsAccounts implements AwsClientRouter {
  private defaults: AwsClients | undefined;
  private readonly perAccount = new Map<string, AwsClients>();
  private readonly client: Partial<AwsClientOptions>;

  constructor(private readonly options: AwsAccountsOptions) {
    this.client = options.settings.region ? { ...options.client, region: options.settings.region } : options.client;
  }

  iam(account: string): IAMClient {
    return this.clientsFor(account).iam;
  }

  identityCenter(): Pick<AwsClients, 'ssoAdmin' | 'identityStore'> {
    const account = this.options.settings.identityCenterAccount;
    return account === undefined ? this.defaultClients() : this.clientsFor(account);
  }

  /** Every client made, per account and default, destroyed. */
  close(): void {
    for (const clients of this.perAccount.values()) destroyAwsClients(clients);
    this.perAccount.clear();
    if (this.defaults) destroyAwsClients(this.defaults);
    this.defaults = undefined;
  }

  private clientsFor(account: string): AwsClients {
    const { accountRoleName, sessionName } = this.options.settings;
    if (accountRoleName === undefined) return this.defaultClients();
    let clients = this.perAccount.get(account);
    if (!clients) {
      const credentials = assumedRoleCredentials(this.defaultClients().sts, {
        roleArn: `arn:aws:iam::${account}:role/${accountRoleName}`,
        sessionName,
        durationSeconds: this.options.durationSeconds ?? 3_600,
        refreshMarginMs: this.options.refreshMarginMs ?? 5 * 60_000,
        now: this.options.now,
      });
      clients = createAwsClients(this.client, credentials);
      this.perAccount.set(account, clients);
    }
    return clients;
  }

  private defaultClients(): AwsClients {
    this.defaults ??= createAwsClients(this.client);
    return this.defaults;
  }
}
