/**
 * Lifecycle integration setup: a git access repo in a temp folder, the GCP double, an AWS endpoint
 * that refuses every connection (a target that keeps failing), and the CLI run in-process with a
 * fixed clock. Grants use GCP targets unless a test says otherwise.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { aGrant, aPolicy, aRole, type FileSpec } from '../../support/builders/model.js';
import { startGcpIamEmulator as startGcpDouble, type GcpIamEmulator as GcpDouble } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli, type CliRun } from '../../support/run-cli.js';

export const PROJECT = 'projects/acme-test';
export const FAILING_ACCOUNT = '999999999999';

/** A loopback port nobody listens on: connections to it are refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface World {
  gcp: GcpDouble;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startWorld(extraEnv: Record<string, string> = {}): Promise<World> {
  const gcp = await startGcpDouble();
  const env = {
    CI: 'true',
    GITGRANT_GCP_ENDPOINT: gcp.url,
    GITGRANT_GCP_TOKEN: gcp.token,
    GITGRANT_AWS_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
    GITGRANT_AWS_MAX_ATTEMPTS: '1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    ...extraEnv,
  };
  return { gcp, env, close: () => gcp.close() };
}

/** A role on the test project (the builders' default target). */
export const gcpRole = (name = 'app-readonly'): FileSpec => aRole(name).build();

export function roleYaml(name: string, targets: unknown[], extra = ''): string {
  return [
    `description: Test role ${name}.`,
    "owners: ['@example-org/owners']",
    'approvals:',
    "  - { name: owners, count: 1, from: ['@example-org/owners'] }",
    `targets: ${JSON.stringify(targets)}`,
    extra,
  ].join('\n');
}

/** A role on an AWS account whose endpoint never answers. */
export const awsRole = (name: string): FileSpec => ({
  path: `roles/${name}.yaml`,
  text: roleYaml(name, [{ aws: { account: FAILING_ACCOUNT, strategy: 'iam', roleName: 'Target' } }]),
});

/** A git access repo with a committer identity, so the CLI's own commits work anywhere. */
export function gitRepo(files: FileSpec[]): TempRepo {
  const repo = TempRepo.fromFiles([aPolicy().build(), ...files]).initGit();
  repo.git('config', 'user.name', 'gitgrant-test[bot]');
  repo.git('config', 'user.email', 'bot@example.com');
  return repo;
}

export function cli(world: World, repo: TempRepo, ...argv: string[]): Promise<CliRun> {
  return runCli([...argv, '--repo', repo.root], { cwd: repo.root, env: world.env });
}

/** The members of `role` on the test project, conditional or not. */
export function membersOf(world: World, role = 'roles/viewer'): string[] {
  return (world.gcp.policy(PROJECT)?.bindings ?? []).filter((b) => b.role === role).flatMap((b) => b.members ?? []).sort();
}

export { aGrant };
