/**
 * After a PR landed: who approved it, written as the automation's commit on main (`mainRecord`,
 * approvals/: the record the audit counts, since only the App can push to main) and as a git note
 * on the commit that landed it (`refs/notes/gitgrant`: a copy anyone with write access could push),
 * so an auditor without a GitHub token can still name the approvers from history alone.
 *
 * The approvals are the gate's own verdict on the PR (the same use case as `gitgrant gate`), judged
 * with the rules of the commit before and at the instant the commit landed: the recorded facts
 * depend on the commit, not on when the command runs, so a re-run writes the same note.
 */
import { formatApprovalNote, type ApprovalRecord } from '../core/audit/approval-note.js';
import { approvalRecordOf } from '../core/audit/approval-record.js';
import type { LandedPullRequest } from '../core/gate/github-types.js';
import type { Review } from '../core/gate/github-types.js';
import { isAutomationCommitter } from '../core/audit/automation.js';
import type { AutomationIdentity } from '../core/model/policy-sections.js';
import { parseTrailers, type LifecycleAction } from '../core/audit/trailers.js';
import { CommandFailure, UsageError } from './errors.js';
import type { Judgement } from './gate.js';
import type { LandedCommit } from '../core/audit/landed-commit.js';

/** What GitHub says about the PRs that landed a commit. GET requests only. */
export interface LandingReader {
  landingPullRequests(sha: string): Promise<number[]>;
  landedPullRequest(number: number): Promise<LandedPullRequest>;
  reviews(number: number): Promise<Review[]>;
}

export type NoteOutcome = 'recorded' | 'replaced' | 'unchanged';

export interface RecordApprovalsAdapters {
  github: LandingReader;
  /** The gate's verdict on PR `number` as it landed `commit` (rules of `commit.before`, at `commit.committedAt`). */
  judge(number: number, commit: LandedCommit): Promise<Judgement>;
  /** Writes the note on a commit; the same text twice leaves it unchanged. */
  notes: { write(sha: string, text: string): NoteOutcome };
  /** Whose trailers count (the policy's `automation`), read only when no PR landed the commit. */
  automation(): AutomationIdentity;
  /**
   * The record on main (an automation commit under approvals/, approval-evidence.ts): the only
   * copy the audit trusts, since anyone with write access can push notes. Absent: the note only.
   */
  mainRecord?: { write(commit: LandedCommit, record: ApprovalRecord): NoteOutcome };
}

export type RecordedApprovals =
  | { kind: 'own-commit'; action: LifecycleAction }
  | { kind: 'recorded'; judgement: Judgement; note: string; outcome: NoteOutcome; onMain?: NoteOutcome };

export async function recordApprovals(commit: LandedCommit, pr: number | undefined, adapters: RecordApprovalsAdapters): Promise<RecordedApprovals> {
  const landing = pr === undefined ? await theLandingPullRequest(commit, adapters) : { pr };
  if ('ownCommit' in landing) return { kind: 'own-commit', action: landing.ownCommit };
  const judgement = await adapters.judge(landing.pr, commit);
  const { run } = judgement;
  if (!run.pr.merged) throw new UsageError(`pull request #${run.pr.number} is not merged, so it landed nothing`, 'pass the PR that landed this commit, or leave out --pr');
  const [landed, reviews] = await Promise.all([adapters.github.landedPullRequest(run.pr.number), adapters.github.reviews(run.pr.number)]);
  const record = approvalRecordOf(run.result, landed, reviews);
  const note = formatApprovalNote(record);
  // The record on main first: a note without it is what the audit reports as forged.
  const onMain = adapters.mainRecord?.write(commit, record);
  return { kind: 'recorded', judgement, note, outcome: adapters.notes.write(commit.sha, note), ...(onMain ? { onMain } : {}) };
}

/**
 * GitHub says which PR landed the commit. Only when none did may gitgrant's own trailers explain
 * it: a squash merge of a PR can carry trailers in its message too, and still needs its note.
 */
async function theLandingPullRequest(commit: LandedCommit, adapters: RecordApprovalsAdapters): Promise<{ pr: number } | { ownCommit: LifecycleAction }> {
  const { sha } = commit;
  const candidates = await adapters.github.landingPullRequests(sha);
  if (candidates.length === 1) return { pr: candidates[0]! };
  if (candidates.length === 0) {
    // The trailers are a record only when the automation committed them (lifecycle/automation.ts).
    const lifecycle = parseTrailers(commit.message);
    if (lifecycle && isAutomationCommitter(adapters.automation(), commit.committerName, commit.committerEmail)) return { ownCommit: lifecycle.action };
    throw new CommandFailure(`no merged pull request landed ${sha.slice(0, 12)}`, 'a commit pushed to main without a PR has no approvals to record; if it did come from one, pass --pr N');
  }
  throw new CommandFailure(`several merged pull requests contain ${sha.slice(0, 12)}: ${candidates.map((n) => `#${n}`).join(', ')}`, 'pass the one that landed it with --pr N');
}
