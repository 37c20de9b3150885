/**
 * `gitgrant gate --pr N [--base-ref REF]`: exits 0 only when every approval is present.
 * `gitgrant gate --head-sha SHA [--head-repo O/R] --post-check`: the required check, from the trusted
 * workflow: judges the PR head read from git objects (never checked out) and posts the verdict as
 * the `gitgrant gate` check run on that exact commit.
 */
import { formatDiagnostic } from '../../diagnostics/format.js';
import { gitHubClientFromEnv, type GitHubClient } from '../../github/client.js';
import { GATE_CHECK_NAME, octokitCheckRunPoster } from '../../github/check-runs.js';
import { runGate, type GateRun } from '../../github/commands/gate-run.js';
import { parseRepoRef, repoRefFromRemoteUrl } from '../../github/repo-ref.js';
import { judgedFiles } from '../../github/commands/rules-from-base.js';
import { GateInputIncomplete } from '../../github/gate-input.js';
import { renderGateMarkdown, renderGateText } from '../../github/gate-render.js';
import { octokitIssueReader } from '../../github/issue-reader.js';
import { octokitPullRequestReader, openPullsAtHead } from '../../github/pull-requests.js';
import { octokitTeamDirectory } from '../../github/teams.js';
import type { RepoRef } from '../../github/types.js';
import { loadRepoFromFiles, type LoadedRepo } from '../../model/load-repo.js';
import { readRepoFiles, type RepoFile } from '../../model/read-repo.js';
import { classifyPath, refusalDiagnostic } from '../../model/repo-paths.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { markdownText } from '../../render/escape.js';
import type { Instant } from '../../model/types.js';
import { git } from '../git.js';
import { hrAtRequest } from '../hr-at-request.js';
import { judgedFromObjects } from '../pr-objects.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';

export interface PrOptions {
  pr?: string;
  repo?: string;
  baseRef?: string;
  now?: string;
  /** Judge this PR head commit, read from git objects in the repo; nothing is checked out. */
  headSha?: string;
  /** With `headSha` and no `pr`: the repository the head was pushed to (a fork, or this one). */
  headRepo?: string;
  postCheck?: boolean;
}

/** The branch the ruleset protects; only PRs into it are judged from a head commit. */
const PROTECTED_BRANCH = 'main';
const COMMIT_ID = /^[0-9a-f]{40}$/;
const FILES_INVALID = 'the approvals are complete, but the files do not validate';

export async function gateCommand(io: CliIo, options: PrOptions): Promise<number> {
  const gated = await reportingGitHubErrors(() => judgePr(io, options));
  if (!gated) {
    io.stdout(`gate: no open pull request into ${PROTECTED_BRANCH} has head ${options.headSha}; nothing to judge\n`);
    return EXIT.ok;
  }
  const { run, judgedSha } = gated;
  for (const d of run.findings) io.stdout(formatDiagnostic(d) + '\n');
  io.stdout(renderGateText(run.result));
  const reasons = failureReasons(gated);
  for (const reason of reasons) io.stdout(`gate: FAILED: ${reason}${reason === FILES_INVALID ? ' (see above)' : ''}\n`);
  const passed = run.passed && reasons.length === 0;
  if (options.postCheck) {
    const posted = await reportingGitHubErrors(() =>
      octokitCheckRunPoster(gated.octokit, gated.github).post({
        name: GATE_CHECK_NAME,
        headSha: judgedSha,
        passed,
        title: passed ? 'Approvals complete' : reasons[0] ?? 'Approvals or validation incomplete',
        summary: checkSummary(gated, reasons),
      }),
    );
    io.stdout(`gate: posted check "${GATE_CHECK_NAME}" (${passed ? 'success' : 'failure'}) on ${judgedSha.slice(0, 12)}: ${posted.url}\n`);
  }
  return passed ? EXIT.ok : EXIT.findings;
}

/** Why a run fails beyond the approval table: invalid files, or a head that moved while judged. */
function failureReasons({ run, judgedSha }: GatedPr): string[] {
  const reasons: string[] = [];
  if (run.pr.headSha !== judgedSha) {
    // The verdict on one commit is never carried over to another: the new head gets its own run.
    reasons.push(`the pull request head moved to ${run.pr.headSha.slice(0, 12)} while ${judgedSha.slice(0, 12)} was judged; the new head is judged by its own run`);
  }
  if (!run.passed && run.result.passed) reasons.push(FILES_INVALID);
  return reasons;
}

function checkSummary(gated: GatedPr, reasons: readonly string[]): string {
  const findings = gated.run.findings.map((d) => `- ${markdownText(formatDiagnostic(d))}`);
  return [
    ...reasons.map((reason) => `**${markdownText(reason)}**\n`),
    renderGateMarkdown(gated.run.result),
    ...(findings.length > 0 ? ['', '### Findings', '', ...findings] : []),
  ].join('\n');
}

export interface GatedPr {
  run: GateRun;
  root: string;
  now: Instant;
  octokit: GitHubClient;
  github: RepoRef;
  /** The commit whose files were judged: `--head-sha`, or the PR's head for a checkout. */
  judgedSha: string;
  /** The repo as judged (rules from the base, grants from the PR). */
  judged: LoadedRepo;
}

/** Shared with `comment` and `record-approvals`: the same decision, from the same inputs. */
export async function gatePr(io: CliIo, options: PrOptions): Promise<GatedPr> {
  const gated = await judgePr(io, options);
  if (!gated) throw new CommandFailure(`no open pull request into ${PROTECTED_BRANCH} has head ${options.headSha}`, 'pass --pr N');
  return gated;
}

/** As `gatePr`; undefined when `--head-sha` names no open pull request (closed, merged, or a push run). */
export async function judgePr(io: CliIo, options: PrOptions): Promise<GatedPr | undefined> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  if (options.headSha !== undefined && !COMMIT_ID.test(options.headSha)) throw new UsageError(`--head-sha ${options.headSha} is not a full commit id`, 'pass the 40-character sha of the pull request head');
  if (options.pr === undefined && options.headSha === undefined) throw new UsageError('say which pull request to judge', 'pass --pr N, or --head-sha SHA (from the trusted workflow)');
  if (options.postCheck && options.headSha === undefined) throw new UsageError('--post-check needs --head-sha', 'the check is posted on the commit that was judged, read from git objects');
  const github = githubRepo(io, root);
  const loaded = options.headSha === undefined ? loadJudgedRepo(root, options.baseRef) : loadFromObjects(root, options.baseRef, options.headSha);
  // HR data is judged like the rules: from the base commit (or the trusted checkout), so the PR
  // cannot edit who works here.
  const checkRequested = await hrAtRequest(io, root, loaded.repo, now, options.baseRef);
  const octokit = await githubClient(io);
  const prNumber = options.pr !== undefined ? prOption(options.pr) : await pullAtHead(octokit, github, options.headSha!, options.headRepo);
  if (prNumber === undefined) return undefined;
  const run = await gateOrIncomplete(() => runGate({
    checkRequested,
    prNumber,
    repo: loaded.repo,
    loadDiagnostics: loaded.diagnostics,
    reader: octokitPullRequestReader(octokit, github),
    teams: octokitTeamDirectory(octokit),
    issues: octokitIssueReader(octokit, github),
    now,
  }));
  return { run, root, now, octokit, github, judgedSha: options.headSha ?? run.pr.headSha, judged: loaded };
}

function prOption(value: string): number {
  const prNumber = Number(value);
  if (!Number.isSafeInteger(prNumber) || prNumber < 1) throw new UsageError(`--pr ${value} is not a pull request number`);
  return prNumber;
}

async function pullAtHead(octokit: GitHubClient, github: RepoRef, sha: string, headRepo: string | undefined): Promise<number | undefined> {
  const pulls = await openPullsAtHead(octokit, github, sha, { base: PROTECTED_BRANCH, ...(headRepo ? { headRepo } : {}) });
  // One check run per commit serves every PR at that commit: judging one of several would pass the others.
  if (pulls.length > 1) throw new CommandFailure(`pull requests ${pulls.map((n) => `#${n}`).join(', ')} all have head ${sha.slice(0, 12)}`, 'close all but one; the gate posts no check until then');
  return pulls[0];
}

async function gateOrIncomplete(run: () => Promise<GateRun>): Promise<GateRun> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GateInputIncomplete) throw new CommandFailure(`gate: FAILED: ${error.message}`, 'split the change into pull requests of fewer than 3,000 files');
    throw error;
  }
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
  const base = filesAt(root, baseRef);
  return loadRepoFromFiles(judgedFiles(base.files, files), [...diagnostics, ...base.diagnostics]);
}

/** `--head-sha`: the PR head read from git objects, merged into the base in memory. */
function loadFromObjects(root: string, baseRef: string | undefined, headSha: string): LoadedRepo {
  const { files, diagnostics } = judgedFromObjects(root, baseRef ?? 'HEAD', headSha);
  return loadRepoFromFiles(files, diagnostics);
}

/** The rule files at `ref`, by their git modes: a symbolic link is refused, never read through. */
function filesAt(root: string, ref: string): { files: RepoFile[]; diagnostics: Diagnostic[] } {
  const listing = git(root, ['ls-tree', '-r', '-z', '--end-of-options', `${ref}^{commit}`, '--', 'policies', 'roles']);
  const files: RepoFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of listing.split('\0').filter(Boolean)) {
    const tab = entry.indexOf('\t');
    const [mode, , object] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    const kind = classifyPath(path, mode);
    if (kind.kind === 'refused') diagnostics.push(refusalDiagnostic(path, kind));
    else files.push({ path, bytes: new TextEncoder().encode(git(root, ['cat-file', 'blob', object!])) });
  }
  return { files, diagnostics };
}
