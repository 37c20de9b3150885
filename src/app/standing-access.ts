/**
 * Standing access from HR on GitHub: one branch and one PR that add and remove the standing grant
 * files HR calls for, updated when HR changes, closed when HR no longer calls for any change.
 */
import { octokitPullRequestOpener } from '../adapters/github/pull-request-opener.js';
import type { HrRecord } from '../core/hr/record.js';
import { planStandingAccess } from '../core/hr/standing.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { runGit, type GitEnv } from '../adapters/git/plumbing.js';
import { gitHubFromEnv } from '../adapters/github/github-env.js';
import { changeSummary, commitStandingChange, deleteStandingBranch, pushStandingBranch, remoteBranchSummary, STANDING_BRANCH, type StandingChange } from '../adapters/git/standing-branch.js';
import { STANDING_PR_TITLE, standingPullRequestBody } from './standing-pr.js';
import { formatCommitMessage } from '../core/audit/trailers.js';

export interface StandingAccessResult {
  branch: string;
  pullRequest?: number;
  created?: boolean;
  /** The PR was closed: HR no longer calls for any change. */
  closed?: boolean;
  unchanged: boolean;
  /** `A path` / `M path` / `D path`: what the branch proposes. */
  files: string[];
}

export const STANDING_PR_CLOSED_COMMENT =
  'Closed by gitgrant: HR no longer calls for any change to standing access, so there is nothing left to review. A new pull request is opened when HR changes again.';

/** One branch and one PR for standing access; nothing at all when the branch already says the same. */
export async function syncStandingAccess(env: GitEnv, root: string, repo: AccessRepo, records: readonly HrRecord[], now: Instant): Promise<StandingAccessResult | undefined> {
  const plan = planStandingAccess({ repo, records, now });
  const change: StandingChange = { add: plan.add, remove: plan.remove };
  const files = changeSummary(change, new Set(repo.grants.map((g) => g.id)));
  if (files.length === 0) return closeStandingAccess(env, root);
  const base = runGit(root, ['rev-parse', 'HEAD']).trim();
  if (JSON.stringify(remoteBranchSummary(root, env, base)) === JSON.stringify(files)) return { branch: STANDING_BRANCH, unchanged: true, files };
  const grants = [
    ...plan.add.map((f) => ({ grant: f.path, role: f.path.split('/')[1]!, grantee: /^grantee: (.*)$/m.exec(f.content)?.[1] ?? '' })),
    ...plan.remove.map((p) => ({ grant: p, role: p.split('/')[1]!, grantee: repo.grants.find((g) => g.id === p)?.grantee ?? '', reason: 'no longer matches the role\'s standing HR attributes' })),
  ];
  const message = formatCommitMessage(`Standing access from HR: ${plan.add.length} added or renewed, ${plan.remove.length} removed`, { action: 'standing', grants });
  pushStandingBranch(root, env, commitStandingChange(root, base, change, message));
  const github = await gitHubFromEnv(env);
  if ('missing' in github) return { branch: STANDING_BRANCH, unchanged: false, files };
  const pr = await octokitPullRequestOpener(github.client, github.repo).openOrUpdate({ head: STANDING_BRANCH, base: baseBranch(root), title: STANDING_PR_TITLE, body: standingPullRequestBody(change) });
  return { branch: STANDING_BRANCH, pullRequest: pr.number, created: pr.created, unchanged: false, files };
}

/** Closes the open standing-access PR, with a comment, and deletes its branch; nothing when none is open. */
async function closeStandingAccess(env: GitEnv, root: string): Promise<StandingAccessResult | undefined> {
  const github = await gitHubFromEnv(env);
  if ('missing' in github) return undefined;
  const opener = octokitPullRequestOpener(github.client, github.repo);
  const open = await opener.findOpen(STANDING_BRANCH, baseBranch(root));
  if (!open) return undefined;
  await opener.close(open.number, STANDING_PR_CLOSED_COMMENT);
  deleteStandingBranch(root, env);
  return { branch: STANDING_BRANCH, pullRequest: open.number, closed: true, unchanged: false, files: [] };
}

function baseBranch(root: string): string {
  const branch = runGit(root, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
  return branch === 'HEAD' ? 'main' : branch;
}
