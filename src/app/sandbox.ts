/**
 * The sandbox use case: both clouds on loopback, seeded from this repo's roles, so `plan`, `apply`,
 * `expire`, `reconcile` and `verify` run against them exactly as they would against AWS and GCP.
 *
 *   AWS: moto, behind a proxy that answers for the roles' Identity Center ARNs (arn-proxy.ts);
 *   GCP: the IAM emulator (Resource Manager v3 getIamPolicy/setIamPolicy with etags).
 *
 * `sandboxSeed` decides what to create (pure); `startSandbox` starts the emulators, seeds them and
 * returns the environment the CLI reads (providers/cloud.ts) and a `stop` that leaves no process.
 */
import { randomBytes } from 'node:crypto';
import { startArnProxy, type ArnProxy } from '../adapters/sandbox/arn-proxy.js';
import { seedAws, type AwsSeed } from '../adapters/sandbox/aws-seed.js';
import { startGcpIamEmulator, type GcpIamEmulator } from '../adapters/sandbox/gcp-iam-emulator.js';
import { startMoto, type MotoProcess } from '../adapters/sandbox/moto.js';
import { loadHrForRequest } from '../adapters/hr/load.js';
import { loadRepo } from '../adapters/fs/load-repo.js';
import type { AccessRepo, Email } from '../core/model/types.js';
import { awsIamUserArn, identityCenterUserName } from '../core/plan/identity.js';
import type { AwsSettings } from '../core/model/policy-sections.js';
import { compareText } from '../core/text/compare-text.js';

/** The account moto answers for when the roles name none (moto's own default). */
const FALLBACK_ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';

export interface SandboxSeed {
  /** The account the sandbox's default credentials belong to (MOTO_ACCOUNT_ID). */
  defaultAccount: string;
  region: string;
  aws: AwsSeed;
  /** Every GCP resource a role targets; each starts with an empty policy. */
  gcpResources: string[];
  /** Everyone a principal is made for, sorted. */
  people: string[];
}

/** A repo the sandbox cannot stand in for; the message says why and what to change. */
export class SandboxUnsupported extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

/**
 * What the clouds must hold for the repo's roles and people. `people`: emails from HR, the grants
 * and the identities policy; each gets an IAM user in every account with an iam target and an
 * Identity Store user, named as the identities policy maps them.
 */
export function sandboxSeed(repo: AccessRepo, people: readonly string[]): SandboxSeed {
  const identities = repo.policy.identities;
  const settings = repo.policy.aws;
  const everyone = [...new Set([...people, ...repo.grants.map((g) => g.grantee), ...Object.keys(identities.people)].map((p) => p.trim().toLowerCase()))].sort() as Email[];
  const roles = new Map<string, Set<string>>();
  const instances = new Set<string>();
  const permissionSets = new Map<string, { arn: string; name: string; sessionDuration?: string }>();
  const gcpResources = new Set<string>();
  const awsAccounts = new Set<string>();
  for (const role of [...repo.roles.values()].sort((a, b) => compareText(a.name, b.name))) {
    for (const target of role.targets) {
      if (target.kind === 'gcp') {
        gcpResources.add(target.resource);
        continue;
      }
      awsAccounts.add(target.account);
      if (target.strategy === 'iam') {
        const names = roles.get(target.account) ?? new Set<string>();
        names.add(target.roleName);
        roles.set(target.account, names);
        continue;
      }
      instances.add(target.instanceArn);
      if (!permissionSets.has(target.permissionSetArn)) {
        permissionSets.set(target.permissionSetArn, {
          arn: target.permissionSetArn,
          name: permissionSetName(role.name, permissionSets.size),
          ...(target.sessionDuration ? { sessionDuration: isoDuration(target.sessionDuration) } : {}),
        });
      }
    }
  }
  if (instances.size > 1) {
    throw new SandboxUnsupported(
      `the roles name ${instances.size} Identity Center instances (${[...instances].sort().join(', ')}); the sandbox emulates one`,
      'an organisation has one Identity Center instance: make every identity-center target use the same instanceArn',
    );
  }
  const iamAccounts = [...roles.keys()].sort();
  const defaultAccount = settings.identityCenterAccount ?? iamAccounts[0] ?? [...awsAccounts].sort()[0] ?? FALLBACK_ACCOUNT;
  const userName = (email: Email, account: string) => awsIamUserArn(identities, email, account).split(':user/')[1]!;
  const [instanceArn] = instances;
  return {
    defaultAccount,
    region: settings.region ?? DEFAULT_REGION,
    aws: {
      accounts: iamAccounts.map((account) => ({ account, roles: [...roles.get(account)!].sort(), users: everyone.map((p) => userName(p, account)) })),
      ...(instanceArn
        ? {
            identityCenter: {
              instanceArn,
              permissionSets: [...permissionSets.values()],
              users: everyone.map((email) => ({ userName: identityCenterUserName(identities, email), email })),
            },
          }
        : {}),
    },
    gcpResources: [...gcpResources].sort(),
    people: everyone,
  };
}

/** Permission set names are at most 32 of [\w+=,.@-]; a role name almost always fits. */
function permissionSetName(role: string, index: number): string {
  const clean = role.replace(/[^\w+=,.@-]/g, '-');
  return clean.length <= 32 ? clean : `${clean.slice(0, 27)}-${String(index).padStart(4, '0')}`;
}

/** Identity Center's session duration format, e.g. PT4H, PT1H30M. */
function isoDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours ? `${hours}H` : ''}${rest ? `${rest}M` : ''}`;
}

export interface SandboxOptions {
  /** The access repo's root. */
  root: string;
  /** AWS endpoint on this loopback port, GCP on the next; default: free ports. */
  port?: number;
  /** The python with moto installed; default `python3`. */
  python?: string;
  now?: () => number;
}

export interface SandboxSummary {
  defaultAccount: string;
  accounts: string[];
  roles: number;
  iamUsers: number;
  permissionSets: number;
  identityStoreUsers: number;
  gcpResources: string[];
  people: number;
  /** Problems `validate` would report; roles with errors may be missing from the seed. */
  repoErrors: number;
}

export interface Sandbox {
  /** Variables to set (a value) or unset (undefined) in the shell that runs gitgrant. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly summary: SandboxSummary;
  readonly moto: MotoProcess;
  readonly gcp: GcpIamEmulator;
  /** Stops both emulators and the proxy; safe to call twice. */
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const { repo, diagnostics } = loadRepo(options.root);
  const hrConfig = repo.policy.hr;
  // Files from the checkout only: with no environment, a SCIM source is skipped, never called.
  const hr = await loadHrForRequest(hrConfig, { repoRoot: options.root, env: {} });
  const seed = sandboxSeed(repo, hr?.records.map((r) => r.email) ?? []);
  const settings: AwsSettings = repo.policy.aws;

  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const step of stops.reverse()) await step().catch(() => {});
    })());
  try {
    const moto = await startMoto({ python: options.python, accountId: seed.defaultAccount });
    stops.push(() => moto.stop());
    const proxy: ArnProxy = await startArnProxy({ upstream: moto.endpoint, port: options.port });
    stops.push(() => proxy.close());
    const token = `gitgrant-sandbox-${randomBytes(16).toString('hex')}`;
    const gcp = await startGcpIamEmulator({ token, port: options.port === undefined ? undefined : options.port + 1 });
    stops.push(() => gcp.close());

    const credentials = { AWS_ACCESS_KEY_ID: 'gitgrant-sandbox', AWS_SECRET_ACCESS_KEY: 'gitgrant-sandbox' };
    const seeded = await withEnv({ ...credentials, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined }, () => seedAws(moto.endpoint, settings, seed.aws, now));
    proxy.setTranslations(seeded.translations);
    for (const resource of seed.gcpResources) gcp.seedPolicy(resource, { version: 1 });

    return {
      env: {
        ...credentials,
        // The SDK prefers a named profile to these keys, and would send a real session token along.
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_REGION: seed.region,
        GITGRANT_AWS_ENDPOINT: proxy.url,
        GITGRANT_GCP_ENDPOINT: gcp.url,
        GITGRANT_GCP_TOKEN: token,
      },
      summary: {
        defaultAccount: seed.defaultAccount,
        accounts: seed.aws.accounts.map((a) => a.account),
        roles: seeded.counts.roles,
        iamUsers: seeded.counts.users,
        permissionSets: seeded.counts.permissionSets,
        identityStoreUsers: seeded.counts.identityStoreUsers,
        gcpResources: seed.gcpResources,
        people: seed.people.length,
        repoErrors: diagnostics.filter((d) => d.severity === 'error').length,
      },
      moto,
      gcp,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The SDK's default credential chain reads the process environment; the seeding clients must sign
 * with the sandbox's fake keys whatever the user's shell holds (never a real profile or key).
 */
async function withEnv<T>(values: Record<string, string | undefined>, action: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const set = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  set(values);
  try {
    return await action();
  } finally {
    set(saved);
  }
}
