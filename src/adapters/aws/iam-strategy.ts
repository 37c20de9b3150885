/**
 * The iam strategy: a grant is a statement in gitgrant's own managed policy on the grantee's IAM
 * user, allowing sts:AssumeRole on the role within the window. Reads and writes IAM only.
 * A read is one GetAccountAuthorizationDetails listing (see iam-account-snapshot.ts), plus AWS
 * managed policies attached beside a grant, which the listing leaves out. Apply writes on the plan's read of each policy (the change's basis) rather than reading it again:
 * a changed policy costs one CreatePolicyVersion, an emptied one DetachUserPolicy + DeletePolicy after
 * deleting the older versions the read listed (no ListPolicyVersions). IAM has no etag, so this relies on applies being
 * serialised (the workflows share one concurrency group); a policy created or deleted since the
 * plan makes the write fail, and that principal is then re-read and written again.
 */
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  PutRolePolicyCommand,
  paginateListPolicyVersions,
  type IAMClient,
  type PolicyVersion,
} from '@aws-sdk/client-iam';
import type { LimitFunction } from 'p-limit';
import type { Instant } from '../../core/model/types.js';
import type { DesiredBinding, ObservedBinding, ReadBasis, TargetChange, Window } from '../../core/plan/types.js';
import { parseIamArn } from '../../core/aws/arn.js';
import { AwsApplyError, errorMessage, isAwsError, runAll, unlessMissing, type Task } from './errors.js';
import {
  GRANT_POLICY_PATH,
  bindingOfStatement,
  grantPolicyArn,
  grantPolicyName,
  grantStatement,
  requireUserArn,
  sessionNameOf,
  statementSid,
  withGrantStatements,
} from '../../core/aws/iam-grant-policy.js';
import {
  MAX_ROLE_SESSION_MS,
  REVOCATION_POLICY_NAME,
  accessEnds,
  holdsSessionEnd,
  nextSessionEndPolicy,
  roleSessionUserId,
  windowTakenAway,
} from '../../core/aws/iam-revocations.js';
import { defaultDocumentOf, grantPolicyReads, readAccountSnapshot, roleReads, type AccountSnapshot, type GrantPolicyRead, type RoleRead } from './iam-account-snapshot.js';
import { iamBasis, oldestFirst, plannedGrantPolicy, versionNumber, type IamTargetState, type PlannedGrantPolicy } from './iam-target-state.js';
import { IAM_QUOTAS, missingIamUserHint } from './limits.js';
import {
  allowsAssumeRole,
  emptyDocument,
  parsePolicyDocument,
  policySize,
  serialisePolicy,
  type PolicyDocument,
} from '../../core/aws/policy-document.js';

type IamTarget = { provider: 'aws'; strategy: 'iam'; account: string };

const NOT_FOUND = 'NoSuchEntityException';
const ALREADY_EXISTS = 'EntityAlreadyExistsException';
const DELETE_CONFLICT = 'DeleteConflictException';

export class IamStrategy {
  constructor(
    private readonly iam: IAMClient,
    private readonly limit: LimitFunction,
    private readonly now: () => Instant,
  ) {}

  async read(target: IamTarget): Promise<IamTargetState> {
    const readAt = this.now();
    const snapshot = await readAccountSnapshot(this.iam);
    const reads = grantPolicyReads(snapshot, target.account);
    const roles = roleReads(snapshot, REVOCATION_POLICY_NAME);
    const managed = reads.flatMap((read) => {
      const bindings = read.document.Statement.map((s) => bindingOfStatement(s, read.principal));
      // An unattached policy grants nothing, whether its user exists or not (a failed attach, a
      // hand detach, a deleted user): its statements are reported as inert, so the plan adds a
      // grant they match again (which attaches it, or fails on a missing user) and removes the rest.
      if (read.attached) return withEnforcedWindows(bindings, roles, readAt);
      const detached = read.userExists ? 'policy not attached' : `no IAM user ${read.userName}`;
      return bindings.flatMap((b) => (b.managed ? [{ ...b, inert: true, label: `${b.label} (${detached}: gives no access)` }] : []));
    });
    const managedRoles = new Set(managed.filter((b) => b.managed).map((b) => b.permission));
    const unmanaged = await Promise.all(reads.map((read) => this.unmanagedGrants(read, managedRoles, snapshot)));
    return {
      target,
      bindings: sortBindings([...managed, ...unmanaged.flat()]),
      attachedPolicyCounts: Object.fromEntries(
        reads.filter((r) => r.userExists).map((r) => [r.principal, r.otherPolicyArns.length + (r.attached ? 1 : 0)]),
      ),
      grantPolicyAttached: reads.filter((r) => r.attached).map((r) => r.principal).sort(),
      roles,
      readAt,
      userNames: [...snapshot.usersByName.keys()].sort(),
      basis: iamBasis(
        Object.fromEntries(reads.map((r) => [r.userName, { document: r.document, defaultVersionId: r.defaultVersionId, olderVersionIds: r.olderVersionIds, attached: r.attached }])),
      ),
    };
  }

  async apply(change: TargetChange & { target: IamTarget }): Promise<void> {
    const puts = [...change.add, ...change.update.map((u) => u.to)];
    const removals = change.remove.filter((b) => b.managed && b.id !== undefined);
    const principals = [...new Set([...puts, ...removals].map((b) => b.principal))].sort();
    const label = `aws:iam:${change.target.account}`;
    // The documents each principal holds after this apply (what was written, or meant to be).
    const intended = new Map<string, PolicyDocument>();
    const allowFailure = await failureOf(
      runAll(
        label,
        principals.map((principal) => ({
          label: `policy of ${principal}`,
          run: () =>
            this.applyPrincipal(
              principal,
              puts.filter((b) => b.principal === principal),
              removals.filter((b) => b.principal === principal).map((b) => statementSid(b.id!)),
              change.basis,
              (document) => intended.set(principal, document),
            ),
        })),
        this.limit,
      ),
    );
    // After the Allow writes, so no session can be issued between a revocation and the Allow's removal.
    const now = this.now();
    const taken = [...removals, ...change.update.map((u) => u.from)].filter((b) => b.managed);
    const touched = new Map<string, Set<string>>(); // role → principals whose ends are recomputed
    for (const b of [...puts, ...taken]) touched.set(b.permission, new Set([...(touched.get(b.permission) ?? []), b.principal]));
    const windowsOn = (role: string, principal: string): Window[] => [
      ...(intended.get(principal)?.Statement ?? [])
        .map((s) => bindingOfStatement(s, principal))
        .flatMap((b) => (b.managed && b.permission === role && b.window ? [b.window] : [])),
      ...taken.filter((b) => b.principal === principal && b.permission === role).flatMap((b) => windowTakenAway(b.window, now) ?? []),
    ];
    const tasks: Task[] = [...touched.keys()].sort().map((role) => ({
      label: `session ends on ${role}`,
      run: () => this.writeSessionEnds(role, [...touched.get(role)!].sort().map((p) => ({ sessionName: sessionNameOf(p), windows: windowsOn(role, p) })), now),
    }));
    const endFailure = await failureOf(runAll(label, tasks, this.limit));
    const failures = [...(allowFailure?.failures ?? []), ...(endFailure?.failures ?? [])];
    if (failures.length > 0) throw new AwsApplyError(label, failures);
  }

  /**
   * Other policies on the same user that let it assume a role gitgrant manages: reported so a
   * reviewer sees standing access beside the time-boxed grant; never modified. Group policies are
   * not followed (gitgrant grants to users only).
   */
  private async unmanagedGrants(read: GrantPolicyRead, managedRoles: ReadonlySet<string>, snapshot: AccountSnapshot): Promise<ObservedBinding[]> {
    const documents = await Promise.all([
      ...read.otherPolicyArns.map(async (arn) => {
        const local = snapshot.policiesByArn.get(arn);
        // AWS managed policies are not in the snapshot (all of them would be); they are read one by one.
        const document = local ? defaultDocumentOf(local) : await this.limit(async () => (await this.defaultDocument(arn))?.document);
        return { name: parseIamArn(arn)?.name ?? arn, document };
      }),
      ...read.inlinePolicies.map(({ name, document }) => ({ name: `${name} (inline)`, document })),
    ]);
    return documents.flatMap(({ name, document }) =>
      (document?.Statement ?? []).flatMap((statement, index) =>
        [...managedRoles]
          .filter((role) => allowsAssumeRole(statement, role))
          .map((role) => ({
            managed: false,
            principal: read.principal,
            permission: role,
            label: `${name}:${statement.Sid ?? `#${index + 1}`}`,
          })),
      ),
    );
  }

  private async defaultDocument(
    policyArn: string,
  ): Promise<{ document: PolicyDocument; versionId: string; attachmentCount: number } | undefined> {
    const policy = await unlessMissing(this.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })), NOT_FOUND);
    if (!policy?.Policy) return undefined;
    const versionId = policy.Policy.DefaultVersionId!;
    const version = await this.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
    return {
      document: parsePolicyDocument(version.PolicyVersion?.Document ?? '{}'),
      versionId,
      attachmentCount: policy.Policy.AttachmentCount ?? 0,
    };
  }

  private async applyPrincipal(
    principal: string,
    puts: readonly DesiredBinding[],
    removeSids: readonly string[],
    basis: ReadBasis,
    intended: (document: PolicyDocument) => void,
  ): Promise<void> {
    const userName = requireUserArn(principal).name;
    const policyArn = grantPolicyArn(principal);
    const write = (current: PlannedGrantPolicy | null) => this.writeGrantPolicy(userName, policyArn, current, puts, removeSids, intended);
    const planned = plannedGrantPolicy(basis, userName);
    if (planned === undefined) return write(await this.currentGrantPolicy(policyArn));
    try {
      await write(planned);
    } catch (error) {
      // Created or deleted since the plan read it: write on what is there now.
      if (!isAwsError(error, ALREADY_EXISTS, NOT_FOUND)) throw error;
      await write(await this.currentGrantPolicy(policyArn));
    }
  }

  private async currentGrantPolicy(policyArn: string): Promise<PlannedGrantPolicy | null> {
    const current = await this.defaultDocument(policyArn);
    return current ? { document: current.document, defaultVersionId: current.versionId, attached: current.attachmentCount > 0 } : null;
  }

  private async writeGrantPolicy(
    userName: string,
    policyArn: string,
    current: PlannedGrantPolicy | null,
    puts: readonly DesiredBinding[],
    removeSids: readonly string[],
    intended: (document: PolicyDocument) => void,
  ): Promise<void> {
    const next = withGrantStatements(current?.document ?? emptyDocument(), puts.map(grantStatement), removeSids);
    intended(next);
    if (next.Statement.length === 0) {
      if (current) await this.deleteGrantPolicy(userName, policyArn, current.olderVersionIds);
      return;
    }
    if (!current) {
      await this.iam.send(
        new CreatePolicyCommand({
          PolicyName: grantPolicyName(userName),
          Path: GRANT_POLICY_PATH,
          PolicyDocument: serialisePolicy(next),
          Description: 'Managed by gitgrant: time-boxed role assumption. Edit the access repo, not this policy.',
        }),
      );
    } else if (canonical(next) !== canonical(current.document)) {
      await this.makeRoomForVersion(policyArn, current);
      await this.iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: serialisePolicy(next), SetAsDefault: true }));
    }
    // Attached only for a grant to give: a removal from a detached policy must not bring back the rest.
    if (!current?.attached && puts.length > 0) await this.attach(userName, policyArn, puts, intended);
  }

  /**
   * Attaches the user's gitgrant policy. When that fails the policy gives no access, so it is
   * deleted again rather than left behind (the next plan would read it as a grant it cannot see
   * take effect); a user that does not exist fails with what to fix, per grant.
   */
  private async attach(userName: string, policyArn: string, puts: readonly DesiredBinding[], intended: (document: PolicyDocument) => void): Promise<void> {
    try {
      await this.iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: policyArn }));
      return;
    } catch (error) {
      // The policy itself gone since the write: applyPrincipal writes again on what is there now.
      const userMissing = isAwsError(error, NOT_FOUND) && (await unlessMissing(this.iam.send(new GetUserCommand({ UserName: userName })), NOT_FOUND)) === undefined;
      if (!userMissing && isAwsError(error, NOT_FOUND)) throw error;
      try {
        await this.deleteGrantPolicy(userName, policyArn, undefined);
        intended(emptyDocument());
      } catch (cleanup) {
        // Left behind, but read as inert by the next plan, which adds the grant again.
        throw new Error(`${errorMessage(error)}; the unattached policy could not be deleted either: ${errorMessage(cleanup)}`);
      }
      if (!userMissing) throw error;
      const account = parseIamArn(policyArn)?.account ?? '';
      throw new IamUserMissing(
        [...new Set(puts.flatMap((b) => b.grants))].sort().map((grant) => `${grant}: account ${account} has no IAM user ${userName}, so this grant cannot take effect there (the policy written for it was deleted again)`),
        missingIamUserHint(userName, account),
      );
    }
  }

  /** IAM keeps at most 5 versions; the oldest non-default one goes before a new one is written. */
  private async makeRoomForVersion(policyArn: string, current: PlannedGrantPolicy): Promise<void> {
    const older = current.olderVersionIds ?? (mayHoldAllVersions(current.defaultVersionId) ? await this.listOlderVersions(policyArn) : undefined);
    if (older && older.length + 1 >= IAM_QUOTAS.managedPolicyVersions) await this.deleteVersions(policyArn, older.slice(0, 1));
  }

  /**
   * Detaches and deletes a user's gitgrant policy. `knownOlder` are the versions the plan's read
   * saw; without them they are listed first (IAM refuses to delete a policy that still has
   * non-default versions).
   */
  private async deleteGrantPolicy(userName: string, policyArn: string, knownOlder: readonly string[] | undefined): Promise<void> {
    await unlessMissing(this.iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: policyArn })), NOT_FOUND);
    const older = knownOlder ?? (await this.listOlderVersions(policyArn));
    if (older === undefined) return;
    try {
      await this.deleteWithVersions(policyArn, older);
    } catch (error) {
      // A version was written since the plan read the policy: list what is there now.
      if (knownOlder === undefined || !isAwsError(error, DELETE_CONFLICT)) throw error;
      const listed = await this.listOlderVersions(policyArn);
      if (listed !== undefined) await this.deleteWithVersions(policyArn, listed);
    }
  }

  private async deleteWithVersions(policyArn: string, olderVersionIds: readonly string[]): Promise<void> {
    await this.deleteVersions(policyArn, olderVersionIds);
    await unlessMissing(this.iam.send(new DeletePolicyCommand({ PolicyArn: policyArn })), NOT_FOUND);
  }

  private async deleteVersions(policyArn: string, versionIds: readonly string[]): Promise<void> {
    for (const versionId of versionIds) {
      await unlessMissing(this.iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })), NOT_FOUND);
    }
  }

  /** The policy's non-default versions, oldest first, or `undefined` when the policy is gone. */
  private async listOlderVersions(policyArn: string): Promise<string[] | undefined> {
    const versions: PolicyVersion[] = [];
    try {
      for await (const page of paginateListPolicyVersions({ client: this.iam }, { PolicyArn: policyArn })) {
        versions.push(...(page.Versions ?? []));
      }
    } catch (error) {
      if (isAwsError(error, NOT_FOUND)) return undefined;
      throw error;
    }
    return oldestFirst(versions.filter((v) => !v.IsDefaultVersion).map((v) => v.VersionId ?? ''));
  }

  /**
   * Rewrites the role's session-end policy for these grantees: GetRole (its id and
   * MaxSessionDuration), GetRolePolicy, then PutRolePolicy or DeleteRolePolicy when it changed.
   */
  private async writeSessionEnds(roleArn: string, grantees: readonly { sessionName: string; windows: readonly Window[] }[], now: Instant): Promise<void> {
    const role = parseIamArn(roleArn);
    if (!role || role.kind !== 'role') throw new Error(`expected an IAM role ARN as the permission, got "${roleArn}"`);
    const described = await unlessMissing(this.iam.send(new GetRoleCommand({ RoleName: role.name })), NOT_FOUND);
    // A role that does not exist has no sessions to end.
    if (!described?.Role?.RoleId) return;
    const roleId = described.Role.RoleId;
    const maxSessionMs = (described.Role.MaxSessionDuration ?? MAX_ROLE_SESSION_MS / 1000) * 1000;
    const existing = await unlessMissing(
      this.iam.send(new GetRolePolicyCommand({ RoleName: role.name, PolicyName: REVOCATION_POLICY_NAME })),
      NOT_FOUND,
    );
    const current = existing?.PolicyDocument ? parsePolicyDocument(existing.PolicyDocument) : undefined;
    const recomputed = new Map(grantees.map((g) => [roleSessionUserId(roleId, g.sessionName), g.windows]));
    const next = nextSessionEndPolicy(current, { recomputed, now, maxSessionMs });
    if (!next) {
      if (current) await unlessMissing(this.iam.send(new DeleteRolePolicyCommand({ RoleName: role.name, PolicyName: REVOCATION_POLICY_NAME })), NOT_FOUND);
      return;
    }
    if (current && canonical(next) === canonical(current)) return;
    const size = policySize(next);
    if (size > IAM_QUOTAS.roleInlinePolicySize) {
      // Never drop a deny to make room: fail loudly; the plan-time check (limits.ts) normally stops this first.
      throw new Error(
        `the session-end policy on ${role.name} would be ${size} characters, over IAM's ${IAM_QUOTAS.roleInlinePolicySize}; it was not written, so sessions issued before these ends are not cut (see docs/providers.md, "At the limit")`,
      );
    }
    await unlessMissing(
      this.iam.send(new PutRolePolicyCommand({ RoleName: role.name, PolicyName: REVOCATION_POLICY_NAME, PolicyDocument: serialisePolicy(next) })),
      NOT_FOUND,
    );
  }
}

/**
 * Whether a policy whose default is `versionId` may already have IAM's 5 versions. Numbers only go
 * up, so a policy at v4 or below has at most 4 and needs no listing before a new version.
 */
function mayHoldAllVersions(versionId: string): boolean {
  const number = versionNumber(versionId);
  return number === undefined || number >= IAM_QUOTAS.managedPolicyVersions;
}

/** Key-sorted JSON: IAM may hand a document back with its keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The window of a managed binding is reported only while the cloud enforces it for sessions too: its
 * role holds the session end of the person's access (the end of the merged interval that contains the
 * window). Without it the binding reads as having no cloud deadline, so the plan updates it and apply
 * writes the end: a failed or older apply converges on the next run.
 */
function withEnforcedWindows(bindings: ObservedBinding[], roles: Record<string, RoleRead>, readAt: Instant): ObservedBinding[] {
  return bindings.map((binding) => {
    const role = roles[binding.permission];
    if (!binding.managed || !binding.window || !role || binding.window.expires <= readAt) return binding;
    const windows = bindings.filter((b) => b.managed && b.permission === binding.permission && b.window).map((b) => b.window!);
    const end = accessEnds(windows).find((e) => e >= binding.window!.expires)!;
    if (holdsSessionEnd(role.sessionEnds, roleSessionUserId(role.roleId, sessionNameOf(binding.principal)), end)) return binding;
    const { window: _missing, ...rest } = binding;
    return rest;
  });
}

/** A grant to an IAM user the account does not have: nothing was given, nothing was left behind. */
class IamUserMissing extends Error {
  constructor(grants: readonly string[], hint: string) {
    super(`${grants.join('; ')} (hint: ${hint})`);
    this.name = 'IamUserMissing';
  }
}

async function failureOf(run: Promise<void>): Promise<AwsApplyError | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    if (error instanceof AwsApplyError) return error;
    throw error;
  }
}

function sortBindings(bindings: ObservedBinding[]): ObservedBinding[] {
  const key = (b: ObservedBinding) => `${b.principal}\u0000${b.managed ? 0 : 1}\u0000${b.label}\u0000${b.permission}`;
  return bindings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
