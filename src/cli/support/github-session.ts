/**
 * The GitHub side of a command: the client from the environment's token, the repository from
 * `GITHUB_REPOSITORY` or the `origin` remote, and GitHub's error answers turned into one-line failures.
 */
import { gitHubClientFromEnv, type GitHubClient } from '../../adapters/github/client.js';
import { parseRepoRef, repoRefFromRemoteUrl } from '../../adapters/github/repo-ref.js';
import type { RepoRef } from '../../core/gate/github-types.js';
import { git } from './git.js';
import { CommandFailure, UsageError, type CliIo } from './io.js';

/**
 * GitHub answering with an error (permissions, a missing PR, an outage) is an I/O failure with a
 * status, not a bug in gitgrant. Octokit names these errors `HttpError`; its messages hold no token.
 */
export async function reportingGitHubErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const { name, status, message } = error as { name?: string; status?: number; message?: string };
    if (name !== 'HttpError' || typeof status !== 'number') throw error;
    const hint = /rate limit/i.test(message ?? '')
      ? 'GitHub is rate-limiting this token; re-run the job later'
      : status === 401 || status === 403 || status === 404
        ? 'check the token and its permissions (see docs/setup.md, the GitHub App)'
        : 'retry; GitHub may be having trouble';
    throw new CommandFailure(`GitHub answered ${status}: ${message ?? ''}`, hint);
  }
}

/** The Octokit client for a command; a missing token is the caller's to fix, not a bug. */
export async function githubClient(io: CliIo): Promise<GitHubClient> {
  try {
    return await gitHubClientFromEnv(io.env, { log: (line) => io.stderr(`${line}\n`) });
  } catch (error) {
    throw new CommandFailure((error as Error).message, 'set GITHUB_TOKEN (in Actions: the app token of the step)');
  }
}

/** `GITHUB_REPOSITORY` in Actions; on a laptop, the GitHub repository `origin` points at. */
export function githubRepo(io: CliIo, root: string): RepoRef {
  const fromEnv = parseRepoRef(io.env.GITHUB_REPOSITORY);
  if (fromEnv) return fromEnv;
  let url = '';
  try {
    url = git(root, ['remote', 'get-url', 'origin']).trim();
  } catch {
    // No origin: reported below with the fix.
  }
  const fromRemote = repoRefFromRemoteUrl(url);
  if (!fromRemote) throw new UsageError('cannot tell which GitHub repository to work on', 'add a GitHub `origin` remote, or export GITHUB_REPOSITORY=your-org/access');
  return fromRemote;
}
