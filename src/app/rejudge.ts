/**
 * Re-judging at landing (`gitgrant rejudge`): before apply gives anything, the pull requests that
 * landed the commits of this push are judged again by the gate (the same use case and judge as
 * `record-approvals`: rules of the commit before, at the instant the commit landed, with team
 * membership as it is now). A passing check on GitHub can outlive the facts it stood on (an
 * approver leaves the owning team, a review is dismissed, the rules on main change); the grants a
 * pull request added or changed whose approval no longer holds are taken back: their files are
 * deleted in one automation commit (trailers `Gitgrant-Action: revoke`, with the reason), so apply
 * never gives them, now or on any later run whose desired state is all of main.
 *
 * Fail closed for additions, never block removals: a landing nobody can judge (GitHub did not
 * answer, several pull requests contain the commit, a push to main without a pull request) has its
 * grants taken back too; deletions are never judged and never undone. The automation's own
 * commits (their trailers are their record) are not judged.
 */
import { isAutomationCommitter } from '../core/audit/automation.js';
import { parseTrailers, type LifecycleAction } from '../core/audit/trailers.js';
import type { AutomationIdentity } from '../core/model/policy-sections.js';
import type { Judgement } from './gate.js';
import type { LandedChange, LandedCommit } from '../core/audit/landed-commit.js';


export interface RejudgeAdapters {
  /** The merged pull requests that landed `sha` (record-approvals' question). */
  landingPullRequests(sha: string): Promise<number[]>;
  /** The gate's verdict on PR `number` as it landed `commit`: rules of `commit.before`, at `commit.committedAt`, grants of `commit.sha`. */
  judge(number: number, commit: LandedCommit): Promise<Judgement>;
  /** Whose trailers count (the policy's `automation`). */
  automation(): AutomationIdentity;
}

export type LandingVerdict =
  | { kind: 'passed' }
  | { kind: 'failed'; reasons: string[] }
  | { kind: 'own-commit'; action: LifecycleAction }
  | { kind: 'no-pull-request' }
  | { kind: 'unjudged'; cause: string }
  | { kind: 'no-grants' };

/** One landing: the consecutive commits one pull request (or none) put on main, judged once. */
export interface JudgedLanding {
  pr?: number;
  commits: string[];
  /** Grant files the landing added or changed that are still on main at HEAD. */
  grants: string[];
  verdict: LandingVerdict;
}

export interface TakenBack {
  grant: string;
  pr?: number;
  /** One line, for the commit's `Reason:` trailer and the log. */
  reason: string;
}

export interface RejudgeResult {
  landings: JudgedLanding[];
  takeBack: TakenBack[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Landing = { pr: number } | { ownCommit: LifecycleAction } | { noPullRequest: true } | { unjudged: string };

async function landingOf(commit: LandedChange, adapters: RejudgeAdapters): Promise<Landing> {
  let candidates: number[];
  try {
    candidates = await adapters.landingPullRequests(commit.sha);
  } catch (error) {
    return { unjudged: `GitHub could not say which pull request landed ${commit.sha.slice(0, 12)}: ${message(error)}` };
  }
  if (candidates.length === 1) return { pr: candidates[0]! };
  if (candidates.length > 1) return { unjudged: `several merged pull requests contain ${commit.sha.slice(0, 12)}: ${candidates.map((n) => `#${n}`).join(', ')}` };
  const lifecycle = parseTrailers(commit.message);
  if (lifecycle && isAutomationCommitter(adapters.automation(), commit.committerName, commit.committerEmail)) return { ownCommit: lifecycle.action };
  return { noPullRequest: true };
}

const sameLanding = (a: Landing, b: Landing) => 'pr' in a && 'pr' in b && a.pr === b.pr;

/**
 * `commits`: the first-parent commits of the push, oldest first. `present`: the grant files on main
 * at HEAD (a grant a later commit deleted is gone already). Commits that change no access file are
 * not looked up; consecutive commits of one pull request (a rebase merge) are judged once, with the
 * rules from before the first of them.
 */
export async function rejudgeLandings(commits: readonly LandedChange[], present: ReadonlySet<string>, adapters: RejudgeAdapters): Promise<RejudgeResult> {
  const groups: { landing: Landing; commits: LandedChange[] }[] = [];
  for (const commit of commits.filter((c) => c.touchesAccess)) {
    const landing = await landingOf(commit, adapters);
    const last = groups.at(-1);
    if (last && sameLanding(last.landing, landing)) last.commits.push(commit);
    else groups.push({ landing, commits: [commit] });
  }

  const landings: JudgedLanding[] = [];
  const takeBack: TakenBack[] = [];
  for (const { landing, commits: landed } of groups) {
    const grants = [...new Set(landed.flatMap((c) => c.grants))].filter((g) => present.has(g)).sort();
    const pr = 'pr' in landing ? landing.pr : undefined;
    const verdict = await verdictOf(landing, landed, grants, adapters);
    landings.push({ ...(pr !== undefined ? { pr } : {}), commits: landed.map((c) => c.sha), grants, verdict });
    const reason = takeBackReason(verdict, pr, landed);
    if (reason !== undefined) for (const grant of grants) takeBack.push({ grant, ...(pr !== undefined ? { pr } : {}), reason });
  }
  return { landings, takeBack };
}

async function verdictOf(landing: Landing, landed: readonly LandedChange[], grants: readonly string[], adapters: RejudgeAdapters): Promise<LandingVerdict> {
  if ('ownCommit' in landing) return { kind: 'own-commit', action: landing.ownCommit };
  if (grants.length === 0) return { kind: 'no-grants' };
  if ('noPullRequest' in landing) return { kind: 'no-pull-request' };
  if ('unjudged' in landing) return { kind: 'unjudged', cause: landing.unjudged };
  const first = landed[0]!;
  const last = landed.at(-1)!;
  // The landing as one change: the grants of its last commit, the rules from before its first.
  const { before: _ignored, ...lastCommit } = last;
  const commit: LandedCommit = { ...lastCommit, ...(first.before !== undefined ? { before: first.before } : {}) };
  let judgement: Judgement;
  try {
    judgement = await adapters.judge(landing.pr, commit);
  } catch (error) {
    return { kind: 'unjudged', cause: `the gate could not judge PR #${landing.pr}: ${message(error)}` };
  }
  if (!judgement.run.pr.merged) return { kind: 'unjudged', cause: `PR #${landing.pr} is not merged, yet GitHub names it for ${last.sha.slice(0, 12)}` };
  if (judgement.passed) return { kind: 'passed' };
  const findings = judgement.run.findings.filter((d) => d.severity === 'error').map((d) => d.summary);
  const approvals = judgement.run.result.passed ? [] : ['the approvals the policy requires are not all there'];
  return { kind: 'failed', reasons: [...approvals, ...judgement.reasons, ...findings] };
}

function takeBackReason(verdict: LandingVerdict, pr: number | undefined, landed: readonly LandedChange[]): string | undefined {
  const at = landed.at(-1)!.sha.slice(0, 12);
  switch (verdict.kind) {
    case 'failed':
      return `the approval of PR #${pr} did not hold when it landed as ${at}: the gate, re-judged at merge, fails (${verdict.reasons.join('; ')})`;
    case 'no-pull-request':
      return `${at} was pushed to main without a pull request, so nobody approved it`;
    case 'unjudged':
      return `the approval could not be re-judged when ${at} landed (${verdict.cause}); taken back, fail closed`;
    default:
      return undefined;
  }
}
