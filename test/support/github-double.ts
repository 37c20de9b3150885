/**
 * A GitHub REST API double for integration tests: a node:http server on 127.0.0.1 (free port) that
 * serves what gitgrant's client uses from in-memory state, and checks every request and response
 * against GitHub's published OpenAPI description. Anything GitHub would reject (an unknown route,
 * a missing or mistyped parameter, an invalid body) is answered with 404/422 *and* recorded as a
 * violation, so a test that forgets to look at the status still fails on `violations()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gitHubOpenApi } from './github-double-openapi.js';
import { handlers, type DoubleResponse } from './github-double-routes.js';
import { GitHubDoubleState, type ActionsWorkflowRecord, type CheckRunRecord, type IssueRecord, type Membership, type PullRecord, type SeedCommit, type SeedIssue, type SeedPullRequest, type SeedReview, type UserType } from './github-double-state.js';

export type ViolationKind = 'unknown-route' | 'invalid-request' | 'invalid-response' | 'unimplemented' | 'unauthenticated';

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

export interface RateLimitScript {
  /** Only requests to this operation are limited; every operation when absent. */
  operationId?: string;
  kind: 'primary' | 'secondary';
  status?: 403 | 429;
  /** How many requests in a row are refused. */
  times?: number;
  retryAfterSeconds?: number;
}

export interface GitHubDoubleOptions {
  /** The account the client's token belongs to: author of what the client creates. */
  actor?: { login: string; type: UserType };
}

const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

export class GitHubDouble {
  readonly state = new GitHubDoubleState();
  private readonly recorded: Violation[] = [];
  private readonly callCounts = new Map<string, number>();
  private readonly limits: Array<Required<Omit<RateLimitScript, 'operationId' | 'retryAfterSeconds'>> & Pick<RateLimitScript, 'operationId' | 'retryAfterSeconds'>> = [];
  private readonly api = gitHubOpenApi();
  private server?: ReturnType<typeof createServer>;
  private base = '';

  constructor(private readonly options: GitHubDoubleOptions = {}) {}

  /** Base URL to give the client (`GITHUB_API_URL`). */
  get url(): string {
    return this.base;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violation({ kind: 'unimplemented', method: req.method ?? '', path: req.url ?? '', problems: [`double crashed: ${String(error)}`] });
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())) ?? resolve());
  }

  // --- seeding ---------------------------------------------------------------------------------

  seedPullRequest(seed: SeedPullRequest): number {
    const { repo, ...rest } = seed;
    return this.state.addPull(this.state.repo(repo), rest).number;
  }

  /** Adds a review; returns its id. */
  seedReview(seed: SeedReview): number {
    const pull = this.pull(seed.repo, seed.pull);
    const id = this.state.id();
    pull.reviews.push({ id, user: this.state.user(seed.login, seed.type), state: seed.state, commitId: seed.commitId ?? pull.headSha, submittedAt: this.state.tick(), body: '' });
    return id;
  }

  /**
   * Dismisses a review as `by` did it on GitHub (`PUT .../reviews/{id}/dismissals`): the review's
   * state becomes DISMISSED in the reviews API, and the PR's issue events (and timeline) get a `review_dismissed`
   * event naming `by` as the actor and the review's state before. A push that dismisses a stale
   * approval is recorded the same way, with the pusher as the actor.
   */
  dismissReview(repo: string, pull: number, reviewId: number, by: string, message: string | null = 'Dismissed'): void {
    const record = this.pull(repo, pull);
    const review = record.reviews.find((r) => r.id === reviewId);
    if (!review) throw new Error(`The double has no review ${reviewId} on ${repo}#${pull}`);
    if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED') throw new Error(`GitHub dismisses only approvals and requests for changes, not a ${review.state} review`);
    const state = review.state === 'APPROVED' ? 'approved' : 'changes_requested';
    review.state = 'DISMISSED';
    this.issue(repo, pull).events.push({ id: this.state.id(), event: 'review_dismissed', actor: this.state.user(by), createdAt: this.state.tick(), dismissedReview: { state, reviewId, message, commitId: record.headSha } });
  }

  /** Adds a label to an issue or PR as `by`: one `labeled` issue event each (anyone with triage access can add many). */
  labelIssue(repo: string, number: number, by: string, label: string): void {
    const issue = this.issue(repo, number);
    if (!issue.labels.includes(label)) issue.labels.push(label);
    issue.events.push({ id: this.state.id(), event: 'labeled', actor: this.state.user(by), createdAt: this.state.tick(), label });
  }

  /**
   * Moves the PR's head to a new commit (older approvals become stale); returns the new sha. The
   * commit is the PR author's unless `author` names someone else, or describes the commit in full
   * (an email GitHub cannot link: `{ author: null, authorEmail: ... }`; a web-flow merge...).
   */
  pushCommit(repo: string, pull: number, message = 'Change the request', author?: string | SeedCommit): string {
    const record = this.pull(repo, pull);
    const issue = this.state.repo(repo).issues.get(pull)!;
    record.headSha = this.state.sha();
    const seed: SeedCommit = typeof author === 'string' ? { author } : (author ?? {});
    record.commits.push(this.state.commit({ message, ...seed, sha: record.headSha }, issue.user.login));
    return record.headSha;
  }

  /** Merges the PR as `by`, landing it on its base branch as commit `sha` (a merge or squash commit). */
  mergePull(repo: string, pull: number, landed: { sha: string; by: string }): void {
    const record = this.pull(repo, pull);
    record.merged = true;
    record.mergeCommitSha = landed.sha;
    record.mergedBy = this.state.user(landed.by);
    this.state.setIssueState(this.issue(repo, pull), 'closed');
    record.mergedAt = this.issue(repo, pull).closedAt!;
  }

  /** `team` is `org/slug` or `@org/slug`. */
  seedTeam(team: string, members: { active?: string[]; pending?: string[] }): void {
    this.state.team(team).clear();
    for (const login of members.active ?? []) this.state.setMembership(team, login, 'active');
    for (const login of members.pending ?? []) this.state.setMembership(team, login, 'pending');
  }

  setMembership(team: string, login: string, state: Membership | undefined): void {
    this.state.setMembership(team, login, state);
  }

  seedIssue(seed: SeedIssue): number {
    const repo = this.state.repo(seed.repo);
    const issue = this.state.addIssue(repo, {
      title: seed.title,
      author: this.state.user(seed.author ?? 'someone'),
      ...(seed.body !== undefined ? { body: seed.body } : {}),
      ...(seed.labels ? { labels: seed.labels } : {}),
      ...(seed.assignees ? { assignees: seed.assignees } : {}),
    });
    if (seed.state === 'closed') this.state.setIssueState(issue, 'closed');
    return issue.number;
  }

  /** Closes an issue as `by` did it on GitHub (the events API names them as the actor). */
  closeIssue(repo: string, number: number, by: string, reason: 'completed' | 'not_planned' = 'completed'): void {
    this.state.setIssueState(this.issue(repo, number), 'closed', reason, this.state.user(by));
  }

  reopenIssue(repo: string, number: number, by: string): void {
    this.state.setIssueState(this.issue(repo, number), 'open', null, this.state.user(by));
  }

  /** Sets the repository's Actions workflow permissions (Settings > Actions > General), as an admin or the organisation would. */
  setActionsWorkflow(repo: string, settings: Partial<ActionsWorkflowRecord>): void {
    Object.assign(this.state.repo(repo).actionsWorkflow, settings);
  }

  /** Refuses the next matching requests as GitHub does when a rate limit is hit. */
  rateLimit(script: RateLimitScript): void {
    this.limits.push({ status: 403, times: 1, ...script });
  }

  // --- inspection ------------------------------------------------------------------------------

  issue(repo: string, number: number): IssueRecord {
    const issue = this.state.findRepo(repo)?.issues.get(number);
    if (!issue) throw new Error(`The double has no issue ${repo}#${number}`);
    return issue;
  }

  issues(repo: string): IssueRecord[] {
    return [...(this.state.findRepo(repo)?.issues.values() ?? [])].filter((i) => !i.isPull);
  }

  pull(repo: string, number: number): PullRecord {
    const pull = this.state.findRepo(repo)?.pulls.get(number);
    if (!pull) throw new Error(`The double has no pull request ${repo}#${number}`);
    return pull;
  }

  /** The check runs created on `repo`, oldest first. */
  checkRuns(repo: string): CheckRunRecord[] {
    return [...(this.state.findRepo(repo)?.checkRuns ?? [])];
  }

  actionsWorkflow(repo: string): ActionsWorkflowRecord {
    return { ...this.state.repo(repo).actionsWorkflow };
  }

  violations(): Violation[] {
    return [...this.recorded];
  }

  /** The violations so far, forgetting them: for an `afterEach` that checks each test on its own. */
  takeViolations(): Violation[] {
    return this.recorded.splice(0);
  }

  /** Requests received for one operation (or in total), including refused ones. */
  calls(operationId?: string): number {
    if (operationId) return this.callCounts.get(operationId) ?? 0;
    return [...this.callCounts.values()].reduce((a, b) => a + b, 0);
  }

  // --- serving ---------------------------------------------------------------------------------

  private violation(v: Violation): void {
    this.recorded.push(v);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.base);
    const raw = await readBody(req);
    const where = { method, path: url.pathname };

    const match = this.api.match(method, url.pathname);
    if (!match) {
      this.violation({ kind: 'unknown-route', ...where, problems: ['no operation in the OpenAPI description matches'] });
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const { operationId } = match.operation;
    this.callCounts.set(operationId, (this.callCounts.get(operationId) ?? 0) + 1);

    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      this.violation({ kind: 'unauthenticated', ...where, operationId, problems: ['no Authorization header'] });
      return send(res, 401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
    }

    let body: unknown;
    const problems: string[] = [];
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      problems.push('request body: not JSON');
    }
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
    problems.push(...this.api.validateRequest(operationId, match.pathParams, query, body));
    if (problems.length > 0) {
      this.violation({ kind: 'invalid-request', ...where, operationId, problems });
      return send(res, 422, { message: 'Validation Failed', errors: problems, documentation_url: 'https://docs.github.com/rest' });
    }

    const limit = this.limits.find((l) => l.times > 0 && (!l.operationId || l.operationId === operationId));
    if (limit) {
      limit.times -= 1;
      return this.sendRateLimited(res, limit);
    }

    const handler = handlers[operationId];
    if (!handler) {
      this.violation({ kind: 'unimplemented', ...where, operationId, problems: ['a real GitHub operation the double does not serve yet'] });
      return send(res, 501, { message: `The GitHub double does not implement ${operationId}` });
    }
    const actor = this.options.actor ?? { login: 'gitgrant[bot]', type: 'Bot' as const };
    const result = handler({ pathParams: match.pathParams, query, body: body as Record<string, unknown> | undefined, base: this.base, actor: this.state.user(actor.login, actor.type) }, this.state);
    const { status, payload, link } = this.paginate(result, url, query);
    const full = this.api.conform(operationId, status, payload);
    const responseProblems = this.api.validateResponse(operationId, status, full);
    if (responseProblems.length > 0) this.violation({ kind: 'invalid-response', ...where, operationId, problems: responseProblems });
    return send(res, status, full, link ? { link } : {});
  }

  private paginate(result: DoubleResponse, url: URL, query: Record<string, unknown>): { status: number; payload: unknown; link?: string } {
    if (!('items' in result)) return { status: result.status, payload: result.body };
    const perPage = Math.min(Number(query.per_page ?? 30), 100);
    const page = Math.max(Number(query.page ?? 1), 1);
    const last = Math.max(Math.ceil(result.items.length / perPage), 1);
    const pageUrl = (n: number) => {
      const next = new URL(url);
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(n));
      return `<${next.toString()}>`;
    };
    const rels = [
      ...(page < last ? [`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`] : []),
      ...(page > 1 ? [`${pageUrl(1)}; rel="first"`, `${pageUrl(page - 1)}; rel="prev"`] : []),
    ];
    return { status: 200, payload: result.items.slice((page - 1) * perPage, page * perPage), ...(rels.length ? { link: rels.join(', ') } : {}) };
  }

  private sendRateLimited(res: ServerResponse, limit: RateLimitScript & { status: number }): void {
    const headers: Record<string, string> = {};
    if (limit.retryAfterSeconds !== undefined) headers['retry-after'] = String(limit.retryAfterSeconds);
    if (limit.kind === 'primary') {
      // GitHub's reset header is an epoch second; "now" makes the client's computed wait ~0.
      Object.assign(headers, {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
        'x-ratelimit-resource': 'core',
      });
    }
    const message = limit.kind === 'primary' ? 'API rate limit exceeded for installation ID 1.' : SECONDARY_MESSAGE;
    send(res, limit.status, { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, headers);
  }
}

export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  return new GitHubDouble(options).start();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
  res.end(text);
}
