/**
 * `gitgrant request`, as a use case: what was asked for (flags, or an access-request issue form and
 * its author), the checked grant file, the branch and the pull request that propose it.
 *
 * Planning writes nothing: `planRequest` returns the file, the branch and the PR it would open, and
 * `--dry-run` stops there. Only `openRequest` and `refuseOnIssue` are handed a publisher (git push,
 * GitHub writes), so a dry run has no way to reach one.
 */
import type { IssueReader } from '../adapters/github/issue-reader.js';
import { parseRequestForm } from '../adapters/github/issue-form.js';
import type { OpenedPullRequest, PullRequestDraft } from '../adapters/github/pull-request-opener.js';
import { requestBody, requestTitle } from '../adapters/github/request-pr.js';
import type { AccessRepo, Instant, Millis, RoleName } from '../core/model/types.js';
import { markdownText } from '../core/render/escape.js';
import type { BranchProposer } from './branch-proposal.js';
import { defaultDuration, draftGrant, type GrantDraft, type RequestedGrantsCheck } from './draft-grant.js';
import { CommandFailure, UsageError } from './errors.js';
import { emailForLogin, unknownLoginHint } from './people.js';

/** What the requester asked for, as typed (flags or the issue form); values are parsed by the caller. */
export interface AskedFor {
  role: string;
  grantee: string;
  reason: string;
  ticket?: string;
  duration?: string;
  starts?: string;
  /** The access-request issue the request came from. */
  issue?: number;
}

export type FromIssue = { asked: AskedFor } | { issue: number; problems: string[] };

/** The request an issue form makes; the grantee is the issue's author, mapped through the identities. */
export async function askedFromIssue(issueNumber: number, repo: AccessRepo, issues: Pick<IssueReader, 'issue'>, where: string): Promise<FromIssue> {
  const issue = await issues.issue(issueNumber);
  if (!issue) throw new CommandFailure(`issue #${issueNumber} does not exist in ${where}`, 'pass the number of an access-request issue');
  const form = parseRequestForm(issue.body);
  const grantee = emailForLogin(repo.policy.identities, issue.author.login);
  const missing = [...(form.role ? [] : ['Role']), ...(form.reason ? [] : ['Reason'])];
  const problems = [
    ...(missing.length > 0 ? [`the issue form has no ${missing.join(' or ')}`] : []),
    ...(grantee ? [] : [`GitHub user ${issue.author.login} is not mapped to a grantee email: ${unknownLoginHint(issue.author.login)}`]),
  ];
  if (problems.length > 0) return { issue: issueNumber, problems };
  return {
    asked: {
      role: form.role!,
      grantee: grantee!,
      reason: form.reason!,
      issue: issueNumber,
      ...(form.ticket ? { ticket: form.ticket } : {}),
      ...(form.duration ? { duration: form.duration } : {}),
      ...(form.starts ? { starts: form.starts } : {}),
    },
  };
}

export interface RequestInput {
  asked: AskedFor;
  repo: AccessRepo;
  now: Instant;
  /** The branch the pull request goes into. */
  base: string;
  /** Parses `asked.starts` and `asked.duration` (the caller's messages name its flags). */
  starts(text: string): Instant;
  duration(text: string): Millis;
  /** HR at request time. */
  checkRequested?: RequestedGrantsCheck;
  /** Whether the checkout already has a file at this path. */
  exists(path: string): boolean;
}

export interface RequestRefused {
  kind: 'refused';
  problems: string[];
  notes: string[];
  issue?: number;
}

export interface RequestReady {
  kind: 'ready';
  draft: GrantDraft;
  notes: string[];
  branch: string;
  commitMessage: string;
  pullRequest: PullRequestDraft;
  /** How long the grant lasts, from its start. */
  lasts: Millis;
  issue?: number;
}

export function planRequest(input: RequestInput): RequestRefused | RequestReady {
  const { asked, repo, now } = input;
  const issue = asked.issue === undefined ? {} : { issue: asked.issue };
  const role = repo.roles.get(asked.role as RoleName);
  if (!role) return { kind: 'refused', problems: [`there is no role ${asked.role} (known roles: ${[...repo.roles.keys()].sort().join(', ')})`], notes: [], ...issue };
  const starts = asked.starts === undefined ? undefined : input.starts(asked.starts);
  const expires = (starts ?? now) + (asked.duration === undefined ? defaultDuration(role, repo) : input.duration(asked.duration));
  const fields = { grantee: asked.grantee, reason: asked.reason, ...(asked.ticket ? { ticket: asked.ticket } : {}), starts, expires };
  const draft = draftGrant(repo, role, fields, now, undefined, input.checkRequested);
  if (draft.problems.length > 0) return { kind: 'refused', problems: draft.problems, notes: draft.notes, ...issue };
  if (input.exists(draft.path)) throw new UsageError(`${draft.path} already exists`, 'edit the existing grant in a pull request instead');

  const branch = `access-request/${draft.path.replace(/^grants\//, '').replace(/\.ya?ml$/, '')}`;
  const summary = { path: draft.path, role: role.name, grantee: asked.grantee, reason: asked.reason, ...(asked.ticket ? { ticket: asked.ticket } : {}), ...(starts !== undefined ? { starts } : {}), expires, ...(asked.issue !== undefined ? { fromIssue: asked.issue } : {}) };
  return {
    kind: 'ready',
    draft,
    notes: draft.notes,
    branch,
    commitMessage: `Request ${role.name} for ${asked.grantee}\n\n${asked.reason.trim()}\n`,
    pullRequest: { head: branch, base: input.base, title: requestTitle(summary, now), body: requestBody(summary) },
    lasts: expires - (starts ?? now),
    ...issue,
  };
}

/** The applier: the branch and the PR, the file written on the branch, the issue's one comment. */
export interface RequestPublisher extends BranchProposer {
  writeDraft(draft: GrantDraft): void;
  /** Creates or edits gitgrant's one comment on the access-request issue. */
  commentOnIssue(issue: number, body: string): Promise<void>;
}

export async function openRequest(ready: RequestReady, publisher: RequestPublisher): Promise<OpenedPullRequest> {
  publisher.pushBranch({ branch: ready.branch, message: ready.commitMessage, paths: [ready.draft.path], write: () => publisher.writeDraft(ready.draft) });
  const pr = await publisher.openOrUpdate(ready.pullRequest);
  if (ready.issue !== undefined) await publisher.commentOnIssue(ready.issue, `Opened ${pr.url} for this request. Follow the approvals there.`);
  return pr;
}

/** Tells the issue why it cannot become a pull request yet. */
export function refuseOnIssue(issue: number, problems: readonly string[], publisher: Pick<RequestPublisher, 'commentOnIssue'>): Promise<void> {
  const body = ['This request cannot become a pull request yet:', '', ...problems.map((p) => `- ${markdownText(p)}`), '', 'Edit the issue, then ask a maintainer to re-run the request workflow, or open a new request.'].join('\n');
  return publisher.commentOnIssue(issue, body);
}
