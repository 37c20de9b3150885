/**
 * The GitHub questions `record-approvals` asks beyond the gate's: which pull request landed a
 * commit, and who opened and merged it. GET requests only.
 */
import type { GitHubClient } from './client.js';
import type { LandedPullRequest, RepoRef } from '../../core/gate/github-types.js';


/**
 * The merged pull requests that landed `sha` (GitHub's "list pull requests associated with a
 * commit"). The one whose merge commit is `sha` wins; a rebase merge has no such PR, so any merged
 * PR containing the commit is returned instead. Several candidates mean the caller must choose.
 */
export async function landingPullRequests(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<number[]> {
  const pulls = await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { ...repo, commit_sha: sha, per_page: 100 });
  const merged = pulls.filter((p) => p.merged_at !== null);
  const byMergeCommit = merged.filter((p) => p.merge_commit_sha === sha);
  return (byMergeCommit.length > 0 ? byMergeCommit : merged).map((p) => p.number).sort((a, b) => a - b);
}

export async function landedPullRequest(octokit: GitHubClient, repo: RepoRef, number: number): Promise<LandedPullRequest> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  const openedAt = Date.parse(data.created_at);
  return {
    number,
    // A deleted account shows as GitHub's "ghost".
    author: data.user?.login ?? 'ghost',
    ...(Number.isNaN(openedAt) ? {} : { openedAt }),
    ...(data.merged_by ? { mergedBy: data.merged_by.login } : {}),
  };
}
