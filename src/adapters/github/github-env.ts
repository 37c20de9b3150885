/**
 * The GitHub side of the lifecycle commands, built from the environment the CLI hands over:
 * the repo from `GITHUB_REPOSITORY`, the token from `GITHUB_TOKEN` (or `gh auth token`).
 */
import { gitHubClientFromEnv, type GitHubClient } from './client.js';
import { parseRepoRef } from './repo-ref.js';
import type { RepoRef } from '../../core/gate/github-types.js';

export interface GitHubContext {
  client: GitHubClient;
  repo: RepoRef;
}

export function repoFromEnv(env: Readonly<Record<string, string | undefined>>): RepoRef | undefined {
  return parseRepoRef(env.GITHUB_REPOSITORY);
}

/** Undefined, with the reason, when the environment does not say which repo or gives no token. */
export async function gitHubFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<GitHubContext | { missing: string }> {
  const repo = repoFromEnv(env);
  if (!repo) return { missing: 'GITHUB_REPOSITORY is not set to owner/repo' };
  try {
    return { client: await gitHubClientFromEnv(env, { log: () => {} }), repo };
  } catch (error) {
    return { missing: (error as Error).message };
  }
}
