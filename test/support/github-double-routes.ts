/**
 * The GitHub double's handlers, one per operationId it serves. Each returns only the fields that
 * matter; the server completes them to the documented shape and validates the result.
 */
import type { CheckRunRecord, CommentRecord, FileRecord, GitHubDoubleState, IssueEventRecord, IssueRecord, PullRecord, RepoRecord, ReviewRecord, UserRecord } from './github-double-state.js';

export interface DoubleRequest {
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
  /** The double's own URL, for the `url` fields of responses. */
  base: string;
  /** The account the client is authenticated as. */
  actor: UserRecord;
}

/** `items` responses are paginated by the server, honouring `per_page` and `page`. */
export type DoubleResponse = { status: number; body?: unknown } | { status: 200; items: unknown[] };

export type Handler = (request: DoubleRequest, state: GitHubDoubleState) => DoubleResponse;

const notFound: DoubleResponse = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

const userJson = (user: UserRecord, base: string) => ({
  login: user.login,
  id: user.id,
  type: user.type,
  url: `${base}/users/${encodeURIComponent(user.login)}`,
  html_url: `https://github.invalid/${encodeURIComponent(user.login)}`,
});

/** The email of a commit record that gives none: an address no GitHub account has. */
const UNLINKED_EMAIL = 'someone@unlinked.invalid';

const repoPath = (repo: RepoRecord) => `repos/${repo.owner}/${repo.name}`;

/** An issue as the issues API shows it: pull requests carry a `pull_request` link. */
function issueJson(repo: RepoRecord, issue: IssueRecord, base: string) {
  return {
    ...issueFields(repo, issue, base),
    ...(issue.isPull
      ? {
          pull_request: {
            url: `${base}/${repoPath(repo)}/pulls/${issue.number}`,
            html_url: `https://github.invalid/${repo.owner}/${repo.name}/pull/${issue.number}`,
            diff_url: null,
            patch_url: null,
          },
        }
      : {}),
  };
}

function issueFields(repo: RepoRecord, issue: IssueRecord, base: string) {
  return {
    id: issue.number + repo.id * 100_000,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.stateReason,
    user: userJson(issue.user, base),
    labels: issue.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false, description: null })),
    assignee: null,
    assignees: issue.assignees.map((login) => ({ login, id: 0, type: 'User' })),
    comments: issue.comments.length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    url: `${base}/${repoPath(repo)}/issues/${issue.number}`,
    html_url: `https://github.invalid/${repo.owner}/${repo.name}/${issue.isPull ? 'pull' : 'issues'}/${issue.number}`,
  };
}

function pullJson(repo: RepoRecord, pull: PullRecord, issue: IssueRecord, base: string) {
  const owner = { login: repo.owner, id: repo.id, type: 'Organization' };
  const repository = { id: repo.id, name: repo.name, full_name: `${repo.owner}/${repo.name}`, private: true, owner };
  const branch = (ref: string, sha: string) => ({ ref, sha, label: `${repo.owner}:${ref}`, user: owner, repo: repository });
  return {
    ...issueFields(repo, issue, base),
    url: `${base}/${repoPath(repo)}/pulls/${pull.number}`,
    html_url: `https://github.invalid/${repo.owner}/${repo.name}/pull/${pull.number}`,
    head: pull.headRepo ? forkBranch(pull.headRepo, pull.headRef, pull.headSha) : branch(pull.headRef, pull.headSha),
    base: branch(pull.baseRef, 'b'.repeat(40)),
    merged: pull.merged,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    merged_by: pull.mergedBy ? userJson(pull.mergedBy, base) : null,
    draft: pull.draft,
    changed_files: pull.files.length,
    commits: pull.commits.length,
  };
}

/** The head of a PR from a fork: the branch lives in another repository. */
function forkBranch(fullName: string, ref: string, sha: string) {
  const [login = '', name = ''] = fullName.split('/');
  const owner = { login, id: 7_000_000 + login.length, type: 'User' };
  const repository = { id: 8_000_000 + fullName.length, name, full_name: fullName, private: false, owner, fork: true };
  return { ref, sha, label: `${login}:${ref}`, user: owner, repo: repository };
}

const checkRunJson = (repo: RepoRecord, run: CheckRunRecord, base: string) => ({
  id: run.id,
  head_sha: run.headSha,
  name: run.name,
  external_id: run.externalId ?? null,
  status: run.status,
  conclusion: run.conclusion,
  url: `${base}/${repoPath(repo)}/check-runs/${run.id}`,
  html_url: `https://github.invalid/${repo.owner}/${repo.name}/runs/${run.id}`,
  output: { title: run.title ?? null, summary: run.summary ?? null, text: run.text ?? null, annotations_count: 0, annotations_url: `${base}/${repoPath(repo)}/check-runs/${run.id}/annotations` },
  app: { id: 4242, slug: run.creator.login.replace(/\[bot\]$/, ''), name: 'gitgrant', owner: { login: 'acme', id: 1, type: 'Organization' }, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', permissions: {}, events: [] },
  pull_requests: [],
});

const reviewJson = (repo: RepoRecord, pull: PullRecord, review: ReviewRecord, base: string) => ({
  id: review.id,
  user: userJson(review.user, base),
  state: review.state,
  body: review.body,
  commit_id: review.commitId,
  submitted_at: review.submittedAt,
  pull_request_url: `${base}/${repoPath(repo)}/pulls/${pull.number}`,
});

function issueEventJson(repo: RepoRecord, e: IssueEventRecord, base: string) {
  const common = {
    id: e.id,
    node_id: `IE_${e.id}`,
    url: `${base}/${repoPath(repo)}/issues/events/${e.id}`,
    actor: userJson(e.actor, base),
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: e.createdAt,
    performed_via_github_app: null,
  };
  switch (e.event) {
    case 'closed':
    case 'reopened':
      return { ...common, state_reason: e.stateReason };
    case 'review_dismissed':
      return {
        ...common,
        dismissed_review: { state: e.dismissedReview.state, review_id: e.dismissedReview.reviewId, dismissal_message: e.dismissedReview.message, dismissal_commit_id: e.dismissedReview.commitId },
      };
    case 'labeled':
      return { ...common, label: { name: e.label, color: 'ededed' } };
  }
}

const commentJson = (repo: RepoRecord, comment: CommentRecord, base: string) => ({
  id: comment.id,
  body: comment.body,
  user: userJson(comment.user, base),
  created_at: comment.createdAt,
  updated_at: comment.updatedAt,
  url: `${base}/${repoPath(repo)}/issues/comments/${comment.id}`,
});

const fileJson = (file: FileRecord) => ({
  filename: file.filename,
  status: file.status,
  ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
});

interface Located {
  repo: RepoRecord;
}

function withRepo(handler: (request: DoubleRequest, state: GitHubDoubleState, found: Located) => DoubleResponse): Handler {
  return (request, state) => {
    const repo = state.findRepo(`${request.pathParams.owner}/${request.pathParams.repo}`);
    return repo ? handler(request, state, { repo }) : notFound;
  };
}

function withIssue(param: 'issue_number' | 'pull_number', handler: (request: DoubleRequest, state: GitHubDoubleState, found: Located & { issue: IssueRecord }) => DoubleResponse): Handler {
  return withRepo((request, state, { repo }) => {
    const issue = repo.issues.get(Number(request.pathParams[param]));
    return issue ? handler(request, state, { repo, issue }) : notFound;
  });
}

function withPull(handler: (request: DoubleRequest, state: GitHubDoubleState, found: Located & { issue: IssueRecord; pull: PullRecord }) => DoubleResponse): Handler {
  return withIssue('pull_number', (request, state, { repo, issue }) => {
    const pull = repo.pulls.get(issue.number);
    return pull ? handler(request, state, { repo, issue, pull }) : notFound;
  });
}

/** Labels arrive as names or as `{name}` objects. */
const labelNames = (labels: unknown): string[] => (labels as Array<string | { name?: string }>).map((l) => (typeof l === 'string' ? l : (l.name ?? '')));

function applyIssueChanges(state: GitHubDoubleState, issue: IssueRecord, body: Record<string, unknown>, actor: UserRecord): void {
  if (typeof body.title === 'string' || typeof body.title === 'number') issue.title = String(body.title);
  if ('body' in body) issue.body = (body.body as string | null) ?? '';
  if (Array.isArray(body.labels)) issue.labels = labelNames(body.labels);
  if (Array.isArray(body.assignees)) issue.assignees = body.assignees as string[];
  if (body.state === 'open' || body.state === 'closed') state.setIssueState(issue, body.state, (body.state_reason as IssueRecord['stateReason']) ?? null, actor);
  else issue.updatedAt = state.tick();
}

export const handlers: Record<string, Handler> = {
  'pulls/get': withPull((r, _s, { repo, issue, pull }) => ({ status: 200, body: pullJson(repo, pull, issue, r.base) })),
  // Like GitHub, at most 3,000 files: a bigger PR is listed in part.
  'pulls/list-files': withPull((_r, _s, { pull }) => ({ status: 200, items: pull.files.slice(0, 3000).map(fileJson) })),
  'pulls/list-reviews': withPull((r, _s, { repo, pull }) => ({ status: 200, items: pull.reviews.map((review) => reviewJson(repo, pull, review, r.base)) })),
  'pulls/list-commits': withPull((r, _s, { pull }) => ({
    status: 200,
    // Like GitHub, at most 250 commits: a longer PR is listed in part (pulls/get says how many it has).
    items: pull.commits.slice(0, 250).map((c) => ({
      sha: c.sha,
      commit: {
        message: c.message,
        author: { name: c.author?.login ?? 'Someone', email: c.authorEmail ?? UNLINKED_EMAIL, date: '2026-11-23T10:00:00Z' },
        committer: { name: c.committer?.login === 'web-flow' ? 'GitHub' : c.committer?.login ?? 'Someone', email: c.committerEmail ?? UNLINKED_EMAIL, date: '2026-11-23T10:00:00Z' },
      },
      author: c.author ? userJson(c.author, r.base) : null,
      committer: c.committer ? userJson(c.committer, r.base) : null,
      parents: Array.from({ length: c.parents ?? 1 }, (_, i) => ({ sha: String(i).repeat(40), url: `${r.base}/commits/${String(i).repeat(40)}` })),
    })),
  })),
  'pulls/list': withRepo((r, _s, { repo }) => {
    const state = (r.query.state as string | undefined) ?? 'open';
    const pulls = [...repo.pulls.values()].filter((pull) => {
      const issue = repo.issues.get(pull.number)!;
      return (state === 'all' || issue.state === state) && (!r.query.head || r.query.head === `${repo.owner}:${pull.headRef}`) && (!r.query.base || r.query.base === pull.baseRef);
    });
    return { status: 200, items: pulls.map((pull) => pullJson(repo, pull, repo.issues.get(pull.number)!, r.base)) };
  }),
  'pulls/create': withRepo((r, state, { repo }) => {
    const body = r.body!;
    const pull = state.addPull(repo, { author: r.actor.login, authorType: r.actor.type, title: String(body.title ?? ''), body: (body.body as string) ?? '', headRef: body.head as string, baseRef: body.base as string });
    pull.draft = body.draft === true;
    return { status: 201, body: pullJson(repo, pull, repo.issues.get(pull.number)!, r.base) };
  }),
  'pulls/update': withPull((r, state, { repo, issue, pull }) => {
    applyIssueChanges(state, issue, r.body ?? {}, r.actor);
    if (typeof r.body?.base === 'string') pull.baseRef = r.body.base;
    return { status: 200, body: pullJson(repo, pull, issue, r.base) };
  }),

  // GitHub lists the merged PR that landed a commit on the default branch; PRs still open, by their commits.
  'repos/list-pull-requests-associated-with-commit': withRepo((r, _s, { repo }) => {
    const sha = r.pathParams.commit_sha;
    const pulls = [...repo.pulls.values()].filter((pull) => pull.mergeCommitSha === sha || pull.commits.some((c) => c.sha === sha));
    return { status: 200, items: pulls.map((pull) => pullJson(repo, pull, repo.issues.get(pull.number)!, r.base)) };
  }),

  // Only a GitHub App can create check runs: that is why the ruleset can require one from gitgrant's App.
  'checks/create': withRepo((r, state, { repo }) => {
    if (r.actor.type !== 'Bot') return { status: 403, body: { message: 'You must authenticate via a GitHub App.', documentation_url: 'https://docs.github.com/rest' } };
    const body = r.body!;
    const output = (body.output ?? {}) as { title?: string; summary?: string; text?: string };
    const run: CheckRunRecord = {
      id: state.id(),
      name: String(body.name),
      headSha: String(body.head_sha),
      status: (body.status as string | undefined) ?? (body.conclusion ? 'completed' : 'queued'),
      conclusion: (body.conclusion as string | undefined) ?? null,
      ...(output.title !== undefined ? { title: output.title } : {}),
      ...(output.summary !== undefined ? { summary: output.summary } : {}),
      ...(output.text !== undefined ? { text: output.text } : {}),
      ...(typeof body.external_id === 'string' ? { externalId: body.external_id } : {}),
      creator: r.actor,
    };
    repo.checkRuns.push(run);
    return { status: 201, body: checkRunJson(repo, run, r.base) };
  }),

  'teams/get-membership-for-user-in-org': (r, state) => {
    const { org, team_slug: slug, username } = r.pathParams as Record<string, string>;
    const membership = state.membership(org!, slug!, username!);
    if (!membership) return notFound;
    return { status: 200, body: { url: `${r.base}/orgs/${org}/teams/${slug}/memberships/${username}`, role: 'member', state: membership } };
  },

  'issues/list-for-repo': withRepo((r, _s, { repo }) => {
    const state = (r.query.state as string | undefined) ?? 'open';
    const wanted = typeof r.query.labels === 'string' && r.query.labels ? r.query.labels.split(',') : [];
    const sortKey = r.query.sort === 'updated' ? 'updatedAt' : 'createdAt';
    const sign = r.query.direction === 'asc' ? 1 : -1;
    const issues = [...repo.issues.values()]
      .filter((i) => (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l)))
      .sort((a, b) => sign * (a[sortKey].localeCompare(b[sortKey]) || a.number - b.number));
    return { status: 200, items: issues.map((i) => issueJson(repo, i, r.base)) };
  }),
  'issues/get': withIssue('issue_number', (r, _s, { repo, issue }) => ({ status: 200, body: issueJson(repo, issue, r.base) })),
  'issues/create': withRepo((r, state, { repo }) => {
    const body = r.body!;
    const issue = state.addIssue(repo, {
      title: String(body.title),
      body: (body.body as string | undefined) ?? '',
      author: r.actor,
      labels: Array.isArray(body.labels) ? labelNames(body.labels) : [],
      assignees: Array.isArray(body.assignees) ? (body.assignees as string[]) : [],
    });
    return { status: 201, body: issueJson(repo, issue, r.base) };
  }),
  'issues/update': withIssue('issue_number', (r, state, { repo, issue }) => {
    applyIssueChanges(state, issue, r.body ?? {}, r.actor);
    return { status: 200, body: issueJson(repo, issue, r.base) };
  }),
  // State changes, review dismissals and labels, oldest first, in the shapes GitHub lists them.
  'issues/list-events': withIssue('issue_number', (r, _s, { repo, issue }) => ({ status: 200, items: issue.events.map((e) => issueEventJson(repo, e, r.base)) })),
  // The same events on the timeline (GitHub's also lists commits, comments and reviews there; gitgrant reads only these).
  'issues/list-events-for-timeline': withIssue('issue_number', (r, _s, { repo, issue }) => ({ status: 200, items: issue.events.map((e) => issueEventJson(repo, e, r.base)) })),
  'issues/list-comments': withIssue('issue_number', (r, _s, { repo, issue }) => ({ status: 200, items: issue.comments.map((c) => commentJson(repo, c, r.base)) })),
  'issues/create-comment': withIssue('issue_number', (r, state, { repo, issue }) => {
    const now = state.tick();
    const comment: CommentRecord = { id: state.id(), body: String(r.body!.body), user: r.actor, createdAt: now, updatedAt: now };
    issue.comments.push(comment);
    issue.updatedAt = now;
    return { status: 201, body: commentJson(repo, comment, r.base) };
  }),
  'issues/update-comment': withRepo((r, state, { repo }) => {
    const id = Number(r.pathParams.comment_id);
    const comment = [...repo.issues.values()].flatMap((i) => i.comments).find((c) => c.id === id);
    if (!comment) return { status: 422, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' } };
    comment.body = String(r.body!.body);
    comment.updatedAt = state.tick();
    return { status: 200, body: commentJson(repo, comment, r.base) };
  }),

  // Settings > Actions > General > Workflow permissions. A PUT changes only the fields it names.
  'actions/get-github-actions-default-workflow-permissions-repository': withRepo((_r, _s, { repo }) => ({
    status: 200,
    body: { default_workflow_permissions: repo.actionsWorkflow.defaultWorkflowPermissions, can_approve_pull_request_reviews: repo.actionsWorkflow.canApprovePullRequestReviews },
  })),
  'actions/set-github-actions-default-workflow-permissions-repository': withRepo((r, _s, { repo }) => {
    if (repo.actionsWorkflow.lockedByOrganization) return { status: 409, body: { message: 'Conflict', documentation_url: 'https://docs.github.com/rest/actions/permissions' } };
    const body = r.body ?? {};
    if (body.default_workflow_permissions === 'read' || body.default_workflow_permissions === 'write') repo.actionsWorkflow.defaultWorkflowPermissions = body.default_workflow_permissions;
    if (typeof body.can_approve_pull_request_reviews === 'boolean') repo.actionsWorkflow.canApprovePullRequestReviews = body.can_approve_pull_request_reviews;
    return { status: 204 };
  }),
};
