/**
 * What to do with the exception issues, pure: open one per new finding, edit one whose finding
 * changed, close the open ones whose finding is gone (marking them resolved), reopen a resolved one
 * whose finding is back, leave the rest alone. An issue someone closed by hand stays closed (they
 * handled it), and a job that did not finish closes nothing.
 */
import { exceptionDraft, KIND_SOURCE, kindOfLabels, type ExceptionDraft } from './exception-issue.js';
import type { Finding, FindingSource } from './findings.js';
import { compareText } from '../text/compare-text.js';

export interface KnownIssue {
  number: number;
  title: string;
  /** The body without gitgrant's hidden marker. */
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  fingerprint?: string;
}

export interface IssueSyncPlan {
  create: { fingerprint: string; draft: ExceptionDraft }[];
  update: { issue: KnownIssue; change: Partial<ExceptionDraft> }[];
  /** Closed with the resolved label added. */
  close: { issue: KnownIssue; comment: string; labels: string[] }[];
  /** Resolved issues whose finding came back: reopened, resolved label dropped, text refreshed. */
  reopen: { issue: KnownIssue; draft: ExceptionDraft; comment: string }[];
  unchanged: number[];
  /** Findings whose issue was closed by a person. */
  handled: number[];
}

/** Marks an issue gitgrant closed itself, as opposed to one a person closed. */
export const RESOLVED_LABEL = 'exception:resolved';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export function planIssueSync(findings: readonly Finding[], issues: readonly KnownIssue[], complete: ReadonlySet<FindingSource>, label: string): IssueSyncPlan {
  const plan: IssueSyncPlan = { create: [], update: [], close: [], reopen: [], unchanged: [], handled: [] };
  const byFingerprint = new Map<string, KnownIssue>();
  // Prefer the open issue when a fingerprint has several (one reopened by hand, say).
  for (const issue of issues) {
    if (!issue.fingerprint) continue;
    const seen = byFingerprint.get(issue.fingerprint);
    if (!seen || (seen.state === 'closed' && issue.state === 'open')) byFingerprint.set(issue.fingerprint, issue);
  }
  const current = new Set<string>();
  for (const finding of findings) {
    if (current.has(finding.fingerprint)) continue;
    current.add(finding.fingerprint);
    const draft = exceptionDraft(finding, label);
    const issue = byFingerprint.get(finding.fingerprint);
    if (!issue) {
      plan.create.push({ fingerprint: finding.fingerprint, draft });
      continue;
    }
    if (issue.state === 'closed') {
      if (issue.labels.includes(RESOLVED_LABEL)) plan.reopen.push({ issue, draft, comment: 'The nightly run finds this again; reopening.' });
      else plan.handled.push(issue.number);
      continue;
    }
    const change: Partial<ExceptionDraft> = {};
    if (issue.title !== draft.title) change.title = draft.title;
    if (issue.body !== draft.body) change.body = draft.body;
    if (!sameSet(issue.labels, draft.labels)) change.labels = draft.labels;
    if (Object.keys(change).length > 0) plan.update.push({ issue, change });
    else plan.unchanged.push(issue.number);
  }
  for (const issue of byFingerprint.values()) {
    if (issue.state !== 'open' || current.has(issue.fingerprint!)) continue;
    const kind = kindOfLabels(issue.labels);
    if (!kind || !complete.has(KIND_SOURCE[kind])) continue;
    plan.close.push({ issue, comment: 'The nightly run no longer finds this; closing. gitgrant reopens it if the situation comes back.', labels: [...issue.labels, RESOLVED_LABEL].sort() });
  }
  plan.create.sort((a, b) => compareText(a.draft.title, b.draft.title));
  plan.close.sort((a, b) => a.issue.number - b.issue.number);
  return plan;
}
