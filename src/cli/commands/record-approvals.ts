/**
 * `gitgrant record-approvals --commit SHA [--pr N]`: after a PR landed, write who approved it as a
 * git note on the commit that landed it (`refs/notes/gitgrant`), so an auditor without a GitHub
 * token can still name the approvers from history alone.
 *
 * The approvals are the gate's own verdict on the PR (the same `gatePr` as `gitgrant gate`), judged
 * with the rules of the commit before and at the instant the commit landed: the recorded facts
 * depend on the commit, not on when the command runs, so a re-run writes the same note.
 */
import { formatApprovalNote } from '../../audit/approval-note.js';
import { approvalRecordOf } from '../../github/commands/record-approvals-note.js';
import { landedPullRequest, landingPullRequests } from '../../github/commands/record-approvals-github.js';
import { NOTES_REF, writeNote } from '../../github/commands/record-approvals-notes.js';
import { renderGateText } from '../../github/gate-render.js';
import { octokitPullRequestReader } from '../../github/pull-requests.js';
import { isAutomationCommitter } from '../../lifecycle/automation.js';
import { parseTrailers, type LifecycleAction } from '../../lifecycle/trailers.js';
import { automationOf } from '../load.js';
import { plainText } from '../../render/escape.js';
import { git } from '../git.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { repoOption } from '../options.js';
import { gatePr, githubClient, githubRepo, reportingGitHubErrors } from './gate.js';

export interface RecordApprovalsOptions {
  commit: string;
  pr?: string;
  repo?: string;
}

interface LandedCommit {
  sha: string;
  message: string;
  committedAt: string;
  committerName: string;
  committerEmail: string;
  /** The first parent: main as it was before this commit. Absent for a root commit. */
  before?: string;
}

export async function recordApprovalsCommand(io: CliIo, options: RecordApprovalsOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const commit = landedCommit(root, options.commit);
  const short = commit.sha.slice(0, 12);

  return reportingGitHubErrors(async () => {
    const landing = options.pr === undefined ? await theLandingPullRequest(io, root, commit) : { pr: options.pr };
    if ('ownCommit' in landing) {
      io.stdout(`record-approvals: nothing to record: ${short} is gitgrant's own ${landing.ownCommit} commit, and its trailers are its record\n`);
      return EXIT.ok;
    }
    const { run, octokit, github } = await gatePr(io, { pr: landing.pr, repo: root, now: commit.committedAt, ...(commit.before ? { baseRef: commit.before } : {}) });
    if (!run.pr.merged) throw new UsageError(`pull request #${run.pr.number} is not merged, so it landed nothing`, 'pass the PR that landed this commit, or leave out --pr');
    const [pr, reviews] = await Promise.all([landedPullRequest(octokit, github, run.pr.number), octokitPullRequestReader(octokit, github).reviews(run.pr.number)]);
    const note = formatApprovalNote(approvalRecordOf(run.result, pr, reviews));
    const outcome = writeNote(root, commit.sha, note);

    io.stdout(`record-approvals: PR #${run.pr.number} landed ${short}\n`);
    io.stdout(renderGateText(run.result));
    for (const line of note.trimEnd().split('\n')) io.stdout(`  ${plainText(line)}\n`);
    io.stdout(`record-approvals: note ${outcome} on ${short} (${NOTES_REF}); push it with: git push origin ${NOTES_REF}\n`);
    if (run.passed) return EXIT.ok;
    // The note still records what counted: evidence of a merge that bypassed the gate is worth keeping.
    io.stdout(`record-approvals: the gate does not pass for PR #${run.pr.number} as merged: it landed without the approvals the policy requires\n`);
    return EXIT.findings;
  });
}

function landedCommit(root: string, ref: string): LandedCommit {
  let sha: string;
  try {
    sha = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`--commit ${ref} is not a commit in this repository`, 'fetch it first, or name the commit that landed on main');
  }
  const head = git(root, ['rev-parse', 'HEAD']).trim();
  if (head !== sha) {
    throw new UsageError(`the checkout is at ${head.slice(0, 12)}, not at ${sha.slice(0, 12)}`, `check out ${ref} first: the gate reads the grants as that commit has them`);
  }
  const [committedAt, parents, committerName = '', committerEmail = ''] = git(root, ['show', '-s', '--format=%cI%n%P%n%cn%n%ce', sha]).split('\n');
  return {
    sha, message: git(root, ['show', '-s', '--format=%B', sha]), committedAt: committedAt!.trim(), committerName, committerEmail,
    ...(parents?.trim() ? { before: parents.trim().split(' ')[0]! } : {}),
  };
}

/**
 * GitHub says which PR landed the commit. Only when none did may gitgrant's own trailers explain
 * it: a squash merge of a PR can carry trailers in its message too, and still needs its note.
 */
async function theLandingPullRequest(io: CliIo, root: string, commit: LandedCommit): Promise<{ pr: string } | { ownCommit: LifecycleAction }> {
  const { sha } = commit;
  const candidates = await landingPullRequests(await githubClient(io), githubRepo(io, root), sha);
  if (candidates.length === 1) return { pr: String(candidates[0]) };
  if (candidates.length === 0) {
    // The trailers are a record only when the automation committed them (lifecycle/automation.ts).
    const lifecycle = parseTrailers(commit.message);
    const automation = automationOf(root);
    if (lifecycle && isAutomationCommitter(automation, commit.committerName, commit.committerEmail)) return { ownCommit: lifecycle.action };
    throw new CommandFailure(`no merged pull request landed ${sha.slice(0, 12)}`, 'a commit pushed to main without a PR has no approvals to record; if it did come from one, pass --pr N');
  }
  throw new CommandFailure(`several merged pull requests contain ${sha.slice(0, 12)}: ${candidates.map((n) => `#${n}`).join(', ')}`, 'pass the one that landed it with --pr N');
}
