/**
 * The flags every command that judges a pull request shares (`gate`, `comment`, `record-approvals`),
 * turned into the gate use case's inputs: the repo as judged, HR at request time from the same base,
 * and GitHub's readers. The decision itself is `app/gate.ts`.
 */
import { judgePullRequest, type Judgement, type PullToJudge } from '../../app/gate.js';
import type { GitHubClient } from '../../adapters/github/client.js';
import { octokitIssueReader } from '../../adapters/github/issue-reader.js';
import { octokitPullRequestReader, openPullsAtHead } from '../../adapters/github/pull-requests.js';
import { octokitTeamDirectory } from '../../adapters/github/teams.js';
import type { RepoRef } from '../../core/gate/github-types.js';
import type { Instant } from '../../core/model/types.js';
import { githubClient, githubRepo } from './github-session.js';
import { hrAtRequest } from './hr-at-request.js';
import { UsageError, type CliIo } from './io.js';
import { nowOption, repoOption } from './options.js';
import { judgedRepo } from './pr-objects.js';
import { commitOf } from '../../adapters/git/queries.js';

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

export interface JudgedPr extends Judgement {
  root: string;
  now: Instant;
  octokit: GitHubClient;
  github: RepoRef;
}

const COMMIT_ID = /^[0-9a-f]{40}$/;

/** Undefined when `--head-sha` names no open pull request (closed, merged, or a push run). */
export async function judgePr(io: CliIo, options: PrOptions): Promise<JudgedPr | undefined> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  if (options.headSha !== undefined && !COMMIT_ID.test(options.headSha)) throw new UsageError(`--head-sha ${options.headSha} is not a full commit id`, 'pass the 40-character sha of the pull request head');
  if (options.pr === undefined && options.headSha === undefined) throw new UsageError('say which pull request to judge', 'pass --pr N, or --head-sha SHA (from the trusted workflow)');
  if (options.postCheck && options.headSha === undefined) throw new UsageError('--post-check needs --head-sha', 'the check is posted on the commit that was judged, read from git objects');
  const judged = judgedRepo(root, options.baseRef, options.headSha);
  const pull = options.pr !== undefined
    ? { number: prOption(options.pr), ...(options.headSha !== undefined ? { headSha: options.headSha } : {}) }
    : { headSha: options.headSha!, ...(options.headRepo ? { headRepo: options.headRepo } : {}) };
  // The commit the head was merged into in memory: main, as the trusted checkout has it.
  const baseSha = options.headSha !== undefined ? commitOf(root, options.baseRef ?? 'HEAD') : undefined;
  return judgeWith(io, root, now, judged, options.baseRef, pull, baseSha);
}

/**
 * A merged PR as it landed `landed.sha` (`rejudge`, `record-approvals`): rules and HR of
 * `landed.before`, grants of the landed commit read from git objects (nothing is checked out), at
 * the instant it landed. Judged by number, so the PR's head is not compared with the landed commit.
 */
export async function judgeLanded(io: CliIo, root: string, number: number, landed: { sha: string; committedAt: string; before?: string }): Promise<JudgedPr> {
  const now = nowOption(io, landed.committedAt);
  const judged = judgedRepo(root, landed.before, landed.sha);
  return (await judgeWith(io, root, now, judged, landed.before, { number }))!;
}

async function judgeWith(io: CliIo, root: string, now: Instant, judged: ReturnType<typeof judgedRepo>, baseRef: string | undefined, pull: PullToJudge, baseSha?: string): Promise<JudgedPr | undefined> {
  const github = githubRepo(io, root);
  // HR data is judged like the rules: from the base commit (or the trusted checkout), so the PR
  // cannot edit who works here.
  const checkRequested = await hrAtRequest(io, root, judged.repo, now, baseRef !== undefined ? { baseRef } : {});
  const octokit = await githubClient(io);
  const reader = octokitPullRequestReader(octokit, github);
  const judgement = await judgePullRequest({ pull, judged, now, checkRequested, ...(baseSha ? { baseSha } : {}) }, {
    pulls: { ...reader, openAtHead: (sha) => openPullsAtHead(octokit, github, sha) },
    teams: octokitTeamDirectory(octokit),
    issues: octokitIssueReader(octokit, github),
  });
  return judgement && { ...judgement, root, now, octokit, github };
}

/** `--pr N`: a positive whole number. */
export function prOption(value: string): number {
  const prNumber = Number(value);
  if (!Number.isSafeInteger(prNumber) || prNumber < 1) throw new UsageError(`--pr ${value} is not a pull request number`);
  return prNumber;
}
