/**
 * `gitgrant record-approvals --commit SHA [--pr N] [--record-on REF]`: after a PR landed, write who
 * approved it as a git note on the commit that landed it (`refs/notes/gitgrant`) and, with
 * `--record-on`, as the automation's commit on top of REF (branch `gitgrant-approval-record`, for the
 * workflow to push to main): the record the audit counts. The use case is app/record-approvals.ts.
 */
import { recordApprovals } from '../../app/record-approvals.js';
import { renderGateText } from '../../core/gate/gate-render.js';
import { NOTES_REF, writeNote } from '../../adapters/git/notes.js';
import { RECORD_BRANCH, writeApprovalRecord } from '../../adapters/git/approval-record.js';
import { landedPullRequest, landingPullRequests } from '../../adapters/github/record-approvals-github.js';
import { octokitPullRequestReader } from '../../adapters/github/pull-requests.js';
import { plainText } from '../../core/render/escape.js';
import { githubClient, githubRepo, reportingGitHubErrors } from '../support/github-session.js';
import { EXIT, type CliIo } from '../support/io.js';
import { judgePr, prOption } from '../support/judge-pr.js';
import { landedCommit } from '../support/landed-commit.js';
import { automationOf } from '../support/load.js';
import { repoOption } from '../support/options.js';

export interface RecordApprovalsOptions {
  commit: string;
  pr?: string;
  recordOn?: string;
  repo?: string;
}

export async function recordApprovalsCommand(io: CliIo, options: RecordApprovalsOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const commit = landedCommit(root, options.commit);
  const short = commit.sha.slice(0, 12);
  const pr = options.pr === undefined ? undefined : prOption(options.pr);

  return reportingGitHubErrors(async () => {
    const octokit = await githubClient(io);
    const github = githubRepo(io, root);
    const recorded = await recordApprovals(commit, pr, {
      github: {
        landingPullRequests: (sha) => landingPullRequests(octokit, github, sha),
        landedPullRequest: (number) => landedPullRequest(octokit, github, number),
        reviews: (number) => octokitPullRequestReader(octokit, github).reviews(number),
      },
      // Judged by number, so there is always a pull request to judge (GitHub answers 404 otherwise).
      judge: async (number, landed) => (await judgePr(io, { pr: String(number), repo: root, now: landed.committedAt, ...(landed.before ? { baseRef: landed.before } : {}) }))!,
      notes: { write: (sha, text) => writeNote(root, sha, text) },
      automation: () => automationOf(root),
      ...(options.recordOn === undefined ? {} : { mainRecord: { write: (landed, record) => writeApprovalRecord(root, options.recordOn!, automationOf(root), landed, record).outcome } }),
    });
    if (recorded.kind === 'own-commit') {
      io.stdout(`record-approvals: nothing to record: ${short} is gitgrant's own ${recorded.action} commit, and its trailers are its record\n`);
      return EXIT.ok;
    }
    const { judgement: { run }, note, outcome, onMain } = recorded;
    io.stdout(`record-approvals: PR #${run.pr.number} landed ${short}\n`);
    io.stdout(renderGateText(run.result));
    for (const line of note.trimEnd().split('\n')) io.stdout(`  ${plainText(line)}\n`);
    io.stdout(`record-approvals: note ${outcome} on ${short} (${NOTES_REF}); push it with: git push origin ${NOTES_REF}\n`);
    if (onMain === 'unchanged') io.stdout(`record-approvals: record on main unchanged (${options.recordOn} already has it)\n`);
    else if (onMain !== undefined) io.stdout(`record-approvals: record ${onMain} on top of ${options.recordOn} as branch ${RECORD_BRANCH}; push it with: git push origin ${RECORD_BRANCH}:main\n`);
    else io.stdout('record-approvals: no record on main (no --record-on): the audit shows a note without one as unverified or forged\n');
    if (run.passed) return EXIT.ok;
    // The note still records what counted: evidence of a merge that bypassed the gate is worth keeping.
    io.stdout(`record-approvals: the gate does not pass for PR #${run.pr.number} as merged: it landed without the approvals the policy requires\n`);
    return EXIT.findings;
  });
}
