import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/adapters/github/client.js';
import { evaluateGate } from '../../../src/core/gate/gate.js';
import { gatherGateInput } from '../../../src/app/gate-input.js';
import { renderGateMarkdown, renderGateText } from '../../../src/core/gate/gate-render.js';
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
    expect(input.commitAuthors).toEqual(['alice', 'bob']);
    const result = evaluateGate(input);
    expect(result.passed).toBe(false);
    expect(result.subjects[0]!.ignored.map((i) => [i.login, i.reason])).toEqual([['bob', 'commit-author']]);
    expect(renderGateText(result)).toContain('wrote a commit of this PR');

    // Someone who wrote none of it can approve.
    gh.seedReview({ repo: FULL, pull, login: 'dave', state: 'APPROVED' });
    expect(evaluateGate(await gather()).passed).toBe(true);
  });

  it('an approver who commits under an email GitHub cannot link is not counted: the gate fails, naming the commit and the fix', async () => {
    gh.seedTeam('acme/db-owners', { active: ['bob', 'dave'] });
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice', files: [{ path: 'grants/prod-db/carol-inc-3.yaml' }] });
    // bob widens carol's grant under an address no GitHub account has, then approves his own words.
    const sha = gh.pushCommit(FULL, pull, 'Widen the window', { author: null, authorEmail: 'bob@personal.invalid', committer: null, committerEmail: 'bob@personal.invalid' });
    gh.seedReview({ repo: FULL, pull, login: 'bob', state: 'APPROVED' });
    // Someone else approving does not help: the unlinked commit could be theirs as well.
    gh.seedReview({ repo: FULL, pull, login: 'dave', state: 'APPROVED' });

    const result = evaluateGate(await gatherFor(pull, { email: 'carol@example.com', login: 'carol' }));

    expect(result.passed).toBe(false);
    expect(result.unlinkedCommits).toEqual([{ sha, unlinked: ['author', 'committer'], email: 'bob@personal.invalid' }]);
    expect(renderGateText(result)).toContain(
      `commit ${sha.slice(0, 12)}: its author and committer bob@personal.invalid are not linked to a GitHub account, so approvals cannot be told apart from its writer's ` +
        '(fix: add the email to the writer\'s GitHub account, or rewrite the commit with a linked email, e.g. git commit --amend --reset-author, and push)',
    );
    expect(renderGateMarkdown(result)).toContain('Approvals count only when GitHub links every commit of the pull request to an account');
  });

  it('commits of the App and GitHub\'s "Update branch" merge (authored by whoever clicked, committed by web-flow) are linked and keep the gate passing', async () => {
    gh.seedTeam('acme/db-owners', { active: ['dave'] });
    const pull = gh.seedPullRequest({ repo: FULL, author: 'gitgrant[bot]', authorType: 'Bot', files: [{ path: 'grants/prod-db/carol-inc-4.yaml' }], commits: [{ sha: 'a'.repeat(40), author: 'gitgrant[bot]' }] });
    gh.pushCommit(FULL, pull, 'Merge branch \'main\' into request-4', { author: 'alice', committer: 'web-flow', committerEmail: 'noreply@github.com', parents: 2 });
    gh.seedReview({ repo: FULL, pull, login: 'dave', state: 'APPROVED' });

    const input = await gatherFor(pull, { email: 'carol@example.com', login: 'carol' });
    const result = evaluateGate(input);

    expect(input.commitAuthors).toEqual(['alice', 'web-flow']);
    expect(result.unlinkedCommits).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('a deletion-only PR needs no approval, so commits GitHub cannot link do not hold it', async () => {
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice', files: [{ path: 'grants/prod-db/old-2.yaml', status: 'removed' }], commits: [{ sha: 'c'.repeat(40), author: null }] });
    const result = evaluateGate(await gatherFor(pull, { email: 'carol@example.com', login: 'carol' }));
    expect(result.passed).toBe(true);
  });

  it('refuses to judge a PR with more commits than GitHub lists (250): an unlisted commit\'s author would go unseen', async () => {
    const commits = Array.from({ length: 251 }, (_, i) => ({ sha: i.toString(16).padStart(40, '0') }));
    // The last commit, past GitHub's listing, is bob's under an address no account has.
    commits[250] = { ...commits[250]!, author: null, committer: null } as never;
    const pull = gh.seedPullRequest({ repo: FULL, author: 'alice', files: [{ path: 'grants/prod-db/carol-inc-5.yaml' }], commits });
    await expect(gatherFor(pull, { email: 'carol@example.com', login: 'carol' })).rejects.toThrow('the PR has 251 commits but GitHub listed only 250; gitgrant judges every commit or none');
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
