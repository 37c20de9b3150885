/**
 * A "changes requested" review that someone dismissed, end to end (the CLI, the OpenAPI-checked
 * GitHub double). On GitHub anyone with write access can dismiss a review, the requester included;
 * the reviews API then only says DISMISSED. The gate reads who dismissed it from the PR's
 * timeline (`review_dismissed` events): the objection stands unless someone whose own approval would
 * count for that file dismissed it.
 */
import { describe, expect, it } from 'vitest';
import { aGrant, aRepo } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();

const GRANT = aGrant().for('alice@example.com').ofRole('app-readonly');
const files = () => TempRepo.fromFiles(aRepo().with(accessPolicy(), appReadonly(), GRANT).specs());

function teams(gh: GitHubDouble): void {
  for (const team of Object.values(TEAMS)) gh.seedTeam(team, {});
  gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol', 'dave'] });
  gh.seedTeam(TEAMS.security, { active: ['sam'] });
}

/** Alice asks for her own access; bob approves the head, carol (also an owner) requests changes. */
function anObjectedPull(gh: GitHubDouble) {
  teams(gh);
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: GRANT.path }] });
  gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
  const objection = gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'CHANGES_REQUESTED' });
  return { pull, objection };
}

const gate = (gh: GitHubDouble, pull: number) => gitgrant(gh, files(), ['gate', '--pr', String(pull), '--now', NOW]);

describe('a dismissed "changes requested" review', () => {
  it('keeps blocking when the requester dismissed it (write access is not the right to overrule an owner)', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'alice', 'addressed');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(`gate: PR #${pull} at`);
    expect(run.stdout).toContain(`${GRANT.path} (added): changes requested`);
    expect(run.stdout).toContain('changes requested by carol, dismissed by alice, who cannot dismiss it: the PR author cannot approve their own PR');
  });

  it('keeps blocking when someone outside the levels the reviewer could approve dismissed it (a security member, on an owners-only role)', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'sam');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('changes requested by carol, dismissed by sam, who cannot dismiss it: only someone who could approve owners can; it blocks until carol approves the latest commit');
  });

  it('keeps blocking when a bot dismissed it (a workflow on the requester\'s branch can drive github-actions[bot])', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'github-actions[bot]');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('changes requested by carol, dismissed by github-actions[bot], who cannot dismiss it: bots cannot approve');
  });

  it('keeps blocking when an owner who wrote a commit of the PR dismissed it', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    // Dave (an owner) pushes a commit to alice's branch: he wrote part of the change, so he can neither approve it nor overrule an objection to it.
    gh.pushCommit(GITHUB_REPO, pull, 'Narrow the request', 'dave');
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    gh.dismissReview(GITHUB_REPO, pull, objection, 'dave');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('changes requested by carol, dismissed by dave, who cannot dismiss it: wrote a commit of this PR, so cannot approve it');
  });

  it('stops blocking when another owner of the role dismissed it (their own approval would count)', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'dave', 'carol is away; the scope was narrowed as asked');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`gate: PR #${pull} at`);
    expect(run.stdout).toContain('PASSED');
    expect(run.stdout).toContain('not counted: carol (dismissed): review was dismissed');
  });

  it('stops blocking when the reviewer dismissed their own request for changes', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'carol');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(0);
  });

  it('does not block on an approval the requester dismissed: it just no longer counts', async () => {
    const gh = double();
    teams(gh);
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: GRANT.path }] });
    const approval = gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    gh.dismissReview(GITHUB_REPO, pull, approval, 'alice', null);
    expect((await gate(gh, pull)).stdout).toContain('approvals missing');

    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'APPROVED' });
    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('not counted: bob (dismissed): review was dismissed');
  });

  it('stops blocking once the reviewer approves after the requester dismissed their objection', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'alice');
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'APPROVED' });

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(0);
  });
});

describe('fails closed when who dismissed a review is not known', () => {
  it('fails with the cause and a fix when GitHub does not answer for the timeline', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    gh.dismissReview(GITHUB_REPO, pull, objection, 'dave');
    gh.rateLimit({ operationId: 'issues/list-events-for-timeline', kind: 'secondary', times: 1 });

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(
      "gate: FAILED: a dismissed review by carol still blocks: who dismissed reviews could not be read: GitHub answered 403 for the pull request's timeline (You have exceeded a secondary rate limit.",
    );
    expect(run.stdout).toContain("re-run the gate; if it persists, check that the gate's token can read pull requests\n");
    expect(run.stdout).toContain('review by carol, who could approve owners, was dismissed, and whether it requested changes and who dismissed it is unknown');
  });

  it('fails when the PR has more timeline events than the gate reads (the requester flooded it with labels)', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    for (let i = 0; i < 1000; i += 1) gh.labelIssue(GITHUB_REPO, pull, 'alice', `noise-${i % 5}`);
    // The 1,001st event, on an 11th page nobody reads: dismissed by the requester.
    gh.dismissReview(GITHUB_REPO, pull, objection, 'alice');
    const calls = gh.calls('issues/list-events-for-timeline');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(
      "gate: FAILED: a dismissed review by carol still blocks: who dismissed reviews could not be read: the pull request's timeline has more than 1000 events, and gitgrant reads 1000; open the request again as a new pull request",
    );
    expect(gh.calls('issues/list-events-for-timeline') - calls).toBe(10);
  });

  it('reads every page up to the limit: a dismissal on the 10th page is found', async () => {
    const gh = double();
    const { pull, objection } = anObjectedPull(gh);
    for (let i = 0; i < 950; i += 1) gh.labelIssue(GITHUB_REPO, pull, 'alice', 'noise');
    gh.dismissReview(GITHUB_REPO, pull, objection, 'dave');

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(0);
  });

  it('blocks on a dismissed review of an owner that no event explains', async () => {
    const gh = double();
    teams(gh);
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: GRANT.path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    // The reviews API says DISMISSED, and the events name no dismissal of it: it may have been an objection.
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'DISMISSED' });

    const run = await gate(gh, pull);

    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/gate: FAILED: a dismissed review by carol still blocks: GitHub lists no review_dismissed event for review \d+, so what it said and who dismissed it are unknown; re-run the gate; if it persists, carol approves the latest commit/);
  });
});
