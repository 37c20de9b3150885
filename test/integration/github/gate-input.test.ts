import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { evaluateGate } from '../../../src/core/gate/gate.js';
import { gatherGateInput } from '../../../src/app/gate-input.js';
import { renderGateText } from '../../../src/core/gate/gate-render.js';
import { octokitPullRequestReader } from '../../../src/adapters/github/pull-requests.js';
import { octokitTeamDirectory } from '../../../src/adapters/github/teams.js';
import { email, gitHubPrincipal } from '../../../src/core/model/types.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';

const FULL = 'acme/access';
let gh: GitHubDouble;

beforeAll(async () => {
  gh = await startGitHubDouble();
});
afterAll(() => gh.close());

/** The gate input of `pull`, whose grants need one approval from @acme/db-owners and whose grantee is `grantee`. */
function gatherFor(pull: number, grantee: { email: string; login: string }) {
  const octokit = createGitHubClient({ token: 'test-token', baseUrl: gh.url, log: () => {} });
  return gatherGateInput({
    prNumber: pull,
    reader: octokitPullRequestReader(octokit, { owner: 'acme', repo: 'access' }),
    teams: octokitTeamDirectory(octokit),
    policyOwners: [gitHubPrincipal('@acme/security')],
    requirementsFor: async (_pr, grants) =>
      grants.map(({ grant }) => ({
        requirement: {
          grant,
          levels: [{ name: 'owners', count: 1, from: [gitHubPrincipal('@acme/db-owners')], because: 'role prod-db, level 1', kind: 'role' }],
          cannotApprove: { grantee: email(grantee.email) },
        },
        granteeLogin: grantee.login,
      })),
  });
}

describe('gathering the gate input from GitHub', () => {
  it('a reviewer who wrote a commit of the PR cannot approve it: a second person must see what they wrote', async () => {
    gh.seedTeam('acme/db-owners', { active: ['bob', 'dave'] });
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice', files: [{ path: 'grants/prod-db/carol-inc-2.yaml' }] });
    // bob rewrites carol's grant in alice's PR, then approves his own words.
    gh.pushCommit(FULL, pull, 'Widen the window', 'bob');
    gh.seedReview({ repo: FULL, pull, login: 'bob', state: 'APPROVED' });
    const gather = () => gatherFor(pull, { email: 'carol@example.com', login: 'carol' });
    const input = await gather();
    expect(input.commitAuthors).toEqual(['bob']);
    const result = evaluateGate(input);
    expect(result.passed).toBe(false);
    expect(result.subjects[0]!.ignored.map((i) => [i.login, i.reason])).toEqual([['bob', 'commit-author']]);
    expect(renderGateText(result)).toContain('wrote a commit of this PR');

    // Someone who wrote none of it can approve.
    gh.seedReview({ repo: FULL, pull, login: 'dave', state: 'APPROVED' });
    expect(evaluateGate(await gather()).passed).toBe(true);
  });

  it('decides a real PR: pending members, stale approvals and the author do not count', async () => {
    gh.seedTeam('acme/db-owners', { active: ['bob', 'alice'], pending: ['pat'] });
    gh.seedTeam('acme/security', { active: ['sam'] });
    const pull = gh.seedPullRequest({
      repo: FULL,
      author: 'alice',
      files: [{ path: 'grants/prod-db/alice-inc-1.yaml' }, { path: 'grants/prod-db/old.yaml', status: 'removed' }],
    });
    gh.seedReview({ repo: FULL, pull, login: 'bob', state: 'APPROVED' });
    gh.pushCommit(FULL, pull, 'Shorten expires');
    gh.seedReview({ repo: FULL, pull, login: 'pat', state: 'APPROVED' });
    gh.seedReview({ repo: FULL, pull, login: 'alice', state: 'APPROVED' });
    gh.seedReview({ repo: FULL, pull, login: 'sam', state: 'APPROVED' });

    const input = await gatherFor(pull, { email: 'alice@example.com', login: 'alice' });

    expect(input.activeTeamMembers).toEqual({ '@acme/db-owners': ['alice', 'bob'], '@acme/security': ['sam'] });
    const result = evaluateGate(input);
    expect(result.passed).toBe(false);
    expect(result.deletedGrants).toEqual(['grants/prod-db/old.yaml']);
    expect(result.subjects[0]!.ignored.map((i) => [i.login, i.reason])).toEqual([
      ['alice', 'pr-author'],
      ['bob', 'stale'],
      ['pat', 'not-eligible'],
      ['sam', 'not-eligible'],
    ]);
    expect(renderGateText(result)).toContain('owners (role prod-db, level 1): 0 of 1 from @acme/db-owners [nobody]: missing');
    expect(gh.takeViolations()).toEqual([]);
  });
});
