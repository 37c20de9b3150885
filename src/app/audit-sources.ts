/**
 * What `audit`, `access-at` and the dashboard read: the grant history of main, reconstructed once
 * from git, plus GitHub's facts when a token and a repository are given (the approvals of the
 * period's PRs, break-glass reviews and exception issues), plus `verify`'s evidence notes. Every
 * source is an adapter handed in; GitHub's is called only when there is one, so an audit from git
 * alone never loads the GitHub client.
 */
import { buildAuditReport, type AuditReport, type GitHubFacts } from '../core/audit/audit-report.js';
import { grantInPeriod, type Period } from '../core/audit/events.js';
import type { GitHubAnswers, GitHubQuestions } from '../adapters/github/github-facts.js';
import type { History } from '../core/audit/history-types.js';
import { reconstruct } from '../core/audit/lifecycle.js';
import type { Reconstruction } from '../core/audit/lifecycle-types.js';
import { verificationEvents, type EvidenceRecord } from '../adapters/git/verify-evidence.js';
import type { AutomationIdentity } from '../core/model/policy-sections.js';
import type { Policy } from '../core/model/types.js';
import { CommandFailure } from './errors.js';

export interface AuditSourceAdapters {
  /** The raw history of main (all of it). */
  history(): Promise<History>;
  /** Whose trailers and evidence count: the policy's `automation` identity as main has it now. */
  automation: AutomationIdentity;
  /** The policies as main has them now (labels of the GitHub questions). */
  policy(): Policy;
  /** GitHub's answers; undefined when no repository or no token is configured. */
  github?(): Promise<{ read(questions: GitHubQuestions): Promise<GitHubAnswers> } | undefined>;
  /** The evidence `verify` recorded. */
  verifyEvidence?(): EvidenceRecord[];
}

export interface AuditSources {
  history: Reconstruction;
  github?: GitHubFacts;
}

/** The history alone, for `access-at`: who could do what is git's record, not GitHub's. */
export async function grantHistory(adapters: Pick<AuditSourceAdapters, 'history' | 'automation'>): Promise<Reconstruction> {
  return reconstruct(await adapters.history(), new Map(), adapters.automation);
}

/** History, plus GitHub's facts for the grants of `period` when GitHub is there to ask. */
export async function auditSources(period: Period, adapters: AuditSourceAdapters): Promise<AuditSources> {
  const raw = await adapters.history();
  const fromGitAlone = reconstruct(raw, new Map(), adapters.automation);
  const github = await adapters.github?.();
  if (!github) return { history: fromGitAlone };
  const inPeriod = fromGitAlone.grants.filter((g) => grantInPeriod(g, period));
  const prs = [...new Set(inPeriod.flatMap((g) => [g.requested.pr, ...g.changes.map((c) => c.commit.pr)]).filter((pr): pr is number => pr !== undefined))];
  const policy = adapters.policy();
  try {
    const answers = await github.read({
      prs,
      breakGlass: inPeriod.filter((g) => g.breakGlass).map((g) => ({ path: g.path, ...(g.breakGlassReview !== undefined ? { review: g.breakGlassReview } : {}) })),
      reviewLabel: policy.breakGlass.reviewLabel,
      exceptionLabel: policy.exceptions.label,
    });
    return { history: reconstruct(raw, answers.approvals, adapters.automation), github: answers.facts };
  } catch (error) {
    throw new CommandFailure(`could not read reviews and issues from GitHub: ${(error as Error).message}`, 'check GITHUB_TOKEN can read pull requests and issues of GITHUB_REPOSITORY, or unset GITHUB_REPOSITORY to audit from git alone');
  }
}

/** The evidence report of `period`: every source above, with `verify`'s checks as events. */
export async function auditReport(period: Period, adapters: AuditSourceAdapters): Promise<AuditReport> {
  const { history, github } = await auditSources(period, adapters);
  const verified = verificationEvents(adapters.verifyEvidence?.() ?? [], period);
  return buildAuditReport(history, period, github, verified);
}
