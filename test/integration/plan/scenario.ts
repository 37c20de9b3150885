/**
 * One small organisation on both clouds, for the end-to-end plan/apply tests:
 * - role `db-readonly` binds roles/cloudsql.viewer on projects/acme-prod and lets the grantee assume
 *   the IAM role DbReader; role `ops` assigns a gitgrant-marked permission set through Identity Center;
 * - alice holds db-readonly now (09:00-13:00), bob from 11:00 to 15:00 (scheduled at T0), heidi holds ops until 12:00;
 * - access gitgrant did not make: two GCP bindings on the project (one conditional), and a
 *   hand-made IAM policy that lets alice assume DbReader without a deadline.
 */
import { NOW, aGrant, aPolicy, instant } from '../../support/builders/model.js';
import type { FileSpec } from '../../support/builders/model.js';
import type { TestCloud } from '../../support/cloud.js';
import type { StoredBinding } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import { TempRepo } from '../../support/temp-repo.js';
import { aTargetedRole } from '../../support/builders/plan.js';

export const T0 = NOW; // 2026-11-23T10:00:00Z
/** After alice's and heidi's grants end, while bob's is still on. */
export const T1 = instant('2026-11-23T13:30:00Z');
export const PROJECT = 'projects/acme-prod';
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const HEIDI = 'heidi@example.com';

export const WINDOWS = {
  alice: { starts: '2026-11-23T09:00:00Z', expires: '2026-11-23T13:00:00Z' },
  bob: { starts: '2026-11-23T11:00:00Z', expires: '2026-11-23T15:00:00Z' },
  heidi: { expires: '2026-11-23T12:00:00Z' },
};

// Keys in the order the double's clients write them, so "unchanged" can be checked byte for byte.
export const UNMANAGED_GCP: StoredBinding[] = [
  { members: ['user:legacy-admin@example.com', 'group:dba@example.com'], role: 'roles/owner' },
  {
    members: ['user:contractor@example.com'],
    role: 'roles/cloudsql.viewer',
    condition: { expression: 'request.time < timestamp("2027-01-01T00:00:00Z")', title: 'contract', description: 'Until the contract ends' },
  },
];

export interface Scenario {
  account: string;
  roleArn: string;
  aliceArn: string;
  bobArn: string;
  heidiId: string;
  permissionSetArn: string;
  instanceArn: string;
  grants: { alice: FileSpec; bob: FileSpec; heidi: FileSpec };
  /** The access repo as files; `repo()` writes them to a temporary folder. */
  files: FileSpec[];
  repo(files?: FileSpec[]): TempRepo;
}

export async function seedScenario(cloud: TestCloud): Promise<Scenario> {
  const account = await cloud.account();
  const roleArn = await cloud.createRole('DbReader');
  const aliceArn = await cloud.createIamUser(ALICE);
  const bobArn = await cloud.createIamUser(BOB);
  await cloud.attachHandMadePolicy(ALICE, 'legacy-db-reader', {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadForever', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
  });
  const { instanceArn } = await cloud.identityCenter();
  const heidiId = await cloud.createIdentityStoreUser(HEIDI);
  const permissionSetArn = await cloud.createPermissionSet('ops', true);
  await cloud.seedGcpPolicy(PROJECT, structuredClone(UNMANAGED_GCP));

  const grants = {
    alice: aGrant().for(ALICE).ofRole('db-readonly').startingAt(WINDOWS.alice.starts).expiringAt(WINDOWS.alice.expires).build(),
    bob: aGrant().for(BOB).ofRole('db-readonly').startingAt(WINDOWS.bob.starts).expiringAt(WINDOWS.bob.expires).build(),
    heidi: aGrant().for(HEIDI).ofRole('ops').expiringAt(WINDOWS.heidi.expires).build(),
  };
  const files = [
    aPolicy().allowingDuplicates().build(),
    aTargetedRole('db-readonly').onGcp(PROJECT, 'roles/cloudsql.viewer').onAwsIam(account, 'DbReader').build(),
    aTargetedRole('ops').onIdentityCenter(permissionSetArn, { account, instanceArn, sessionDuration: '1h' }).build(),
    ...Object.values(grants),
  ];
  return {
    account, roleArn, aliceArn, bobArn, heidiId, permissionSetArn, instanceArn, grants, files,
    repo: (chosen = files) => TempRepo.fromFiles(chosen),
  };
}

/** The GCP bindings gitgrant did not write, as stored. */
export const unmanagedOf = (bindings: readonly StoredBinding[]) => bindings.filter((b) => !b.condition?.title?.startsWith('gitgrant '));
export const managedOf = (bindings: readonly StoredBinding[]) => bindings.filter((b) => b.condition?.title?.startsWith('gitgrant ') ?? false);
