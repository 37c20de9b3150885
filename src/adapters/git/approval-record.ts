/**
 * The approval record on main, in git: one automation commit on top of main that writes
 * `approvals/<YYYY-MM>/<landed sha>.txt` and carries the record in its message's trailers
 * (src/core/audit/approval-evidence.ts). Built with a temporary index, so the checkout is never
 * touched, and left on the local branch `gitgrant-approval-record` for the workflow to push to
 * main (retrying on top of main when main moved).
 *
 * Idempotent: when main already holds the automation's record of the landed commit with the same
 * facts, nothing is committed and the branch is removed, so a re-run pushes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalRecord } from '../../core/audit/approval-note.js';
import { formatApprovalNote } from '../../core/audit/approval-note.js';
import { approvalRecordPath, formatRecordCommitMessage, parseRecordCommitMessage } from '../../core/audit/approval-evidence.js';
import { isAutomationCommitter } from '../../core/audit/automation.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { GitError, gitExit, gitText } from './run.js';
import { runGit } from './plumbing.js';

export const RECORD_BRANCH = 'gitgrant-approval-record';

export type RecordOutcome = 'recorded' | 'replaced' | 'unchanged';

export interface WrittenRecord {
  outcome: RecordOutcome;
  path: string;
  /** The record commit, on `RECORD_BRANCH`; absent when main already had the record. */
  commit?: string;
}

const HINT = 'run it inside a full checkout of the access repo, with main fetched';

/** The latest record of `landed` the automation put on `base`'s first-parent line, if any. */
function recordOnMain(root: string, base: string, path: string, landed: string, automation: AutomationIdentity): ApprovalRecord | undefined {
  const log = gitText(root, ['log', '--first-parent', '--format=%x1e%cn%x1f%ce%x1f%B', base, '--', path], { hint: HINT });
  for (const entry of log.split('\x1e').filter((e) => e.trim())) {
    const [name = '', email = '', message = ''] = entry.split('\x1f');
    const claim = parseRecordCommitMessage(message);
    if (claim && claim.landed === landed && isAutomationCommitter(automation, name, email)) return claim.record;
  }
  return undefined;
}

/** Who git would name as the committer here (user.name, user.email or GIT_COMMITTER_*). */
function committerHere(root: string): { name: string; email: string } {
  const ident = gitText(root, ['var', 'GIT_COMMITTER_IDENT'], { hint: 'set git user.name and user.email' });
  const match = /^(.*) <([^>]*)> /.exec(ident);
  return { name: match?.[1] ?? '', email: match?.[2] ?? '' };
}

export function writeApprovalRecord(root: string, base: string, automation: AutomationIdentity, landed: { sha: string; committedAt: string }, record: ApprovalRecord): WrittenRecord {
  const baseExit = gitExit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`]);
  if (baseExit.status !== 0) throw new GitError(`--record-on ${base} is not a commit in this repository`, 'fetch main first (git fetch origin main) and name it, e.g. --record-on origin/main', { args: ['rev-parse', base], status: baseExit.status, stderr: baseExit.stderr });
  const baseSha = baseExit.stdout.toString('utf8').trim();
  const committer = committerHere(root);
  if (!isAutomationCommitter(automation, committer.name, committer.email)) {
    throw new GitError(
      `the record would be committed by ${committer.name} <${committer.email}>, not by the automation (${automation.email ? `${automation.name} <${automation.email}>` : automation.name}), so the audit would not count it`,
      'commit as the App\'s bot user: set git user.name and user.email as apply.yml does, or the policy\'s automation identity',
    );
  }
  const path = approvalRecordPath(landed.sha, Date.parse(landed.committedAt));
  const text = formatApprovalNote(record);
  const existing = recordOnMain(root, baseSha, path, landed.sha, automation);
  if (existing && formatApprovalNote(existing) === text) {
    gitExit(root, ['update-ref', '-d', `refs/heads/${RECORD_BRANCH}`]);
    return { outcome: 'unchanged', path };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-approval-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    runGit(root, ['read-tree', baseSha], { env });
    const blob = runGit(root, ['hash-object', '-w', '--stdin'], { input: text }).trim();
    runGit(root, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
    const tree = runGit(root, ['write-tree'], { env }).trim();
    const commit = runGit(root, ['commit-tree', tree, '-p', baseSha, '-F', '-'], { input: formatRecordCommitMessage(landed.sha, record) }).trim();
    runGit(root, ['update-ref', `refs/heads/${RECORD_BRANCH}`, commit]);
    return { outcome: existing ? 'replaced' : 'recorded', path, commit };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
