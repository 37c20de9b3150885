/**
 * A "changes requested" review that someone dismissed, end to end (the CLI, the OpenAPI-checked
 * GitHub double). On GitHub anyone with write access can dismiss a review, the requester included;
 * the reviews API then only says DISMISSED. The gate reads who dismissed it from the PR's
 * `review_dismissed` issue events: the objection stands unless someone whose own approval would
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
    expect(run.stdout).toContain('gate: PR #1 at');
    expect(run.stdout).toContain(`${GRANT.path} (added): changes requested`);
    expect(run.stdout).toContain('changes requested by carol, dismissed by alice, who cannot dismiss it: the PR author cannot approve their own PR');
  });
});
