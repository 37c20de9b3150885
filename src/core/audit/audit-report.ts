/**
 * The audit report: grants of the period, evidence per control, break-glass uses and their
 * reviews, exception issues and their resolution. Pure: GitHub's facts are an input, absent when
 * no token was available (and the report says so rather than guessing).
 */
import { formatDuration } from '../model/duration.js';
import type { Instant } from '../model/types.js';
import { CONTROLS, controlName, evidences, type Control, type FactName } from './controls.js';
import type { ForgedTrailers } from './automation.js';
import type { TamperedApproval } from './approval-evidence.js';
import { auditEvents, grantInPeriod, inPeriod, type AuditEvent, type Period } from './events.js';
import type { EndKind, GrantLifecycle, Reconstruction } from './lifecycle-types.js';
import { compareText } from '../text/compare-text.js';

export interface IssueFact {
  number: number;
  title: string;
  state: 'open' | 'closed';
  url: string;
  closedAt?: Instant;
  /** How it was resolved (`completed`, `not_planned`), for closed issues. */
  resolution?: string;
}

/** What only GitHub knows: post-incident review issues (by break-glass grant path) and exception issues. */
export interface GitHubFacts {
  reviews: ReadonlyMap<string, IssueFact>;
  exceptions: readonly IssueFact[];
}

export interface ControlEvidence {
  name: string;
  framework: string;
  reference: string;
  title: string;
  sections: string;
  how: string;
  facts: string[];
  evidence: AuditEvent[];
}

export interface BreakGlassUse {
  grant: string;
  grantee: string;
  role: string;
  incident?: string;
  at: Instant;
  commit: string;
  endedAt?: Instant;
  /** The post-incident review issue; undefined when GitHub was not asked or has none. */
  review?: IssueFact;
}

export interface AuditReport {
  period: Period;
  /** Without a token, approvals come from notes only and reviews and exceptions are unknown. */
  github: 'available' | 'unavailable';
  grants: GrantLifecycle[];
  /** Every event of the period, in time order; each control's evidence is drawn from these. */
  events: AuditEvent[];
  controls: ControlEvidence[];
  breakGlass: BreakGlassUse[];
  exceptions?: IssueFact[];
  /** Commits of the period carrying gitgrant's trailers that the automation did not make (counted as people's changes). */
  forgedTrailers: (ForgedTrailers & { pr?: number })[];
  /** Approval notes main's record does not back, and people's commits posing as a record: never counted as approvals. */
  tamperedApprovals: TamperedApproval[];
}

/** `verified`: verify's evidence as events (verify-evidence.ts), already limited to the period. */
export function buildAuditReport(history: Reconstruction, period: Period, github?: GitHubFacts, verified: readonly AuditEvent[] = []): AuditReport {
  const grants = history.grants.filter((g) => grantInPeriod(g, period));
  const events = [...auditEvents(history, period), ...verified].sort((a, b) => a.at - b.at || compareText(a.commit, b.commit) || compareText(a.grant ?? '', b.grant ?? ''));
  const figures = periodFigures(grants, events, github);
  const controls = CONTROLS.map((control) => controlEvidence(control, events, figures));
  const breakGlass = grants.filter((g) => g.breakGlass).map((g): BreakGlassUse => ({
    grant: g.path, grantee: g.grantee, role: g.role, incident: g.incident, at: g.requested.at, commit: g.requested.sha,
    endedAt: g.ended?.removedAt, review: github?.reviews.get(g.path),
  }));
  const forgedTrailers = history.forgedTrailers.filter((f) => inPeriod(f.at, period)).map((f) => {
    const pr = prOfCommit(history, f.commit);
    return pr === undefined ? f : { ...f, pr };
  });
  const tamperedApprovals = history.tamperedApprovals.filter((t) => inPeriod(t.at, period));
  return { period, github: github ? 'available' : 'unavailable', grants, events, controls, breakGlass, exceptions: github?.exceptions.slice(), forgedTrailers, tamperedApprovals };
}

function prOfCommit(history: Reconstruction, sha: string): number | undefined {
  for (const g of history.grants) {
    for (const ref of [g.requested, ...g.changes.map((c) => c.commit), g.ended?.commit]) if (ref?.sha === sha && ref.pr !== undefined) return ref.pr;
  }
  return undefined;
}

function controlEvidence(control: Control, events: readonly AuditEvent[], figures: Record<FactName, string>): ControlEvidence {
  return {
    name: controlName(control), framework: control.framework, reference: control.reference, title: control.title,
    sections: control.sections, how: control.how,
    facts: control.facts.map((name) => figures[name]),
    evidence: events.filter((e) => evidences(control, e)),
  };
}

function verifiedFact(events: readonly AuditEvent[]): string {
  const verified = events.filter((e) => e.kind === 'verified');
  const count = (text: string) => verified.filter((e) => e.summary.includes(`: ${text}`)).length;
  return `${verified.length} ended grant(s) verified in the cloud by gitgrant verify: ${count('no path remains')} with no path left, ${count('a path remained')} with a path remaining, ${count('could not be verified')} not verified.`;
}

function periodFigures(grants: readonly GrantLifecycle[], events: readonly AuditEvent[], github: GitHubFacts | undefined): Record<FactName, string> {
  const count = (kind: AuditEvent['kind']) => events.filter((e) => e.kind === kind).length;
  const ended = (kinds: EndKind[]) => events.filter((e) => e.kind === 'ended' && kinds.includes(e.endKind as EndKind)).length;
  const requested = grants.filter((g) => !g.breakGlass);
  const selfApproved = requested.filter((g) => g.approval.author !== undefined && g.approval.approvers.some((a) => a.login.toLowerCase() === g.approval.author!.toLowerCase()));
  const extensions = grants.flatMap((g) => g.changes.filter((c) => c.kind === 'extended'));
  const longest = grants.reduce((max, g) => {
    const start = Math.max(g.requested.at, g.starts ?? g.requested.at);
    return Number.isFinite(g.expires) ? Math.max(max, g.expires - start) : max;
  }, 0);
  const openExceptions = github?.exceptions.filter((i) => i.state === 'open').length;
  return {
    requests: `${count('requested')} grant request(s) landed on main; ${count('break-glass')} break-glass grant(s).`,
    approvals: `${count('approved')} request(s) with a recorded approval (reviews, the apply step's record on main, or an older note).`,
    unrecorded: `${count('unrecorded-approval')} request(s) whose approval is not recorded in git (no note, no token to ask GitHub).`,
    selfApprovals: `${selfApproved.length} request(s) approved by their own author.`,
    extensions: `${extensions.length} extension(s), ${extensions.filter((c) => c.approval.source !== 'unrecorded').length} with a recorded approval.`,
    ended: `${count('ended')} grant(s) ended: ${['expired', 'revoked', 'revoked-hr', 'revoked-ticket', 'break-glass-ended'].map((k) => `${ended([k as EndKind])} ${k}`).join(', ')}.`,
    expired: `${ended(['expired', 'break-glass-ended'])} grant(s) ended at their deadline.`,
    early: `${events.filter((e) => e.kind === 'ended' && e.early).length} grant(s) revoked before their expiry.`,
    hr: `${ended(['revoked-hr'])} grant(s) revoked because HR data no longer supported them.`,
    ticket: `${ended(['revoked-ticket'])} grant(s) revoked because their ticket was closed.`,
    breakGlass: `${count('break-glass')} break-glass use(s); post-incident reviews ${github ? 'listed below' : 'unknown without a GitHub token'}.`,
    longest: `Longest grant in the period: ${longest > 0 ? formatDuration(longest) : 'none'}; ${grants.filter((g) => !Number.isFinite(g.expires)).length} without a readable expiry.`,
    grantees: `${new Set(grants.map((g) => g.grantee)).size} distinct grantee(s), each named by email.`,
    roleChanges: `${count('role-changed')} role definition change(s).`,
    exceptions: github ? `${github.exceptions.length} exception issue(s), ${openExceptions} open.` : 'Exception issues: unknown without a GitHub token.',
    verified: verifiedFact(events),
  };
}
