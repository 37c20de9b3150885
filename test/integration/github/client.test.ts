import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../../src/adapters/github/client.js';
import { octokitCommentPoster } from '../../../src/adapters/github/comments.js';
import { octokitIssueState } from '../../../src/adapters/github/issue-state.js';
import { octokitIssueTracker } from '../../../src/adapters/github/issues.js';
import { octokitPullRequestOpener } from '../../../src/adapters/github/pull-request-opener.js';
import { octokitPullRequestReader } from '../../../src/adapters/github/pull-requests.js';
import { octokitTeamDirectory } from '../../../src/adapters/github/teams.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';

const TOKEN = 'ghs_doubleOnlyToken1234567890';
const REPO = { owner: 'acme', repo: 'access' };
const FULL = 'acme/access';

let gh: GitHubDouble;
let octokit: GitHubClient;
const logLines: string[] = [];

beforeAll(async () => {
  gh = await startGitHubDouble();
  octokit = createGitHubClient({ token: TOKEN, baseUrl: gh.url, retryAfterUnitMs: 1, maxRateLimitRetries: 2, log: (l) => logLines.push(l) });
});
afterAll(() => gh.close());
afterEach(() => {
  // Every request the client sent and every response the double gave matched GitHub's description.
  expect(gh.takeViolations()).toEqual([]);
});

describe('the Octokit-backed GitHub interfaces against the GitHub double', () => {
  it('reads every review of a PR with more than 100 of them, page by page', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice', files: [{ path: 'grants/db/alice.yaml' }] });
    for (let i = 0; i < 230; i++) gh.seedReview({ repo: FULL, pull, login: `reviewer-${i}`, state: i % 2 ? 'APPROVED' : 'COMMENTED' });
    const before = gh.calls('pulls/list-reviews');

    const reviews = await octokitPullRequestReader(octokit, REPO).reviews(pull);

    expect(reviews).toHaveLength(230);
    expect(new Set(reviews.map((r) => r.id)).size).toBe(230);
    expect(reviews[1]).toMatchObject({ user: { login: 'reviewer-1', type: 'User' }, state: 'APPROVED', commitId: gh.pull(FULL, pull).headSha });
    expect(gh.calls('pulls/list-reviews') - before).toBe(3);
  });

  it('reads the PR, its files and its commits', async () => {
    const pull = gh.seedPullRequest({
      repo: FULL,
      author: 'alice',
      files: [{ path: 'grants/db/alice.yaml' }, { path: 'grants/new/a.yaml', status: 'renamed', previousPath: 'grants/old/a.yaml' }],
    });
    const head = gh.pushCommit(FULL, pull);
    const reader = octokitPullRequestReader(octokit, REPO);

    await expect(reader.pull(pull)).resolves.toMatchObject({ number: pull, author: { login: 'alice', type: 'User' }, headSha: head, state: 'open', merged: false });
    await expect(reader.files(pull)).resolves.toEqual([
      { path: 'grants/db/alice.yaml', status: 'added' },
      { path: 'grants/new/a.yaml', status: 'renamed', previousPath: 'grants/old/a.yaml' },
    ]);
    expect((await reader.commits(pull)).map((c) => c.sha).at(-1)).toBe(head);
  });

  it('retries a secondary rate limit after its retry-after, and logs it without the token', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice' });
    gh.rateLimit({ operationId: 'pulls/get', kind: 'secondary', status: 403, retryAfterSeconds: 3, times: 2 });
    const before = gh.calls('pulls/get');

    await expect(octokitPullRequestReader(octokit, REPO).pull(pull)).resolves.toMatchObject({ number: pull });

    expect(gh.calls('pulls/get') - before).toBe(3);
    expect(logLines.filter((l) => l.includes('secondary rate limit'))).toHaveLength(2);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('retries a primary rate limit (429, x-ratelimit-remaining: 0)', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice' });
    gh.rateLimit({ operationId: 'pulls/list-files', kind: 'primary', status: 429, times: 1 });
    const before = gh.calls('pulls/list-files');

    await expect(octokitPullRequestReader(octokit, REPO).files(pull)).resolves.toEqual([]);
    expect(gh.calls('pulls/list-files') - before).toBe(2);
  });

  it('gives up after a bounded number of rate-limit retries', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice' });
    gh.rateLimit({ operationId: 'pulls/list-commits', kind: 'primary', times: 10 });
    const before = gh.calls('pulls/list-commits');

    await expect(octokitPullRequestReader(octokit, REPO).commits(pull)).rejects.toMatchObject({ status: 403 });
    expect(gh.calls('pulls/list-commits') - before).toBe(3);
    expect(logLines.some((l) => l.includes('giving up after 2 retries'))).toBe(true);
  });

  it('counts only active team members, not pending ones, and asks once per person and team', async () => {
    gh.seedTeam('acme/db-owners', { active: ['Bob'], pending: ['pat'] });
    const teams = octokitTeamDirectory(octokit);
    const before = gh.calls('teams/get-membership-for-user-in-org');

    expect(await teams.isActiveMember('bob', '@acme/db-owners')).toBe(true);
    expect(await teams.isActiveMember('pat', '@acme/db-owners')).toBe(false);
    expect(await teams.isActiveMember('eve', '@acme/db-owners')).toBe(false);
    expect(await teams.isActiveMember('bob', '@acme/db-owners')).toBe(true);
    expect(gh.calls('teams/get-membership-for-user-in-org') - before).toBe(3);
  });

  it('keeps one PR comment and edits it in place instead of adding another', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice' });
    gh.state.repo(FULL).issues.get(pull)!.comments.push({ id: 1, body: 'LGTM', user: gh.state.user('bob'), createdAt: gh.state.tick(), updatedAt: gh.state.tick() });
    const poster = octokitCommentPoster(octokit, REPO);

    const first = await poster.upsert(pull, 'plan: 1 change');
    const second = await poster.upsert(pull, 'plan: 2 changes');
    const third = await poster.upsert(pull, 'plan: 2 changes');

    expect([first.action, second.action, third.action]).toEqual(['created', 'updated', 'unchanged']);
    expect(second.id).toBe(first.id);
    const comments = gh.issue(FULL, pull).comments;
    expect(comments.map((c) => c.body)).toEqual(['LGTM', '<!-- gitgrant:pr-comment -->\nplan: 2 changes']);
    expect(gh.calls('issues/create-comment')).toBe(1);
  });

  it('finds an issue again by its hidden fingerprint, past the first page and among PRs', async () => {
    const repo = 'acme/exceptions';
    for (let i = 0; i < 120; i++) gh.seedIssue({ repo, title: `noise ${i}`, body: `<!-- gitgrant:fingerprint:other-${i} -->\nnoise` });
    gh.seedPullRequest({ repo, author: 'alice', body: '<!-- gitgrant:fingerprint:hr:alice -->' });
    const tracker = octokitIssueTracker(octokit, { owner: 'acme', repo: 'exceptions' });

    expect(await tracker.findByFingerprint('hr:alice')).toBeUndefined();
    const created = await tracker.create('hr:alice', { title: 'alice left but holds prod-db', body: 'details', labels: ['gitgrant', 'hr'], assignees: ['sec-lead'] });
    for (let i = 0; i < 5; i++) gh.seedIssue({ repo, title: `newer noise ${i}` });

    const found = await tracker.findByFingerprint('hr:alice');
    expect(found).toMatchObject({ number: created.number, body: 'details', fingerprint: 'hr:alice', labels: ['gitgrant', 'hr'], assignees: ['sec-lead'], state: 'open' });
    expect(await tracker.findByFingerprint('hr:alice', { label: 'hr' })).toMatchObject({ number: created.number });

    const updated = await tracker.update(found!, { body: 'details, updated' });
    expect(updated).toMatchObject({ body: 'details, updated', fingerprint: 'hr:alice' });

    await tracker.close(created.number, { comment: 'Resolved: access removed.' });
    expect(gh.issue(repo, created.number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(gh.issue(repo, created.number).comments.map((c) => c.body)).toEqual(['Resolved: access removed.']);
    expect(await tracker.findByFingerprint('hr:alice')).toMatchObject({ number: created.number, state: 'closed' });
  });

  it('lists every issue carrying a label, open and closed, past the first page, and no PR', async () => {
    const repo = 'acme/labelled';
    const labelled = Array.from({ length: 105 }, (_, i) =>
      gh.seedIssue({ repo, title: `finding ${i}`, body: `<!-- gitgrant:fingerprint:f-${i} -->\nfinding`, labels: ['gitgrant-exception'], state: i % 3 ? 'open' : 'closed' }),
    );
    gh.seedIssue({ repo, title: 'unrelated', labels: ['bug'] });
    const pull = gh.seedPullRequest({ repo, author: 'alice' });
    await octokit.rest.issues.update({ owner: 'acme', repo: 'labelled', issue_number: pull, labels: ['gitgrant-exception'] });
    const before = gh.calls('issues/list-for-repo');

    const listed = await octokitIssueTracker(octokit, { owner: 'acme', repo: 'labelled' }).list('gitgrant-exception');

    expect(listed.map((i) => i.number).sort((a, b) => a - b)).toEqual(labelled);
    expect(listed.find((i) => i.number === labelled[0])).toMatchObject({ state: 'closed', fingerprint: 'f-0', body: 'finding', labels: ['gitgrant-exception'] });
    expect(gh.calls('issues/list-for-repo') - before).toBe(2);
  });

  it('opens a PR from a branch once, then updates it', async () => {
    const opener = octokitPullRequestOpener(octokit, { owner: 'acme', repo: 'standing' });
    gh.state.repo('acme/standing');

    const first = await opener.openOrUpdate({ head: 'hr/standing', base: 'main', title: 'Standing access', body: 'v1' });
    const second = await opener.openOrUpdate({ head: 'hr/standing', base: 'main', title: 'Standing access', body: 'v2' });

    expect(first.created).toBe(true);
    expect(second).toEqual({ number: first.number, url: first.url, created: false });
    expect(gh.issue('acme/standing', first.number).body).toBe('v2');
  });

  it('closes a PR with a comment, after which no open PR comes from its branch', async () => {
    const opener = octokitPullRequestOpener(octokit, { owner: 'acme', repo: 'closing' });
    gh.state.repo('acme/closing');
    const opened = await opener.openOrUpdate({ head: 'hr/standing', base: 'main', title: 'Standing access', body: 'v1' });
    expect(await opener.findOpen('hr/standing', 'main')).toEqual({ number: opened.number, url: opened.url });

    await opener.close(opened.number, 'Nothing left to review.');

    expect(gh.issue('acme/closing', opened.number)).toMatchObject({ state: 'closed' });
    expect(gh.issue('acme/closing', opened.number).comments.map((c) => c.body)).toEqual(['Nothing left to review.']);
    expect(await opener.findOpen('hr/standing', 'main')).toBeUndefined();
  });

  it('tells open, closed and missing ticket issues apart', async () => {
    const open = gh.seedIssue({ repo: 'acme/tickets', title: 'INC' });
    const closed = gh.seedIssue({ repo: 'acme/tickets', title: 'INC', state: 'closed' });
    const issues = octokitIssueState(octokit);

    expect(await issues.status({ owner: 'acme', repo: 'tickets', number: open })).toEqual({ state: 'open' });
    expect(await issues.status({ owner: 'acme', repo: 'tickets', number: closed })).toMatchObject({ state: 'closed', closedAt: expect.any(Number) });
    expect(await issues.status({ owner: 'acme', repo: 'tickets', number: 999 })).toEqual({ state: 'not-found' });
  });
});
