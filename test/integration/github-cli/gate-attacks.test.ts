/**
 * Attacks on the trusted gate, each run end to end (git objects, the CLI, the OpenAPI-checked GitHub
 * double) and each expected to fail.
 *
 * One check run per commit: the `gitgrant gate` check is posted on a head sha, and GitHub shows it
 * on every pull request whose head is that sha, whatever its base, author, reviews or head
 * repository (a fork). A verdict earned by one PR must never make another PR at the same commit
 * mergeable: the trusted gate fails the check while more than one open PR has that head.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { aGrant, aRepo, type FileSpec } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import type { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble, withBareOrigin } from './harness.js';
import { TEAMS, accessPolicy, appReadonly, at } from './org.js';

const double = useGitHubDouble();
let before = 0;
beforeEach(() => {
  before = double().checkRuns(GITHUB_REPO).length;
});
const posted = () => double().checkRuns(GITHUB_REPO).slice(before);
/** What GitHub's ruleset looks at: the latest `gitgrant gate` check run on the commit. */
const latestOn = (sha: string) => posted().filter((c) => c.headSha === sha && c.name === 'gitgrant gate').at(-1);
const GIT_ENV = { GIT_AUTHOR_NAME: 'Requester', GIT_AUTHOR_EMAIL: 'r@example.com', GIT_COMMITTER_NAME: 'Requester', GIT_COMMITTER_EMAIL: 'r@example.com' };

const grant = () => aGrant().for('alice@example.com').ofRole('app-readonly');

/** The trusted checkout of main and one requester commit on top of it, pushed as a PR head. */
function aHead(requested = grant(), alsoChanged: FileSpec[] = [], withGrant = true): { main: TempRepo; head: string; path: string } {
  const main = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
  const { origin } = withBareOrigin(main);
  const clone = mkdtempSync(join(tmpdir(), 'gitgrant-requester-'));
  onTestFinished(() => rmSync(clone, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  git('clone', '-q', origin, '.');
  if (withGrant) write(clone, requested.build());
  for (const file of alsoChanged) write(clone, file);
  git('add', '-A');
  git('commit', '-q', '--no-gpg-sign', '-m', 'Request access');
  git('push', '-q', 'origin', 'HEAD:refs/pull/1/head');
  const head = git('rev-parse', 'HEAD').trim();
  main.git('fetch', '-q', '--no-tags', 'origin', head);
  return { main, head, path: requested.path };
}

function write(clone: string, file: FileSpec): void {
  execFileSync('mkdir', ['-p', join(clone, file.path, '..')]);
  execFileSync('tee', [join(clone, file.path)], { input: file.text, stdio: ['pipe', 'ignore', 'inherit'] });
}

function teams(gh: GitHubDouble): void {
  for (const team of Object.values(TEAMS)) gh.seedTeam(team, {});
  gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
  gh.seedTeam(TEAMS.security, { active: ['sam'] });
}

/** gate.yml for one completed `pr` run: the run's head sha and head repository. */
function trustedGate(gh: GitHubDouble, main: TempRepo, head: string, headRepo: string) {
  return gitgrant(gh, main, ['gate', '--head-sha', head, '--head-repo', headRepo, '--post-check', '--now', NOW]);
}

/** Alice's PR into main at a fresh head, approved by bob (an owner of its role): the pass others try to share. */
function anApprovedPull() {
  const gh = double();
  teams(gh);
  const { main, head, path } = aHead();
  const approved = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path }] });
  gh.seedReview({ repo: GITHUB_REPO, pull: approved, login: 'bob', state: 'APPROVED' });
  return { gh, main, head, path, approved };
}

describe('the gitgrant gate check is one per commit, so a shared head is never judged by proxy', () => {
  it('a fork PR at the head of an approved PR does not get its passing check: the approved PR\'s own run fails it', async () => {
    const { gh, main, head, path, approved } = anApprovedPull();
    // Mallory opens a PR from her fork with the very same head commit; nobody approves it.
    const fork = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory', headSha: head, headRepo: 'mallory/access', files: [{ path }] });

    // Each PR's `pr` run triggers gate.yml with its own head repository; Mallory can choose which
    // finishes last (editing a PR's title re-runs `pr`), so the approved PR's run comes last.
    await trustedGate(gh, main, head, 'mallory/access');
    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`gate: FAILED: pull requests #${approved}, #${fork} all have head ${head.slice(0, 12)}`);
    expect(latestOn(head)).toEqual(expect.objectContaining({ conclusion: 'failure', title: `pull requests #${approved}, #${fork} all have head ${head.slice(0, 12)}` }));
    expect(posted().map((c) => c.conclusion)).toEqual(['failure', 'failure']);
  });

  it('a second PR opened at an already passing head turns the check to failure, instead of leaving the pass in place', async () => {
    const { gh, main, head, path, approved } = anApprovedPull();
    expect((await trustedGate(gh, main, head, GITHUB_REPO)).code).toBe(0);
    expect(latestOn(head)?.conclusion).toBe('success');

    const second = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory', headSha: head, headRef: 'same-commit', files: [{ path }] });
    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`gate: FAILED: pull requests #${approved}, #${second} all have head ${head.slice(0, 12)}`);
    expect(run.stdout).toContain('hint: close all but one');
    expect(latestOn(head)?.conclusion).toBe('failure');
  });

  it('counts PRs at that head into any base branch: their verdicts would be judged against other rules and another diff', async () => {
    const { gh, main, head, path, approved } = anApprovedPull();
    const release = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory', headSha: head, baseRef: 'release', files: [{ path }] });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(1);
    expect(latestOn(head)).toEqual(expect.objectContaining({ conclusion: 'failure', title: `pull requests #${approved}, #${release} all have head ${head.slice(0, 12)}` }));
  });

  it('binds the verdict to the PR, the base commit and the head it judged (external_id and summary)', async () => {
    const { gh, main, head, approved: pull } = anApprovedPull();
    const base = main.git('rev-parse', 'HEAD').trim();

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(0);
    const check = latestOn(head)!;
    expect(check).toEqual(expect.objectContaining({ conclusion: 'success', title: `Approvals complete for PR #${pull}`, externalId: `gitgrant-gate:pr=${pull}:base=${base}:head=${head}` }));
    expect(check.summary).toContain(`Judged pull request #${pull}: head <code>${head}</code> merged into main at <code>${base}</code>.`);
  });

  it('fails the check whichever PR\'s run asks: a fork PR into another base, at the head of a passing PR into main', async () => {
    const { gh, main, head, path, approved } = anApprovedPull();
    expect((await trustedGate(gh, main, head, GITHUB_REPO)).code).toBe(0);
    const fork = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory', headSha: head, headRepo: 'mallory/access', baseRef: 'release', files: [{ path }] });

    // The run opening the fork's PR (gate.yml on pull_request_target) names the fork as head repository.
    const run = await trustedGate(gh, main, head, 'mallory/access');

    expect(run.code).toBe(1);
    expect(latestOn(head)).toEqual(expect.objectContaining({ conclusion: 'failure', title: `pull requests #${approved}, #${fork} all have head ${head.slice(0, 12)}` }));
  });

  it('judges a head that only PRs into other branches have as nothing to judge, and posts nothing', async () => {
    const gh = double();
    teams(gh);
    const { main, head, path } = aHead();
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, baseRef: 'release', files: [{ path }] });
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, baseRef: 'staging', files: [{ path }] });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`gate: no open pull request into main has head ${head}; nothing to judge\n`);
    expect(posted()).toEqual([]);
  });
});

describe('who asked is never hidden behind a bot', () => {
  it('fails a PR opened by a bot other than gitgrant\'s own App: the person driving it could approve their own request', async () => {
    const gh = double();
    teams(gh);
    // Bob (an app owner) wants access for Carol. A workflow on his own branch pushes the commit and
    // opens the PR with its GITHUB_TOKEN, so GitHub shows github-actions[bot] as author, committer and
    // last pusher (the ruleset's "last push approved by someone else" is met by Bob himself).
    const { main, head, path } = aHead(aGrant().for('carol@example.com').ofRole('app-readonly'));
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'github-actions[bot]', authorType: 'Bot', headSha: head, files: [{ path }], commits: [{ sha: head, author: 'github-actions[bot]' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`gate: FAILED: PR #${pull} was opened by github-actions[bot], not by a person or gitgrant's App (gitgrant[bot]): whoever drove the bot could approve their own request`);
    expect(latestOn(head)?.conclusion).toBe('failure');
  });

  it("still judges gitgrant's own request PRs, opened by its App from an issue", async () => {
    const gh = double();
    teams(gh);
    const { main, head, path } = aHead();
    const issue = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request', author: 'alice' });
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'gitgrant[bot]', authorType: 'Bot', body: `<!-- gitgrant:from-issue:${issue} -->`, headSha: head, files: [{ path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(0);
    expect(latestOn(head)?.conclusion).toBe('success');
  });
});

describe('a grant is judged by the rules it lands under', () => {
  it('fails a PR that changes a role together with a grant of it: the grant would land under rules nobody judged it by', async () => {
    const gh = double();
    teams(gh);
    // The PR makes app-readonly need two security approvals (and could widen what it reaches), and
    // adds Alice's grant to it. The gate judges the grant by main's role (one app owner): Bob
    // approves the grant, Sam approves the role change, and the grant would land under the new role
    // without the two security approvals that role now asks for.
    const tightened = appReadonly().withApprovals({ name: 'security', count: 2, from: [at(TEAMS.security)] });
    const { main, head, path } = aHead(grant(), [tightened.build()]);
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path }, { path: 'roles/app-readonly.yaml', status: 'modified' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'sam', state: 'APPROVED' });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`gate: FAILED: PR #${pull} changes roles/app-readonly.yaml and adds or changes grants (${path}): a grant is judged by main's rules, so it would land under rules nobody judged it by; land the rule change first`);
    expect(latestOn(head)?.conclusion).toBe('failure');
  });

  it('still lets a PR change a role on its own', async () => {
    const gh = double();
    teams(gh);
    const tightened = appReadonly().withApprovals({ name: 'security', count: 2, from: [at(TEAMS.security)] });
    const { main, head } = aHead(grant(), [tightened.build()], false);
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: 'roles/app-readonly.yaml', status: 'modified' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'sam', state: 'APPROVED' });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code).toBe(0);
  });
});

describe('a request for changes dismissed by the requester fails the trusted check', () => {
  it('posts a failing check naming the objection and who dismissed it', async () => {
    const { gh, main, head, approved } = anApprovedPull();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
    const objection = gh.seedReview({ repo: GITHUB_REPO, pull: approved, login: 'carol', state: 'CHANGES_REQUESTED' });
    gh.dismissReview(GITHUB_REPO, approved, objection, 'alice');

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code, run.stdout).toBe(1);
    const check = latestOn(head)!;
    expect(check.conclusion).toBe('failure');
    expect(check.summary).toContain('changes requested by carol, dismissed by alice, who cannot dismiss it: the PR author cannot approve their own PR');
  });

  it('posts a failing check with the cause and the fix when the timeline cannot be read', async () => {
    const { gh, main, head, approved } = anApprovedPull();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol', 'dave'] });
    const objection = gh.seedReview({ repo: GITHUB_REPO, pull: approved, login: 'carol', state: 'CHANGES_REQUESTED' });
    gh.dismissReview(GITHUB_REPO, approved, objection, 'dave');
    gh.rateLimit({ operationId: 'issues/list-events-for-timeline', kind: 'secondary', times: 1 });

    const run = await trustedGate(gh, main, head, GITHUB_REPO);

    expect(run.code, run.stdout).toBe(1);
    expect(latestOn(head)).toEqual(
      expect.objectContaining({
        conclusion: 'failure',
        title: expect.stringMatching(/^a dismissed review by carol still blocks: who dismissed reviews could not be read: GitHub answered 403 .*; re-run the gate; if it persists, check that the gate's token can read pull requests$/),
      }),
    );
  });
});
