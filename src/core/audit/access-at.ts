/**
 * Who could do what at an instant, from history alone: the grants on main at that time, each with
 * its role's targets as the role read then. Pure.
 *
 * Access starts when the grant landed on main (or at `starts`, if later). It ends where the cloud
 * ends it: targets that carry the deadline as a condition (GCP IAM, AWS IAM) stop at `expires` or
 * at removal, whichever is first; Identity Center assignments cannot carry one and last until the
 * sweep removed the file.
 */
import type { Instant, Target } from '../model/types.js';
import type { GrantLifecycle, Reconstruction, RoleVersion } from './lifecycle-types.js';
import { compareText } from '../text/compare-text.js';

export interface TargetAccess {
  cloud: 'aws' | 'gcp';
  /** `aws 111111111111 role/Name`, `aws 111111111111 permission-set ps-...`, `gcp projects/x roles/viewer`. */
  target: string;
  /** When this access ended or will end; undefined: no end known (an unreadable legacy file). */
  until?: Instant;
}

export interface HeldAccess {
  grantee: string;
  role: string;
  grant: string;
  breakGlass: boolean;
  since: Instant;
  targets: TargetAccess[];
  /** The role did not exist (or did not load) at that time: the grant gave no cloud access. */
  roleMissing: boolean;
}

export interface AccessFilter {
  grantee?: string;
  role?: string;
}

export function accessAt(history: Reconstruction, at: Instant, filter: AccessFilter = {}): HeldAccess[] {
  const roleAt = roleLookup(history.roles);
  const held: HeldAccess[] = [];
  for (const grant of history.grants) {
    if (filter.grantee !== undefined && grant.grantee !== filter.grantee.toLowerCase()) continue;
    if (filter.role !== undefined && grant.role !== filter.role) continue;
    const removedAt = grant.ended?.removedAt ?? Number.POSITIVE_INFINITY;
    if (at < grant.requested.at || at >= removedAt) continue;
    const lived = versionsOf(grant);
    let current = 0;
    while (current + 1 < lived.length && lived[current + 1]!.from <= at) current++;
    if (at < startOf(lived[current]!)) continue;
    const since = sinceOf(lived, current);
    const role = roleAt(grant.role, at);
    const targets = (role?.targets ?? [])
      .map((target) => targetAccess(target, lived, current, removedAt))
      .filter((t) => t.until === undefined || at < t.until);
    if (role && targets.length === 0) continue;
    held.push({ grantee: grant.grantee, role: grant.role, grant: grant.path, breakGlass: grant.breakGlass, since, targets, roleMissing: !role });
  }
  return held.sort((a, b) => compareText(a.grantee, b.grantee) || compareText(a.role, b.role) || compareText(a.grant, b.grant));
}

/**
 * The versions of a grant file as main had them, each from the commit that wrote it: the record of
 * an instant is the version in force then, never a later edit (a `starts` moved later, an `expires`
 * shortened) read back over the past.
 */
interface Version {
  from: Instant;
  starts?: Instant;
  expires: Instant;
}

function versionsOf(grant: GrantLifecycle): Version[] {
  if (grant.changes.length === 0) return [{ from: grant.requested.at, starts: grant.starts, expires: grant.expires }];
  return [
    { from: grant.requested.at, starts: grant.requestedStarts, expires: grant.requestedExpires },
    ...grant.changes.map((c) => ({ from: c.commit.at, starts: c.toStarts, expires: c.toExpires })),
  ];
}

const startOf = (v: Version) => Math.max(v.from, v.starts ?? v.from);

/** When the access held under version `i` began: earlier versions count while each ran into the next. */
function sinceOf(lived: readonly Version[], i: number): Instant {
  let index = i;
  while (index > 0 && startOf(lived[index]!) === lived[index]!.from && startOf(lived[index - 1]!) < lived[index]!.from) index--;
  return startOf(lived[index]!);
}

/** Is the grant giving access at `at`, by its dates alone (for counts such as "active now")? */
export function isActive(grant: GrantLifecycle, at: Instant): boolean {
  const since = Math.max(grant.requested.at, grant.starts ?? grant.requested.at);
  return at >= since && at < Math.min(grant.expires, grant.ended?.removedAt ?? Number.POSITIVE_INFINITY);
}

function targetAccess(target: Target, lived: readonly Version[], current: number, removedAt: Instant): TargetAccess {
  const conditional = !(target.kind === 'aws' && target.strategy === 'identity-center');
  const end = conditional ? Math.min(conditionEnd(lived, current), removedAt) : removedAt;
  return { cloud: target.kind, target: describeTarget(target), until: Number.isFinite(end) ? end : undefined };
}

/** Where the cloud condition ends access held under version `i`: at its `expires`, unless a later version took over live before then. */
function conditionEnd(lived: readonly Version[], i: number): Instant {
  let index = i;
  for (;;) {
    const version = lived[index]!;
    const next = lived[index + 1];
    if (!next || version.expires <= next.from || startOf(next) > next.from || next.expires <= next.from) return Math.min(version.expires, next?.from ?? Number.POSITIVE_INFINITY);
    index++;
  }
}

export function describeTarget(target: Target): string {
  if (target.kind === 'gcp') return `gcp ${target.resource} ${target.role}`;
  if (target.strategy === 'iam') return `aws ${target.account} role/${target.roleName}`;
  return `aws ${target.account} permission-set ${target.permissionSetArn.split('/').pop()}`;
}

function roleLookup(versions: readonly RoleVersion[]): (name: string, at: Instant) => RoleVersion['role'] {
  const byName = new Map<string, RoleVersion[]>();
  for (const v of versions) {
    const list = byName.get(v.name) ?? [];
    list.push(v);
    byName.set(v.name, list);
  }
  return (name, at) => {
    let current: RoleVersion | undefined;
    for (const v of byName.get(name) ?? []) if (v.commit.at <= at) current = v;
    return current?.role;
  };
}
