/**
 * Anomaly rules (exception-based monitoring, seed 001), pure: over the grants requested in git
 * history and the active set, the patterns a reviewer should look at. Each rule is a small
 * function; fingerprints name the situation, so a finding stays one issue while it lasts.
 */
import { formatInstant } from '../model/instant.js';
import type { AccessRepo, Email, GrantId, Instant, RoleName } from '../model/types.js';
import { localTime } from '../policy/local-time.js';
import type { AnomalyConfig } from '../model/policy-sections.js';
import type { ForgedTrailers } from '../audit/automation.js';
import type { TamperedApproval } from '../audit/approval-evidence.js';
import { fingerprint, ownersOf, sortFindings, type Finding } from './findings.js';
import type { GrantEvent } from './grant-events.js';

const DAY = 86_400_000;

/** Approver logins per grant, when the caller could read them (from merged pull requests). */
export type Approvals = ReadonlyMap<GrantId, { requester: string; approvers: readonly string[] }>;

export interface AnomalyInput {
  repo: AccessRepo;
  /** Grants as added to main, oldest first. */
  history: readonly GrantEvent[];
  now: Instant;
  config: AnomalyConfig;
  approvals?: Approvals;
  /** Commits carrying gitgrant's trailers that the automation did not make (history.ts). */
  forged?: readonly ForgedTrailers[];
  /** Approval notes main's record does not back, and commits posing as a record (approval-evidence.ts). */
  tamperedApprovals?: readonly TamperedApproval[];
}

export interface AnomalyResult {
  findings: Finding[];
  /** Rules that could not run, and why. */
  skipped: string[];
}

/** When access began: the requested start, else when the file landed on main. */
function startOf(event: GrantEvent): Instant {
  return event.starts ?? event.committedAt;
}

/** History plus active grants history does not know (a repo without git, a shallow clone). */
export function grantEvents(repo: AccessRepo, history: readonly GrantEvent[]): GrantEvent[] {
  const known = new Set(history.map((e) => e.grant));
  const extra = repo.grants
    .filter((g) => !known.has(g.id) && g.starts !== undefined)
    .map((g): GrantEvent => ({ grant: g.id, role: g.role, grantee: g.grantee, commit: '', committedAt: g.starts!, starts: g.starts, expires: g.expires, breakGlass: g.breakGlass, standing: g.standing }));
  return [...history, ...extra];
}

function repeatedUse(input: AnomalyInput, events: readonly GrantEvent[]): Finding[] {
  const { count, days } = input.config.repeatedUse;
  const since = input.now - days * DAY;
  const byHolder = new Map<string, GrantEvent[]>();
  for (const e of events) {
    if (e.standing || startOf(e) < since || startOf(e) > input.now) continue;
    const key = `${e.role}\n${e.grantee}`;
    byHolder.set(key, [...(byHolder.get(key) ?? []), e]);
  }
  const findings: Finding[] = [];
  for (const [key, taken] of byHolder) {
    if (taken.length < count) continue;
    const [role, grantee] = key.split('\n') as [RoleName, Email];
    findings.push({
      kind: 'ANOMALY_REPEATED_USE', source: 'anomalies', fingerprint: fingerprint('ANOMALY_REPEATED_USE', role, grantee),
      summary: `${grantee} took role ${role} ${taken.length} times in ${days} days`,
      details: ['Consider standing access from HR for this person, or review why the work keeps needing privileged access.', ...taken.map((e) => `${e.grant} from ${formatInstant(startOf(e))}`)],
      outcome: 'reported', role, grants: [...new Set(taken.map((e) => e.grant))].sort(), notify: ownersOf(input.repo, role),
    });
  }
  return findings;
}

function breakGlass(input: AnomalyInput, events: readonly GrantEvent[], since: Instant): Finding[] {
  return events
    .filter((e) => e.breakGlass && startOf(e) >= since && startOf(e) <= input.now)
    .map((e) => ({
      kind: 'ANOMALY_BREAK_GLASS' as const, source: 'anomalies' as const, fingerprint: fingerprint('ANOMALY_BREAK_GLASS', e.grant, e.commit || String(startOf(e))),
      summary: `${e.grantee} broke glass for role ${e.role} at ${formatInstant(startOf(e))}`,
      details: ['Break-glass access skips approval: confirm the incident needed it, and that the post-incident review happened.'],
      outcome: 'reported' as const, role: e.role, grants: [e.grant], notify: [...new Set([...ownersOf(input.repo, e.role), ...input.repo.policy.owners])].sort(),
    }));
}

function offHours(input: AnomalyInput, events: readonly GrantEvent[], since: Instant): Finding[] {
  const hours = input.config.workingHours;
  if (!hours) return [];
  const findings: Finding[] = [];
  for (const e of events) {
    const at = startOf(e);
    if (e.standing || at < since || at > input.now) continue;
    const local = localTime(at, hours.timezone);
    if (hours.days.includes(local.weekday) && local.hhmm >= hours.from && local.hhmm < hours.to) continue;
    findings.push({
      kind: 'ANOMALY_OFF_HOURS', source: 'anomalies', fingerprint: fingerprint('ANOMALY_OFF_HOURS', e.grant, String(at)),
      summary: `${e.grantee}'s grant for role ${e.role} started outside working hours (${local.display})`,
      details: [`Working hours: ${hours.days.join(', ')} ${hours.from}-${hours.to} ${hours.timezone}.`],
      outcome: 'reported', role: e.role, grants: [e.grant], notify: ownersOf(input.repo, e.role),
    });
  }
  return findings;
}

function approverConcentration(input: AnomalyInput, events: readonly GrantEvent[], since: Instant): Finding[] {
  const { share, minimum } = input.config.approverConcentration;
  const byRequester = new Map<string, Map<string, GrantId[]>>();
  const totals = new Map<string, number>();
  for (const e of events) {
    const approval = input.approvals?.get(e.grant);
    if (!approval || startOf(e) < since) continue;
    totals.set(approval.requester, (totals.get(approval.requester) ?? 0) + 1);
    const approvers = byRequester.get(approval.requester) ?? new Map<string, GrantId[]>();
    for (const approver of new Set(approval.approvers)) approvers.set(approver, [...(approvers.get(approver) ?? []), e.grant]);
    byRequester.set(approval.requester, approvers);
  }
  const findings: Finding[] = [];
  for (const [requester, approvers] of byRequester) {
    const total = totals.get(requester)!;
    if (total < minimum) continue;
    for (const [approver, grants] of approvers) {
      if (grants.length / total < share) continue;
      findings.push({
        kind: 'ANOMALY_APPROVER_CONCENTRATION', source: 'anomalies', fingerprint: fingerprint('ANOMALY_APPROVER_CONCENTRATION', requester, approver),
        summary: `${approver} approved ${grants.length} of ${total} grants requested by ${requester}`,
        details: ['One approver for most of one person\'s requests weakens the review; spread approvals across the role owners.'],
        outcome: 'reported', grants: [...grants].sort(), notify: [...input.repo.policy.owners].sort(),
      });
    }
  }
  return findings;
}

/** Someone wrote the automation's record themselves: security should know who, and what it claimed. */
function forgedTrailers(input: AnomalyInput, since: Instant): Finding[] {
  return (input.forged ?? []).filter((f) => f.at >= since && f.at <= input.now).map((f) => ({
    kind: 'ANOMALY_FORGED_TRAILERS' as const, source: 'anomalies' as const, fingerprint: fingerprint('ANOMALY_FORGED_TRAILERS', f.commit),
    summary: `commit ${f.commit.slice(0, 12)} carries gitgrant's lifecycle trailers (${f.action}) but was not made by the automation`,
    details: [
      `Why it does not count: ${f.why}.`,
      'gitgrant reads it as the person\'s change it is (its trailers\' times and reasons are ignored). Find out who wrote the trailers and why: they would have made the audit trail say something that did not happen.',
    ],
    outcome: 'reported' as const, grants: [], notify: [...input.repo.policy.owners].sort(),
  }));
}

const TAMPERED: Record<TamperedApproval['kind'], string> = {
  differs: 'its approval note was changed after the automation recorded it on main',
  'no-record': 'it carries an approval note the automation never recorded on main',
  'forged-record': 'it poses as the automation\'s approval record but a person committed it',
};

/** Someone rewrote who approved: the audit ignores it, security should know who and what it claimed. */
function forgedApprovals(input: AnomalyInput, since: Instant): Finding[] {
  return (input.tamperedApprovals ?? []).filter((t) => t.at >= since && t.at <= input.now).map((t) => ({
    kind: 'ANOMALY_FORGED_APPROVAL' as const, source: 'anomalies' as const, fingerprint: fingerprint('ANOMALY_FORGED_APPROVAL', t.kind, t.commit),
    summary: `commit ${t.commit.slice(0, 12)}${t.pr === undefined ? '' : ` (PR #${t.pr})`}: ${TAMPERED[t.kind]}`,
    details: [
      `It claims approval by ${t.claimed.join(', ') || 'no one'}${t.recorded === undefined ? '' : `; the record on main names ${t.recorded.join(', ') || 'no one'}`}.`,
      `Why it does not count: ${t.why}.`,
      'gitgrant reads approvals from the automation\'s record on main only, so the audit is not misled; find out who pushed refs/notes/gitgrant (or landed the commit) and why: they tried to make the audit trail name approvals that did not happen.',
    ],
    outcome: 'reported' as const, grants: [], notify: [...input.repo.policy.owners].sort(),
  }));
}

export function detectAnomalies(input: AnomalyInput): AnomalyResult {
  const events = grantEvents(input.repo, input.history);
  const since = input.now - input.config.lookbackDays * DAY;
  const skipped: string[] = [];
  if (!input.config.workingHours) skipped.push('off-hours rule skipped: the policy sets no anomalies.workingHours');
  if (!input.approvals) skipped.push('approver concentration skipped: no approval notes in history (refs/notes/gitgrant)');
  const findings = [
    ...repeatedUse(input, events),
    ...breakGlass(input, events, since),
    ...offHours(input, events, since),
    ...approverConcentration(input, events, since),
    ...forgedTrailers(input, since),
    ...forgedApprovals(input, since),
  ];
  return { findings: sortFindings(findings), skipped };
}
