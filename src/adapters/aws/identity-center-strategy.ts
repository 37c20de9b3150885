/**
 * The identity-center strategy: a grant is an account assignment (user × permission set × account).
 * An assignment cannot carry a deadline, so the deadline goes into the permission set's inline policy
 * as a Deny on the user's sessions from `expires` on (identity-center-session-ends.ts); the sweep still
 * removes the assignment. A binding's observed window is that end: a binding without one reads as
 * having no cloud deadline, so the plan updates it and apply writes it.
 *
 * Every call goes through a pacer (rate-limit.ts): Identity Center throttles its admin API as a whole
 * and caps the assignment operations in flight.
 *
 * Ownership: an assignment has no field, tag or description of its own where a marker could live,
 * so gitgrant marks the permission set instead and owns every USER assignment of a marked set.
 * AWS would let the marker be a `gitgrant:managed=true` tag, but moto 5.2.1 stores permission set
 * tags without serving ListTagsForResource, so the tests could not exercise it. The marker is
 * therefore the same text in the permission set's Description, which both AWS and moto return from
 * DescribePermissionSet and which, like tags, only identity-center administrators can edit.
 */
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  type AccountAssignment,
  type AccountAssignmentOperationStatus,
  type PermissionSetProvisioningStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { LimitFunction } from 'p-limit';
import type { Instant } from '../../core/model/types.js';
import type { DesiredBinding, ObservedBinding, TargetChange } from '../../core/plan/types.js';
import { AwsApplyError, errorMessage, runAll, unlessMissing } from './errors.js';
import { endKey, nextInlinePolicy, readAssignmentEnds, sessionDurationMs } from '../../core/aws/identity-center-session-ends.js';
import { parsePolicyDocument, serialisePolicy, type PolicyDocument } from '../../core/aws/policy-document.js';
import type { Pacer } from './rate-limit.js';

type IdentityCenterTarget = { provider: 'aws'; strategy: 'identity-center'; account: string; instanceArn: string };

// SDK-free, so the pure limit checks (and an offline plan) do not load the SDK.
export { MANAGED_PERMISSION_SET_MARKER, identityCenterBindingId, isIdentityCenterTargetState, isManagedPermissionSet, type IdentityCenterTargetState } from '../../core/aws/identity-center-target-state.js';
import { identityCenterBindingId, isManagedPermissionSet, type IdentityCenterTargetState } from '../../core/aws/identity-center-target-state.js';

export interface StatusPolling {
  /** First wait; doubles each poll up to `maxIntervalMs`. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Polls before giving up with an error (the next run finds the assignment's real state). */
  maxPolls: number;
}

export const defaultStatusPolling: StatusPolling = { initialIntervalMs: 250, maxIntervalMs: 5_000, maxPolls: 30 };

type ManagedSet = { arn: string; name: string; managed: boolean; sessionMs: number };

export class IdentityCenterStrategy {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly limit: LimitFunction,
    private readonly polling: StatusPolling,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly pacer: Pacer,
    private readonly now: () => Instant,
  ) {}

  /** The inline-policy writes under way, by permission set: the tail of each one's queue. */
  private readonly endWrites = new Map<string, Promise<void>>();

  /**
   * One read-modify-write of a permission set's inline policy at a time. The policy is shared by
   * every account the set is assigned in, and targets (one per account) are applied concurrently:
   * two writes that overlap would each drop the other's ends, and an assignment would then live
   * without its deadline. (Runs are serialised by the workflows' concurrency group.)
   */
  private oneAtATime(key: string, run: () => Promise<void>): Promise<void> {
    const next = (this.endWrites.get(key) ?? Promise.resolve()).catch(() => undefined).then(run);
    this.endWrites.set(key, next);
    const forget = () => {
      if (this.endWrites.get(key) === next) this.endWrites.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  /** Every Identity Center call, paced. */
  private send<T>(command: object): Promise<T> {
    // The SDK's overloads tie each command to its output; callers name the output type they read.
    return this.pacer.call(() => this.ssoAdmin.send(command as never) as Promise<T>);
  }

  async read(target: IdentityCenterTarget): Promise<IdentityCenterTargetState> {
    const readAt = this.now();
    const permissionSets = await this.permissionSets(target.instanceArn);
    const inlinePolicies: Record<string, PolicyDocument | null> = {};
    const perSet = await Promise.all(
      permissionSets.map((set) =>
        this.limit(async () => {
          const inline = set.managed ? await this.inlinePolicy(target.instanceArn, set.arn) : undefined;
          if (set.managed) inlinePolicies[set.arn] = inline ?? null;
          const ends = readAssignmentEnds(inline);
          return (await this.assignments(target, set.arn)).map((a): ObservedBinding => {
            const managed = set.managed && a.PrincipalType === 'USER';
            const end = managed ? ends.get(endKey(target.account, a.PrincipalId!)) : undefined;
            return {
              ...(managed ? { id: identityCenterBindingId(target.account, set.arn, a.PrincipalId!) } : {}),
              managed,
              principal: a.PrincipalType === 'USER' ? a.PrincipalId! : `${a.PrincipalType}:${a.PrincipalId}`,
              permission: set.arn,
              // The deadline the cloud holds for this person's sessions; a past one is not a deadline still to come.
              ...(end && end.at > readAt ? { window: { expires: end.at } } : {}),
              label: `${set.name} → ${a.PrincipalType} ${a.PrincipalId}`,
            };
          });
        }),
      ),
    );
    const bindings = perSet.flat().sort((a, b) => compare(`${a.permission} ${a.principal}`, `${b.permission} ${b.principal}`));
    const managedPermissionSets = permissionSets.filter((set) => set.managed).map((set) => set.arn).sort(compare);
    return { target, bindings, managedPermissionSets, inlinePolicies, readAt };
  }

  /**
   * Removals first (assignment deleted, then its sessions end now), then each touched permission
   * set's inline policy is written and provisioned to the account, then the new assignments are made,
   * only where their set's deadline was written: an assignment is never given without its end.
   */
  async apply(change: TargetChange & { target: IdentityCenterTarget }): Promise<void> {
    const target = change.target;
    const label = `aws:identity-center:${target.account}`;
    const adds = [...change.add, ...change.update.map((u) => u.to)];
    const addKeys = new Set(adds.map(assignmentKey));
    // A removal that an add puts straight back (say the ids were computed differently) is skipped:
    // deleting and recreating an assignment would cut the holder's access in between.
    const removals = [...change.remove, ...change.update.map((u) => u.from)].filter(
      (b) => b.managed && !addKeys.has(assignmentKey(b)),
    );
    const failures: string[] = [];
    const collect = async (tasks: { label: string; run(): Promise<void> }[]) => {
      try {
        await runAll(label, tasks, this.limit);
      } catch (error) {
        if (!(error instanceof AwsApplyError)) throw error;
        failures.push(...error.failures);
      }
    };
    await collect(removals.map((b) => ({ label: `remove ${b.label}`, run: () => this.pacer.assignment(() => this.deleteAssignment(target, b)) })));

    const now = this.now();
    const sets = [...new Set([...adds, ...removals].map((b) => b.permission))].sort(compare);
    const ended = new Set<string>();
    const sessions = await this.sessionDurations(target.instanceArn, sets);
    await collect(
      sets.map((set) => ({
        label: `session ends in ${set}`,
        run: async () => {
          await this.oneAtATime(`${target.instanceArn}|${set}`, () => this.writeEnds(target, set, {
            set: adds.filter((b) => b.permission === set && b.window).map((b) => ({ account: target.account, userId: b.principal, at: b.window!.expires })),
            revoke: removals.filter((b) => b.permission === set).map((b) => ({ account: target.account, userId: b.principal })),
            now,
            sessionMs: sessions.get(set) ?? 12 * 60 * 60 * 1000,
          }));
          ended.add(set);
        },
      })),
    );

    const existing = new Map<string, Promise<Set<string>>>();
    const existingFor = (permissionSetArn: string) => {
      if (!existing.has(permissionSetArn)) {
        existing.set(permissionSetArn, this.assignments(target, permissionSetArn).then((list) => new Set(list.map((a) => a.PrincipalId!))));
      }
      return existing.get(permissionSetArn)!;
    };
    await collect(
      adds.map((b) => ({
        label: `assign ${b.permission} to ${b.principal}`,
        run: async () => {
          if (!ended.has(b.permission)) throw new Error('not assigned: its session end could not be written');
          // CreateAccountAssignment is not idempotent everywhere (moto duplicates), so look first.
          if ((await existingFor(b.permission)).has(b.principal)) return;
          await this.pacer.assignment(() => this.createAssignment(target, b));
        },
      })),
    );
    if (failures.length > 0) throw new AwsApplyError(label, failures);
  }

  /** Get, change only gitgrant's statements, put (or delete when empty), then provision to the account. */
  private async writeEnds(target: IdentityCenterTarget, permissionSetArn: string, change: Parameters<typeof nextInlinePolicy>[1]): Promise<void> {
    const current = await this.inlinePolicy(target.instanceArn, permissionSetArn);
    const next = nextInlinePolicy(current, change);
    if (next && current && serialisePolicy(next) === serialisePolicy(current)) return;
    if (!next && !current) return;
    const ids = { InstanceArn: target.instanceArn, PermissionSetArn: permissionSetArn };
    if (next) await this.send(new PutInlinePolicyToPermissionSetCommand({ ...ids, InlinePolicy: serialisePolicy(next) }));
    else await this.send(new DeleteInlinePolicyFromPermissionSetCommand(ids));
    const provisioned = await this.send<{ PermissionSetProvisioningStatus?: PermissionSetProvisioningStatus }>(
      new ProvisionPermissionSetCommand({ ...ids, TargetType: 'AWS_ACCOUNT', TargetId: target.account }),
    );
    await this.awaitStatus(provisioned.PermissionSetProvisioningStatus, async (requestId) => {
      const status = await this.send<{ PermissionSetProvisioningStatus?: PermissionSetProvisioningStatus }>(
        new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: target.instanceArn, ProvisionPermissionSetRequestId: requestId }),
      );
      return status.PermissionSetProvisioningStatus;
    });
  }

  private async inlinePolicy(instanceArn: string, permissionSetArn: string): Promise<PolicyDocument | undefined> {
    const response = await this.send<{ InlinePolicy?: string }>(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
    return response.InlinePolicy ? parsePolicyDocument(response.InlinePolicy) : undefined;
  }

  private async sessionDurations(instanceArn: string, arns: readonly string[]): Promise<Map<string, number>> {
    const entries = await Promise.all(
      arns.map((arn) =>
        this.limit(async () => {
          try {
            const described = await this.send<{ PermissionSet?: { SessionDuration?: string } }>(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
            return [arn, sessionDurationMs(described.PermissionSet?.SessionDuration)] as const;
          } catch (error) {
            // Unknown: ends are then kept for the longest session Identity Center allows (12 hours).
            void errorMessage(error);
            return [arn, 12 * 60 * 60 * 1000] as const;
          }
        }),
      ),
    );
    return new Map(entries);
  }

  private async permissionSets(instanceArn: string): Promise<ManagedSet[]> {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<{ PermissionSets?: string[]; NextToken?: string }>(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: token }));
      arns.push(...(page.PermissionSets ?? []));
      token = page.NextToken;
    } while (token);
    return Promise.all(
      arns.map((arn) =>
        this.limit(async () => {
          const described = await this.send<{ PermissionSet?: { Name?: string; Description?: string; SessionDuration?: string } }>(
            new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
          );
          const set = described.PermissionSet;
          return { arn, name: set?.Name ?? arn, managed: isManagedPermissionSet(set?.Description), sessionMs: sessionDurationMs(set?.SessionDuration) };
        }),
      ),
    );
  }

  private async assignments(target: IdentityCenterTarget, permissionSetArn: string): Promise<AccountAssignment[]> {
    const list: AccountAssignment[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<{ AccountAssignments?: AccountAssignment[]; NextToken?: string }>(
        new ListAccountAssignmentsCommand({ InstanceArn: target.instanceArn, AccountId: target.account, PermissionSetArn: permissionSetArn, NextToken: token }),
      );
      list.push(...(page.AccountAssignments ?? []));
      token = page.NextToken;
    } while (token);
    return list;
  }

  private async createAssignment(target: IdentityCenterTarget, binding: DesiredBinding): Promise<void> {
    const response = await this.send<{ AccountAssignmentCreationStatus?: AccountAssignmentOperationStatus }>(
      new CreateAccountAssignmentCommand(assignmentOf(target, binding)),
    );
    await this.awaitStatus(response.AccountAssignmentCreationStatus, async (requestId) => {
      const status = await this.send<{ AccountAssignmentCreationStatus?: AccountAssignmentOperationStatus }>(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: target.instanceArn,
          AccountAssignmentCreationRequestId: requestId,
        }),
      );
      return status.AccountAssignmentCreationStatus;
    });
  }

  private async deleteAssignment(target: IdentityCenterTarget, binding: ObservedBinding): Promise<void> {
    const response = await unlessMissing(
      this.send<{ AccountAssignmentDeletionStatus?: AccountAssignmentOperationStatus }>(new DeleteAccountAssignmentCommand(assignmentOf(target, binding))),
      'ResourceNotFoundException',
    );
    if (!response) return; // already gone: done
    await this.awaitStatus(response.AccountAssignmentDeletionStatus, async (requestId) => {
      const status = await this.send<{ AccountAssignmentDeletionStatus?: AccountAssignmentOperationStatus }>(
        new DescribeAccountAssignmentDeletionStatusCommand({
          InstanceArn: target.instanceArn,
          AccountAssignmentDeletionRequestId: requestId,
        }),
      );
      return status.AccountAssignmentDeletionStatus;
    });
  }

  /** Asynchronous changes: poll with backoff until SUCCEEDED or FAILED, bounded. */
  private async awaitStatus(
    initial: { Status?: string; RequestId?: string; FailureReason?: string } | undefined,
    describe: (requestId: string) => Promise<{ Status?: string; RequestId?: string; FailureReason?: string } | undefined>,
  ): Promise<void> {
    let status = initial;
    let interval = this.polling.initialIntervalMs;
    for (let poll = 0; ; poll++) {
      if (status?.Status === 'SUCCEEDED') return;
      if (status?.Status === 'FAILED') {
        throw new Error(`Identity Center reported FAILED: ${status.FailureReason ?? 'no reason given'}`);
      }
      if (!status?.RequestId) throw new Error('Identity Center returned no request id to follow the change by');
      if (poll >= this.polling.maxPolls) {
        throw new Error(`request ${status.RequestId} still ${status.Status ?? 'pending'} after ${poll} polls`);
      }
      await this.sleep(interval);
      interval = Math.min(interval * 2, this.polling.maxIntervalMs);
      status = (await describe(status.RequestId)) ?? status;
    }
  }
}

function assignmentKey(binding: { permission: string; principal: string }): string {
  return `${binding.permission} ${binding.principal}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What names one account assignment, for creating or deleting it. */
function assignmentOf(target: IdentityCenterTarget, binding: { permission: string; principal: string }) {
  return {
    InstanceArn: target.instanceArn,
    TargetId: target.account,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: binding.permission,
    PrincipalType: 'USER' as const,
    PrincipalId: binding.principal,
  };
}
