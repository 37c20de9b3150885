/**
 * Which approval record of a landed commit to believe. Pure.
 *
 * `refs/notes/gitgrant` is not main: the ruleset does not protect it, so anyone with write access
 * can push a note under any name, add one claiming approvals that never happened, or edit or
 * delete a genuine one. What nobody but the gitgrant App can do is put a commit on main's
 * first-parent line (see automation.ts). So the apply step also records the approval in an
 * automation commit on main (`approvals/<YYYY-MM>/<landed sha>.txt`, the record in its message's
 * trailers, naming the landed commit in `Landed-Commit`), and that commit is the record:
 *
 * - a landed commit with a record on main: the record is its approval; a note that says anything
 *   else is reported as tampered with (`differs`), and ignored;
 * - a landed commit without one, after main's first record: a note on it was not written with the
 *   automation's record, so it is reported (`no-record`) and ignored;
 * - before main's first record (history older than this rule): the note is all there is; it is
 *   shown as unverified, never as a record;
 * - a commit carrying the record's trailers that the automation did not make (a person's PR) is
 *   no record, and is reported (`forged-record`).
 */
import type { AutomationIdentity } from '../model/policy-sections.js';
import type { Instant } from '../model/types.js';
import { formatApprovalNote, parseApprovalNote, type ApprovalRecord } from './approval-note.js';
import { isAutomationCommitter } from './automation.js';
import { compareText } from '../text/compare-text.js';

/** The folder the automation's record commits write to; apply's `paths` filter leaves it out. */
export const APPROVALS_FOLDER = 'approvals';

const SHA = /^[0-9a-f]{40}$/;

/** Where the record of `landed` lives on main: one file per landed commit, by month it landed. */
export function approvalRecordPath(landed: string, landedAt: Instant): string {
  return `${APPROVALS_FOLDER}/${new Date(landedAt).toISOString().slice(0, 7)}/${landed}.txt`;
}

/** The record commit's message: a subject, then the note's trailers with the landed commit. */
export function formatRecordCommitMessage(landed: string, record: ApprovalRecord): string {
  const [first, ...rest] = formatApprovalNote(record).trimEnd().split('\n');
  const subject = `Record approvals of ${record.pr === undefined ? 'the pull request' : `PR #${record.pr}`} that landed ${landed.slice(0, 12)}`;
  return [subject, '', first, `Landed-Commit: ${landed}`, ...rest, ''].join('\n');
}

export interface RecordClaim {
  landed: string;
  record: ApprovalRecord;
}

/** The record a commit message claims (its last paragraph), whoever made the commit. */
export function parseRecordCommitMessage(message: string): RecordClaim | undefined {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const lines = last.split('\n');
  const landed = lines.map((line) => /^Landed-Commit:\s?(\S+)\s*$/.exec(line.trim())?.[1]).find((v) => v !== undefined);
  const record = parseApprovalNote(lines.filter((line) => !line.trim().startsWith('Landed-Commit:')).join('\n'));
  if (!record || landed === undefined || !SHA.test(landed)) return undefined;
  return { landed, record };
}

/** The facts of a commit this module needs (history-types' HistoryCommit has them). */
export interface EvidenceCommit {
  sha: string;
  committerName: string;
  committerEmail: string;
  committedAt: Instant;
  message: string;
  notes?: string;
}

export type TamperKind = 'differs' | 'no-record' | 'forged-record';

/** A note (or a person's commit) claiming an approval main's record does not back. */
export interface TamperedApproval {
  kind: TamperKind;
  /** The commit the claim is about (for `forged-record`, the commit that carries it). */
  commit: string;
  at: Instant;
  pr?: number;
  /** `@login`s the claim names as approvers. */
  claimed: string[];
  /** `@login`s main's record names, when there is one. */
  recorded?: string[];
  why: string;
}

export type BelievedApproval =
  | { source: 'record'; record: ApprovalRecord }
  | { source: 'note'; record: ApprovalRecord }
  | { source: 'none' };

export interface ApprovalEvidence {
  /** What to believe about the approval of a commit of the history. */
  of(commit: EvidenceCommit): BelievedApproval;
  tampered: TamperedApproval[];
}

const logins = (record: ApprovalRecord) => record.approvers.map((a) => a.login);

/** `commits`: main's first-parent line, oldest first, with their notes. */
export function approvalEvidence(commits: readonly EvidenceCommit[], automation: AutomationIdentity): ApprovalEvidence {
  const records = new Map<string, ApprovalRecord>();
  const tampered: TamperedApproval[] = [];
  let firstRecord: number | undefined;
  commits.forEach((commit, index) => {
    const claim = parseRecordCommitMessage(commit.message);
    if (!claim) return;
    if (!isAutomationCommitter(automation, commit.committerName, commit.committerEmail)) {
      tampered.push({
        kind: 'forged-record', commit: commit.sha, at: commit.committedAt, pr: claim.record.pr, claimed: logins(claim.record),
        why: `carries an approval record for ${claim.landed.slice(0, 12)} but was committed by ${commit.committerName} <${commit.committerEmail}>, not by the automation`,
      });
      return;
    }
    // A later record of the same commit (the facts were re-judged) replaces the earlier one.
    records.set(claim.landed, claim.record);
    firstRecord ??= index;
  });
  const position = new Map(commits.map((c, i) => [c.sha, i]));
  for (const commit of commits) {
    const note = parseApprovalNote(commit.notes);
    if (!note) continue;
    const record = records.get(commit.sha);
    if (record) {
      if (commit.notes!.trim() !== formatApprovalNote(record).trim()) {
        tampered.push({
          kind: 'differs', commit: commit.sha, at: commit.committedAt, pr: record.pr, claimed: logins(note), recorded: logins(record),
          why: 'its approval note differs from the automation\'s record on main: the note was changed after the automation wrote it',
        });
      }
    } else if (firstRecord !== undefined && position.get(commit.sha)! > firstRecord) {
      tampered.push({
        kind: 'no-record', commit: commit.sha, at: commit.committedAt, pr: note.pr, claimed: logins(note),
        why: 'it has an approval note but no record of the automation on main, which writes both: someone else wrote the note',
      });
    }
  }
  tampered.sort((a, b) => a.at - b.at || compareText(a.commit, b.commit));
  return {
    tampered,
    of(commit) {
      const record = records.get(commit.sha);
      if (record) return { source: 'record', record };
      const note = parseApprovalNote(commit.notes);
      if (note && (firstRecord === undefined || position.get(commit.sha)! <= firstRecord)) return { source: 'note', record: note };
      return { source: 'none' };
    },
  };
}
