/** `gitgrant gate --pr N [--base-ref REF]`: the required check; exits 0 only when every approval is present. */
import { formatDiagnostic } from '../../diagnostics/format.js';
import { gitHubClientFromEnv, type GitHubClient } from '../../github/client.js';
import { runGate, type GateRun } from '../../github/commands/gate-run.js';
import { parseRepoRef, repoRefFromRemoteUrl } from '../../github/commands/repo-ref.js';
import { judgedFiles } from '../../github/commands/rules-from-base.js';
import { renderGateText } from '../../github/gate-render.js';
import { octokitIssueReader } from '../../github/issue-reader.js';
import { octokitPullRequestReader } from '../../github/pull-requests.js';
import { octokitTeamDirectory } from '../../github/teams.js';
import type { RepoRef } from '../../github/types.js';
import { loadRepoFromFiles, type LoadedRepo } from '../../model/load-repo.js';
import { readRepoFiles, type RepoFile } from '../../model/read-repo.js';
import type { Instant } from '../../model/types.js';
import { git } from '../git.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';

export interface PrOptions {
  pr: string;
  repo?: string;
  baseRef?: string;
  now?: string;
}

export async function gateCommand(io: CliIo, options: PrOptions): Promise<number> {
  const { run } = await reportingGitHubErrors(() => gatePr(io, options));
  for (const d of run.findings) io.stdout(formatDiagnostic(d) + '\n');
  io.stdout(renderGateText(run.result));
  if (!run.passed && run.result.passed) io.stdout('gate: FAILED: the approvals are complete, but the files do not validate (see above)\n');
  return run.passed ? EXIT.ok : EXIT.findings;
}

export interface GatedPr {
  run: GateRun;
  root: string;
  now: Instant;
  octokit: GitHubClient;
  github: RepoRef;
}

/** Shared with `comment`: the same decision, from the same inputs. */
export async function gatePr(io: CliIo, options: PrOptions): Promise<GatedPr> {
  const prNumber = Number(options.pr);
  if (!Number.isSafeInteger(prNumber) || prNumber < 1) throw new UsageError(`--pr ${options.pr} is not a pull request number`);
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const github = githubRepo(io, root);
  const loaded = loadJudgedRepo(root, options.baseRef);
  const octokit = await githubClient(io);
  const run = await runGate({
    prNumber,
    repo: loaded.repo,
    loadDiagnostics: loaded.diagnostics,
    reader: octokitPullRequestReader(octokit, github),
    teams: octokitTeamDirectory(octokit),
    issues: octokitIssueReader(octokit, github),
    now,
  });
  return { run, root, now, octokit, github };
}

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

/** Without `--base-ref` everything comes from the working tree (local use); with it, rules come from the base. */
function loadJudgedRepo(root: string, baseRef: string | undefined): LoadedRepo {
  const { files, diagnostics } = readRepoFiles(root);
  if (baseRef === undefined) return loadRepoFromFiles(files, diagnostics);
  return loadRepoFromFiles(judgedFiles(filesAt(root, baseRef), files), diagnostics);
}

function filesAt(root: string, ref: string): RepoFile[] {
  const listing = git(root, ['ls-tree', '-r', '-z', '--name-only', `${ref}^{commit}`, '--', 'policies', 'roles']);
  return listing
    .split('\0')
    .filter(Boolean)
    .map((path) => ({ path, bytes: new TextEncoder().encode(git(root, ['show', `${ref}:${path}`])) }));
}
