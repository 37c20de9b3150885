/**
 * `gitgrant request`: writes the grant file, commits it on a new branch, pushes it to `origin` and
 * opens the pull request. `--from-issue N` takes the answers from an access-request issue form and
 * the grantee from the issue's author (the workflow runs this with the app's token). `--dry-run`
 * prints the file and the pull request, and writes, pushes, opens and comments nothing.
 * The use case is app/request.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { askedFromIssue, openRequest, planRequest, refuseOnIssue, type AskedFor, type RequestPublisher, type RequestReady, type RequestRefused } from '../../app/request.js';
import { writeDraft } from '../../app/draft-grant.js';
import type { GitHubClient } from '../../adapters/github/client.js';
import { octokitCommentPoster } from '../../adapters/github/comments.js';
import { octokitIssueReader } from '../../adapters/github/issue-reader.js';
import { octokitPullRequestOpener } from '../../adapters/github/pull-request-opener.js';
import type { RepoRef } from '../../core/gate/github-types.js';
import { formatDuration } from '../../core/model/duration.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import type { AccessRepo } from '../../core/model/types.js';
import { plainText } from '../../core/render/escape.js';
import { pushChangeBranch } from '../support/branch.js';
import { git } from '../support/git.js';
import { githubClient, githubRepo, reportingGitHubErrors } from '../support/github-session.js';
import { hrAtRequest } from '../support/hr-at-request.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../support/io.js';
import { durationOption, instantOption, nowOption, repoOption } from '../support/options.js';

export interface RequestOptions {
  role?: string;
  duration?: string;
  starts?: string;
  reason?: string;
  ticket?: string;
  grantee?: string;
  fromIssue?: string;
  base: string;
  repo?: string;
  now?: string;
  dryRun?: boolean;
}

/** The marker of the comment `request` keeps on an access-request issue. */
const ISSUE_COMMENT_MARKER = '<!-- gitgrant:request -->';

export function requestCommand(io: CliIo, options: RequestOptions): Promise<number> {
  return reportingGitHubErrors(() => request(io, options));
}

async function request(io: CliIo, options: RequestOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const flags = options.fromIssue === undefined ? fromFlags(root, options) : undefined;
  // A dry run from flags asks GitHub nothing; every other run needs the repository and a token.
  const github = flags && options.dryRun ? undefined : await gitHub(io, root);
  const { repo } = loadRepo(root);
  const asked = flags ?? (await fromIssue(github!, repo, options));

  const plan = planRequest({
    asked, repo, now, base: options.base,
    starts: (text) => instantOption('starts', text),
    duration: (text) => durationOption('duration', text),
    checkRequested: await hrAtRequest(io, root, repo, now),
    exists: (path) => existsSync(join(root, path)),
  });
  for (const line of plan.notes) io.stdout(`${plainText(line)}\n`);
  if (plan.kind === 'refused') return refuse(io, github, plan, options.dryRun);
  if (options.dryRun) return dryRun(io, plan);

  const pr = await openRequest(plan, publisher(root, github!));
  io.stdout(`gitgrant request: pushed ${plan.branch} with ${plan.draft.path} (${formatDuration(plan.lasts)}); pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}: ${pr.url}\n`);
  return EXIT.ok;
}

interface GitHubSide {
  octokit: GitHubClient;
  repo: RepoRef;
}

async function gitHub(io: CliIo, root: string): Promise<GitHubSide> {
  const repo = githubRepo(io, root);
  return { repo, octokit: await githubClient(io) };
}

function publisher(root: string, github: GitHubSide): RequestPublisher {
  const opener = octokitPullRequestOpener(github.octokit, github.repo);
  return {
    pushBranch: (change) => pushChangeBranch(root, change),
    openOrUpdate: (draft) => opener.openOrUpdate(draft),
    writeDraft: (draft) => writeDraft(root, draft),
    ...issueComments(github),
  };
}

/** What the request would do, exactly as it would be sent; user text stripped of control characters for the terminal. */
function dryRun(io: CliIo, plan: RequestReady): number {
  const indented = (text: string) => text.trimEnd().split('\n').map((line) => `  ${plainText(line)}\n`).join('');
  io.stdout(`gitgrant request --dry-run: would write ${plan.draft.path} (${formatDuration(plan.lasts)}):\n`);
  io.stdout(indented(plan.draft.text));
  const comment = plan.issue === undefined ? '' : `, and link it on issue #${plan.issue}`;
  io.stdout(`gitgrant request --dry-run: would push branch ${plan.branch} and open a pull request into ${plainText(plan.pullRequest.base)}${comment}:\n`);
  io.stdout(`  title: ${plainText(plan.pullRequest.title)}\n  body:\n`);
  io.stdout(indented(plan.pullRequest.body).replace(/^ {2}/gm, '    '));
  io.stdout('gitgrant request --dry-run: nothing written, pushed or opened\n');
  return EXIT.ok;
}

function fromFlags(root: string, options: RequestOptions): AskedFor {
  if (!options.role) throw new UsageError('--role is required', 'or use --from-issue N');
  if (!options.reason) throw new UsageError('--reason is required', 'say what you will do and why');
  const grantee = options.grantee ?? gitEmail(root);
  if (!grantee) throw new UsageError('--grantee is required (git config user.email is not set)', 'pass --grantee you@example.com');
  return {
    role: options.role,
    grantee,
    reason: options.reason,
    ...(options.ticket ? { ticket: options.ticket } : {}),
    ...(options.duration ? { duration: options.duration } : {}),
    ...(options.starts ? { starts: options.starts } : {}),
  };
}

function gitEmail(root: string): string | undefined {
  try {
    return git(root, ['config', 'user.email']).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function fromIssue(github: GitHubSide, repo: AccessRepo, options: RequestOptions): Promise<AskedFor> {
  const issueNumber = Number(options.fromIssue);
  if (!Number.isSafeInteger(issueNumber) || issueNumber < 1) throw new UsageError(`--from-issue ${options.fromIssue} is not an issue number`);
  const answer = await askedFromIssue(issueNumber, repo, octokitIssueReader(github.octokit, github.repo), `${github.repo.owner}/${github.repo.repo}`);
  if ('asked' in answer) return answer.asked;
  if (!options.dryRun) await refuseOnIssue(issueNumber, answer.problems, issueComments(github));
  throw new CommandFailure(`cannot request access from issue #${issueNumber}: ${answer.problems.join('; ')}`, 'fix the issue (or the identities), then re-run the request workflow');
}

function issueComments(github: GitHubSide): Pick<RequestPublisher, 'commentOnIssue'> {
  const comments = octokitCommentPoster(github.octokit, github.repo, ISSUE_COMMENT_MARKER);
  return { commentOnIssue: async (issue, body) => void (await comments.upsert(issue, body)) };
}

async function refuse(io: CliIo, github: GitHubSide | undefined, plan: RequestRefused, dryRun: boolean | undefined): Promise<number> {
  for (const p of plan.problems) io.stdout(`${plainText(p)}\n`);
  io.stdout('gitgrant request: the grant would not pass validation; nothing pushed\n');
  if (plan.issue !== undefined && !dryRun) await refuseOnIssue(plan.issue, plan.problems, issueComments(github!));
  return EXIT.findings;
}
