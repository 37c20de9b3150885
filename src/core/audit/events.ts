/** The audit trail as a flat list of dated events, each pointing at the commit that evidences it. Pure. */
import { formatDuration } from '../model/duration.js';
import { formatInstant } from '../model/instant.js';
import type { Instant } from '../model/types.js';
import type { Approval, CommitRef, GrantLifecycle, Reconstruction } from './lifecycle-types.js';
import { compareText } from '../text/compare-text.js';

export type EventKind = 'requested' | 'break-glass' | 'approved' | 'unrecorded-approval' | 'changed' | 'ended' | 'role-changed' | 'verified';

export interface AuditEvent {
  kind: EventKind;
  at: Instant;
  commit: string;
  pr?: number;
  /** The grant's lifecycle id; absent for role changes. */
  grant?: string;
  grantee?: string;
  role: string;
  /** One line for people: what happened, by whom. */
  summary: string;
  /** For `ended`: how, and whether before the grant's expiry. */
  endKind?: string;
  early?: boolean;
}

export interface Period {
  since?: Instant;
  until?: Instant;
}

export function inPeriod(at: Instant, period: Period): boolean {
  return (period.since === undefined || at >= period.since) && (period.until === undefined || at < period.until);
}

/** A grant belongs to the period when any part of its life (request to end) overlaps it. */
export function grantInPeriod(grant: GrantLifecycle, period: Period): boolean {
  const end = grant.ended?.removedAt ?? Number.POSITIVE_INFINITY;
  return (period.until === undefined || grant.requested.at < period.until) && (period.since === undefined || end >= period.since);
}

export function auditEvents(history: Reconstruction, period: Period): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const grant of history.grants) {
    const base = { grant: grant.id, grantee: grant.grantee, role: grant.role };
    const at = (ref: CommitRef) => ({ at: ref.at, commit: ref.sha, pr: ref.pr });
    const span = `until ${time(grant.requestedExpires)}${grant.starts === undefined ? '' : ` from ${time(grant.starts)}`}`;
    events.push({
      kind: grant.breakGlass ? 'break-glass' : 'requested', ...at(grant.requested), ...base,
      summary: grant.breakGlass
        ? `break-glass for ${grant.grantee} on ${grant.role} ${span}${grant.incident ? `, incident ${grant.incident}` : ''}`
        : `${grant.grantee} requested ${grant.role} ${span}${grant.ticket ? `, ticket ${grant.ticket}` : ''}${grant.unreadable ? ` (file predates the schema: ${grant.unreadable})` : ''}`,
    });
    if (!grant.breakGlass) events.push(approvalEvent(grant.approval, grant.requested, base));
    for (const change of grant.changes) {
      events.push({
        kind: 'changed', ...at(change.commit), ...base,
        summary: change.kind === 'renamed'
          ? `renamed from ${change.fromPath}`
          : `${change.kind}: expires ${time(change.fromExpires)} -> ${time(change.toExpires)}${change.kind === 'extended' ? `, ${describeApproval(change.approval, change.commit)}` : ''}`,
      });
    }
    if (grant.ended) {
      const ended = grant.ended;
      events.push({
        kind: 'ended', ...at(ended.commit), at: ended.removedAt, ...base, endKind: ended.kind, early: ended.early,
        summary: `${ended.kind}${ended.early && Number.isFinite(grant.expires) ? ` ${formatDuration(grant.expires - ended.removedAt)} before expiry` : ''}, removed by ${ended.commit.by}${ended.reason ? `: ${ended.reason}` : ''}`,
      });
    }
  }
  for (const version of history.roles) {
    events.push({
      kind: 'role-changed', at: version.commit.at, commit: version.commit.sha, pr: version.commit.pr, role: version.name,
      summary: version.role ? `role ${version.name} defined: owners ${version.role.owners.join(', ')}, ${version.role.targets.length} target(s), by ${version.commit.by}` : `role ${version.name} removed or unreadable, by ${version.commit.by}`,
    });
  }
  return events.filter((e) => inPeriod(e.at, period)).sort((a, b) => a.at - b.at || compareText(a.commit, b.commit) || compareText(a.grant ?? '', b.grant ?? ''));
}

function approvalEvent(approval: Approval, ref: CommitRef, base: { grant: string; grantee: string; role: string }): AuditEvent {
  const recorded = approval.source !== 'unrecorded';
  const at = approval.approvers.reduce((last, a) => Math.max(last, a.at ?? 0), 0) || ref.at;
  return { kind: recorded ? 'approved' : 'unrecorded-approval', at, commit: ref.sha, pr: ref.pr, ...base, summary: describeApproval(approval, ref) };
}

const SOURCE_TEXT: Record<Exclude<Approval['source'], 'unrecorded'>, string> = {
  github: 'GitHub reviews',
  record: 'gitgrant record on main',
  note: 'gitgrant note, unverified: it predates the records on main, and anyone with write access can push notes',
};

export function describeApproval(approval: Approval, ref: CommitRef): string {
  if (approval.source === 'unrecorded') {
    return `approval not recorded (no gitgrant note, no GitHub token)${ref.pr === undefined ? '' : `; PR #${ref.pr}`} landed by ${ref.by}`;
  }
  const who = approval.approvers.map((a) => `${a.login}${a.at === undefined ? '' : ` at ${time(a.at)}`}`).join(', ');
  const parts = [who ? `approved by ${who}` : undefined, approval.waiver ? `waived: ${approval.waiver}` : undefined].filter(Boolean);
  return `${parts.join('; ') || 'no approver recorded'} (${SOURCE_TEXT[approval.source]})`;
}

export function time(at: Instant): string {
  return Number.isFinite(at) ? formatInstant(at) : 'unknown';
}
