/**
 * `gitgrant request`: writes the grant file, commits it on a new branch, pushes it to `origin` and
 * opens the pull request. `--from-issue N` takes the answers from an access-request issue form and
 * the grantee from the issue's author (the workflow runs this with the app's token).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubClient } from '../../github/client.js';
import { octokitCommentPoster } from '../../github/comments.js';
import { parseRequestForm } from '../../github/commands/issue-form.js';
import { emailForLogin, unknownLoginHint } from '../../github/commands/people.js';
import { requestBody, requestTitle } from '../../github/commands/request-pr.js';
import { octokitIssueReader } from '../../github/issue-reader.js';
import { octokitPullRequestOpener } from '../../github/pull-request-opener.js';
import type { RepoRef } from '../../github/types.js';
import { formatDuration } from '../../model/duration.js';
import { loadRepo } from '../../model/load-repo.js';
import type { AccessRepo, RoleName } from '../../model/types.js';
import { markdownText, plainText } from '../../render/escape.js';
import { pushChangeBranch } from '../branch.js';
import { git } from '../git.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { hrAtRequest } from '../hr-at-request.js';
import { durationOption, instantOption, nowOption, repoOption } from '../options.js';
import { githubClient, githubRepo, reportingGitHubErrors } from './gate.js';
import { defaultDuration, draftGrant, writeDraft, type GrantDraft } from './new-grant.js';

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
  const github = githubRepo(io, root);
  const octokit = await githubClient(io);
  const { repo } = loadRepo(root);
  const asked = flags ?? (await fromIssue(octokit, github, repo, options.fromIssue!));

  const role = repo.roles.get(asked.role as RoleName);
  if (!role) return refuse(io, octokit, github, asked.issue, [`there is no role ${asked.role} (known roles: ${[...repo.roles.keys()].sort().join(', ')})`]);
  const starts = asked.starts === undefined ? undefined : instantOption('starts', asked.starts);
  const expires = (starts ?? now) + (asked.duration === undefined ? defaultDuration(role, repo) : durationOption('duration', asked.duration));
  const fields = { grantee: asked.grantee, reason: asked.reason, ...(asked.ticket ? { ticket: asked.ticket } : {}), starts, expires };
  const draft = draftGrant(repo, role, fields, now, undefined, await hrAtRequest(io, root, repo, now));
  for (const line of draft.notes) io.stdout(`${plainText(line)}\n`);
  if (draft.problems.length > 0) return refuse(io, octokit, github, asked.issue, draft.problems);

  const branch = `access-request/${draft.path.replace(/^grants\//, '').replace(/\.ya?ml$/, '')}`;
  pushRequestBranch(root, branch, draft, `Request ${role.name} for ${asked.grantee}\n\n${asked.reason.trim()}\n`);

  const summary = { path: draft.path, role: role.name, grantee: asked.grantee, reason: asked.reason, ...(asked.ticket ? { ticket: asked.ticket } : {}), ...(starts !== undefined ? { starts } : {}), expires, ...(asked.issue !== undefined ? { fromIssue: asked.issue } : {}) };
  const pr = await octokitPullRequestOpener(octokit, github).openOrUpdate({ head: branch, base: options.base, title: requestTitle(summary, now), body: requestBody(summary) });
  if (asked.issue !== undefined) {
    await octokitCommentPoster(octokit, github, ISSUE_COMMENT_MARKER).upsert(asked.issue, `Opened ${pr.url} for this request. Follow the approvals there.`);
  }
  io.stdout(`gitgrant request: pushed ${branch} with ${draft.path} (${formatDuration(expires - (starts ?? now))}); pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}: ${pr.url}\n`);
  return EXIT.ok;
}

function pushRequestBranch(root: string, branch: string, draft: GrantDraft, message: string): void {
  if (existsSync(join(root, draft.path))) throw new UsageError(`${draft.path} already exists`, 'edit the existing grant in a pull request instead');
  pushChangeBranch(root, { branch, message, paths: [draft.path], write: () => writeDraft(root, draft) });
}

interface AskedFor {
  role: string;
  grantee: string;
  reason: string;
  ticket?: string;
  duration?: string;
  starts?: string;
  issue?: number;
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

async function fromIssue(octokit: GitHubClient, github: RepoRef, repo: AccessRepo, number: string): Promise<AskedFor> {
  const issueNumber = Number(number);
  if (!Number.isSafeInteger(issueNumber) || issueNumber < 1) throw new UsageError(`--from-issue ${number} is not an issue number`);
  const issue = await octokitIssueReader(octokit, github).issue(issueNumber);
  if (!issue) throw new CommandFailure(`issue #${issueNumber} does not exist in ${github.owner}/${github.repo}`, 'pass the number of an access-request issue');
  const form = parseRequestForm(issue.body);
  const grantee = emailForLogin(repo.policy.identities, issue.author.login);
  const missing = [...(form.role ? [] : ['Role']), ...(form.reason ? [] : ['Reason'])];
  const problems = [
    ...(missing.length > 0 ? [`the issue form has no ${missing.join(' or ')}`] : []),
    ...(grantee ? [] : [`GitHub user ${issue.author.login} is not mapped to a grantee email: ${unknownLoginHint(issue.author.login)}`]),
  ];
  if (problems.length > 0) {
    await commentProblems(octokit, github, issueNumber, problems);
    throw new CommandFailure(`cannot request access from issue #${issueNumber}: ${problems.join('; ')}`, 'fix the issue (or the identities), then re-run the request workflow');
  }
  return {
    role: form.role!,
    grantee: grantee!,
    reason: form.reason!,
    issue: issueNumber,
    ...(form.ticket ? { ticket: form.ticket } : {}),
    ...(form.duration ? { duration: form.duration } : {}),
    ...(form.starts ? { starts: form.starts } : {}),
  };
}

async function refuse(io: CliIo, octokit: GitHubClient, github: RepoRef, issue: number | undefined, problems: string[]): Promise<number> {
  for (const p of problems) io.stdout(`${plainText(p)}\n`);
  io.stdout('gitgrant request: the grant would not pass validation; nothing pushed\n');
  if (issue !== undefined) await commentProblems(octokit, github, issue, problems);
  return EXIT.findings;
}

async function commentProblems(octokit: GitHubClient, github: RepoRef, issue: number, problems: string[]): Promise<void> {
  const body = ['This request cannot become a pull request yet:', '', ...problems.map((p) => `- ${markdownText(p)}`), '', 'Edit the issue, then ask a maintainer to re-run the request workflow, or open a new request.'].join('\n');
  await octokitCommentPoster(octokit, github, ISSUE_COMMENT_MARKER).upsert(issue, body);
}
