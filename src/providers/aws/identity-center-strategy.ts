/**
 * The identity-center strategy: a grant is an account assignment (user × permission set × account).
 * Assignments cannot carry a deadline, so expiry relies on the sweep alone.
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
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  paginateListAccountAssignments,
  paginateListPermissionSets,
  type AccountAssignmentOperationStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { LimitFunction } from 'p-limit';
import type { DesiredBinding, ObservedBinding, TargetChange, TargetState } from '../../plan/types.js';
import { runAll, unlessMissing } from './errors.js';

type IdentityCenterTarget = { provider: 'aws'; strategy: 'identity-center'; account: string; instanceArn: string };

export const MANAGED_PERMISSION_SET_MARKER = 'gitgrant:managed=true';

export function isManagedPermissionSet(description: string | undefined): boolean {
  return (description ?? '').includes(MANAGED_PERMISSION_SET_MARKER);
}

/** The binding id gitgrant gives an assignment: the planner must use the same for desired ones. */
export function identityCenterBindingId(account: string, permissionSetArn: string, principalId: string): string {
  return `${account}/${permissionSetArn.split('/').at(-1)}/${principalId}`;
}

/** What the read adds to the bindings: the permission sets that carry gitgrant's marker. */
export interface IdentityCenterTargetState extends TargetState {
  managedPermissionSets: string[];
}

export function isIdentityCenterTargetState(state: TargetState | undefined): state is IdentityCenterTargetState {
  return state !== undefined && 'managedPermissionSets' in state;
}

export interface StatusPolling {
  /** First wait; doubles each poll up to `maxIntervalMs`. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Polls before giving up with an error (the next run finds the assignment's real state). */
  maxPolls: number;
}

export const defaultStatusPolling: StatusPolling = { initialIntervalMs: 250, maxIntervalMs: 5_000, maxPolls: 30 };

export class IdentityCenterStrategy {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly limit: LimitFunction,
    private readonly polling: StatusPolling,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async read(target: IdentityCenterTarget): Promise<IdentityCenterTargetState> {
    const permissionSets = await this.permissionSets(target.instanceArn);
    const perSet = await Promise.all(
      permissionSets.map((set) =>
        this.limit(async () =>
          (await this.assignments(target, set.arn)).map((a): ObservedBinding => {
            const managed = set.managed && a.PrincipalType === 'USER';
            return {
              ...(managed ? { id: identityCenterBindingId(target.account, set.arn, a.PrincipalId!) } : {}),
              managed,
              principal: a.PrincipalType === 'USER' ? a.PrincipalId! : `${a.PrincipalType}:${a.PrincipalId}`,
              permission: set.arn,
              label: `${set.name} → ${a.PrincipalType} ${a.PrincipalId}`,
            };
          }),
        ),
      ),
    );
    const bindings = perSet.flat().sort((a, b) => compare(`${a.permission} ${a.principal}`, `${b.permission} ${b.principal}`));
    const managedPermissionSets = permissionSets.filter((set) => set.managed).map((set) => set.arn).sort(compare);
    return { target, bindings, managedPermissionSets };
  }

  async apply(change: TargetChange & { target: IdentityCenterTarget }): Promise<void> {
    const target = change.target;
    const adds = [...change.add, ...change.update.map((u) => u.to)];
    const addKeys = new Set(adds.map(assignmentKey));
    // A removal that an add puts straight back (say the ids were computed differently) is skipped:
    // deleting and recreating an assignment would cut the holder's access in between.
    const removals = [...change.remove, ...change.update.map((u) => u.from)].filter(
      (b) => b.managed && !addKeys.has(assignmentKey(b)),
    );
    const existing = new Map<string, Promise<Set<string>>>();
    const existingFor = (permissionSetArn: string) => {
      if (!existing.has(permissionSetArn)) {
        existing.set(
          permissionSetArn,
          this.assignments(target, permissionSetArn).then((list) => new Set(list.map((a) => a.PrincipalId!))),
        );
      }
      return existing.get(permissionSetArn)!;
    };
    await runAll(
      `aws:identity-center:${target.account}`,
      [
        ...removals.map((b) => ({ label: `remove ${b.label}`, run: () => this.deleteAssignment(target, b) })),
        ...adds.map((b) => ({
          label: `assign ${b.permission} to ${b.principal}`,
          run: async () => {
            // CreateAccountAssignment is not idempotent everywhere (moto duplicates), so look first.
            if ((await existingFor(b.permission)).has(b.principal)) return;
            await this.createAssignment(target, b);
          },
        })),
      ],
      this.limit,
    );
  }

  private async permissionSets(instanceArn: string): Promise<{ arn: string; name: string; managed: boolean }[]> {
    const arns: string[] = [];
    for await (const page of paginateListPermissionSets({ client: this.ssoAdmin }, { InstanceArn: instanceArn })) {
      arns.push(...(page.PermissionSets ?? []));
    }
    return Promise.all(
      arns.map((arn) =>
        this.limit(async () => {
          const described = await this.ssoAdmin.send(
            new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
          );
          const set = described.PermissionSet;
          return { arn, name: set?.Name ?? arn, managed: isManagedPermissionSet(set?.Description) };
        }),
      ),
    );
  }

  private async assignments(target: IdentityCenterTarget, permissionSetArn: string) {
    const list = [];
    const pages = paginateListAccountAssignments(
      { client: this.ssoAdmin },
      { InstanceArn: target.instanceArn, AccountId: target.account, PermissionSetArn: permissionSetArn },
    );
    for await (const page of pages) list.push(...(page.AccountAssignments ?? []));
    return list;
  }

  private async createAssignment(target: IdentityCenterTarget, binding: DesiredBinding): Promise<void> {
    const response = await this.ssoAdmin.send(
      new CreateAccountAssignmentCommand(assignmentOf(target, binding)),
    );
    await this.awaitStatus(response.AccountAssignmentCreationStatus, async (requestId) => {
      const status = await this.ssoAdmin.send(
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
      this.ssoAdmin.send(
        new DeleteAccountAssignmentCommand(assignmentOf(target, binding)),
      ),
      'ResourceNotFoundException',
    );
    if (!response) return; // already gone: done
    await this.awaitStatus(response.AccountAssignmentDeletionStatus, async (requestId) => {
      const status = await this.ssoAdmin.send(
        new DescribeAccountAssignmentDeletionStatusCommand({
          InstanceArn: target.instanceArn,
          AccountAssignmentDeletionRequestId: requestId,
        }),
      );
      return status.AccountAssignmentDeletionStatus;
    });
  }

  /** Assignment changes are asynchronous: poll with backoff until SUCCEEDED or FAILED, bounded. */
  private async awaitStatus(
    initial: AccountAssignmentOperationStatus | undefined,
    describe: (requestId: string) => Promise<AccountAssignmentOperationStatus | undefined>,
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
