/**
 * Both clouds for end-to-end tests of plan and apply: moto (AWS IAM, Identity Center, Identity
 * Store) behind a fault proxy, and the GCP Resource Manager double; helpers to seed them with
 * access gitgrant did not make and to read back exactly what is stored; and `run`, which calls
 * `main([...])` in-process with the environment the CLI reads in CI.
 *
 * Always local, whatever GITGRANT_AWS_ENDPOINT / GITGRANT_GCP_ENDPOINT say: these suites reset
 * both clouds between cases and inject faults, which only the emulators allow. The provider
 * suites (test/integration/aws, test/integration/gcp) are the ones that run against other endpoints.
 */
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  paginateListPolicies,
} from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateIdentityStoreUserCommand } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/support/io.js';
import { formatInstant, parseInstant } from '../../src/core/model/instant.js';
import type { Instant } from '../../src/core/model/types.js';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/adapters/aws/clients.js';
import { MANAGED_PERMISSION_SET_MARKER } from '../../src/adapters/aws/identity-center-strategy.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble, type GcpIamEmulatorOptions as GcpDoubleOptions, type StoredBinding } from '../../src/adapters/sandbox/gcp-iam-emulator.js';
import { startMoto } from './moto.js';

export interface CloudRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CloudOptions {
  /** Per-call timeouts the CLI gets, so an injected hang costs this long. Default: 2 s each. */
  awsRequestTimeoutMs?: number;
  gcpCallTimeoutMs?: number;
  gcp?: GcpDoubleOptions;
}

/** An IAM policy as stored: its name, default version and the document text exactly as read. */
export interface StoredIamPolicy {
  name: string;
  arn: string;
  versionId: string;
  document: string;
}

export interface TestCloud {
  /** Direct clients (not through the proxy), for seeding and reading around the CLI. */
  readonly aws: AwsClients;
  /** In front of the AWS endpoint; the CLI talks through it. */
  readonly proxy: FaultProxy;
  readonly double: GcpDouble;
  /** The environment the CLI gets. */
  readonly env: Record<string, string>;
  /** The AWS account the endpoint answers for. */
  account(): Promise<string>;
  /** `gitgrant <argv> --now <now>` in-process; output captured; `extraEnv` added to the CLI's environment. */
  run(argv: readonly string[], now: Instant | string, extraEnv?: Record<string, string>): Promise<CloudRun>;
  /** Forgets all AWS state, empties every GCP policy seeded, read or written, and clears faults. */
  reset(): Promise<void>;
  close(): Promise<void>;

  createIamUser(name: string): Promise<string>;
  /** A role whose trust policy leaves the decision to the account's identity policies. */
  createRole(name: string): Promise<string>;
  /** A customer-managed policy attached to the user, as someone might make by hand. */
  attachHandMadePolicy(userName: string, policyName: string, document: object): Promise<string>;
  /** Every customer-managed policy in the account with its stored default document. */
  iamPolicies(pathPrefix?: string): Promise<StoredIamPolicy[]>;

  /** moto's Identity Center instance (it makes one per account). */
  identityCenter(): Promise<{ instanceArn: string; identityStoreId: string }>;
  createIdentityStoreUser(userName: string): Promise<string>;
  /** A permission set, marked as gitgrant's when `managed`. */
  createPermissionSet(name: string, managed: boolean): Promise<string>;

  seedGcpPolicy(resource: string, bindings: StoredBinding[]): Promise<void>;
  /** The bindings exactly as the double stores them. */
  gcpBindings(resource: string): Promise<StoredBinding[]>;
}

const TRUST_ACCOUNT = (account: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
});

export async function startTestCloud(options: CloudOptions = {}): Promise<TestCloud> {
  // The emulators take any credentials; the SDKs' default chain reads them from the process environment.
  process.env['AWS_ACCESS_KEY_ID'] ??= 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'testing';
  const region = 'us-east-1';
  const moto = await startMoto();
  const proxy = await startFaultProxy({ upstream: moto.endpoint });
  const double = await startGcpDouble(options.gcp);
  const aws = createAwsClients({ endpoint: moto.endpoint, region });
  const env: Record<string, string> = {
    CI: 'true',
    AWS_REGION: region,
    GITGRANT_AWS_ENDPOINT: proxy.url,
    GITGRANT_AWS_REQUEST_TIMEOUT_MS: String(options.awsRequestTimeoutMs ?? 2_000),
    GITGRANT_GCP_ENDPOINT: double.url,
    GITGRANT_GCP_TOKEN: double.token,
    GITGRANT_GCP_CALL_TIMEOUT_MS: String(options.gcpCallTimeoutMs ?? 2_000),
  };
  const seededResources = new Set<string>();
  let account: string | undefined;

  const cloud: TestCloud = {
    aws,
    proxy,
    double,
    env,

    async account() {
      account ??= (await aws.sts.send(new GetCallerIdentityCommand({}))).Account!;
      return account;
    },

    async run(argv, now, extraEnv = {}) {
      const at = typeof now === 'number' ? now : parseInstant(now);
      if (at === undefined) throw new Error(`test bug: ${String(now)} is not an instant`);
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        env: { ...env, ...extraEnv },
        cwd: process.cwd(),
        isTTY: false,
        now: () => at,
      };
      const code = await main([...argv, '--now', formatInstant(at)], io);
      return { code, stdout, stderr };
    },

    async reset() {
      await moto.reset();
      for (const request of double.requests()) seededResources.add(request.resource);
      for (const resource of seededResources) await cloud.seedGcpPolicy(resource, []);
      proxy.setRates([]);
      proxy.resetCounts();
      for (const method of ['getIamPolicy', 'setIamPolicy'] as const) double.setFaultRates(method, {});
    },

    async close() {
      destroyAwsClients(aws);
      await double.close();
      await proxy.close();
      await moto.stop();
    },

    async createIamUser(name) {
      return (await aws.iam.send(new CreateUserCommand({ UserName: name }))).User!.Arn!;
    },

    async createRole(name) {
      const trust = TRUST_ACCOUNT(await cloud.account());
      return (await aws.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
    },

    async attachHandMadePolicy(userName, policyName, document) {
      const created = await aws.iam.send(new CreatePolicyCommand({ PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
      await aws.iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: created.Policy!.Arn! }));
      return created.Policy!.Arn!;
    },

    async iamPolicies(pathPrefix = '/') {
      const stored: StoredIamPolicy[] = [];
      for await (const page of paginateListPolicies({ client: aws.iam }, { Scope: 'Local', PathPrefix: pathPrefix })) {
        for (const listed of page.Policies ?? []) {
          const policy = (await aws.iam.send(new GetPolicyCommand({ PolicyArn: listed.Arn! }))).Policy!;
          const version = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn!, VersionId: policy.DefaultVersionId! }));
          stored.push({ name: policy.PolicyName!, arn: policy.Arn!, versionId: policy.DefaultVersionId!, document: decodeURIComponent(version.PolicyVersion!.Document!) });
        }
      }
      return stored.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    },

    async identityCenter() {
      const instance = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances?.[0];
      if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error('the AWS endpoint has no IAM Identity Center instance; enable one in the sandbox account');
      return { instanceArn: instance.InstanceArn, identityStoreId: instance.IdentityStoreId };
    },

    async createIdentityStoreUser(userName) {
      const { identityStoreId } = await cloud.identityCenter();
      const created = await aws.identityStore.send(
        new CreateIdentityStoreUserCommand({
          IdentityStoreId: identityStoreId, UserName: userName, DisplayName: userName,
          Name: { GivenName: userName.split('@')[0]!, FamilyName: 'Example' }, Emails: [{ Value: userName, Primary: true }],
        }),
      );
      return created.UserId!;
    },

    async createPermissionSet(name, managed) {
      const { instanceArn } = await cloud.identityCenter();
      const created = await aws.ssoAdmin.send(
        new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: name, Description: managed ? `Just-in-time access. ${MANAGED_PERMISSION_SET_MARKER}` : 'Made by hand.' }),
      );
      return created.PermissionSet!.PermissionSetArn!;
    },

    async seedGcpPolicy(resource, bindings) {
      seededResources.add(resource);
      double.seedPolicy(resource, { version: 3, ...(bindings.length ? { bindings } : {}) });
    },

    async gcpBindings(resource) {
      return double.policy(resource)?.bindings ?? [];
    },
  };
  return cloud;
}
