import { describe, expect, it } from 'vitest';
import { aGrant, aRepo, aRole, level } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy, appReadonly, at } from './org.js';

const double = useGitHubDouble();

type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED';

/** A PR on the double, the repo it checks out, and the verdict of `gitgrant gate` on it. */
class Scenario {
  readonly files = aRepo().with(accessPolicy(), appReadonly());
  private changed: Array<{ path: string; status?: 'added' | 'modified' | 'removed' }> = [];
  private author = 'alice';
  private reviews: Array<{ login: string; state: ReviewState } | 'push'> = [];
  private now = NOW;

  with(...files: Parameters<ReturnType<typeof aRepo>['with']>): this {
    this.files.with(...files);
    return this;
  }

  /** The grant is added by the PR (or changed, or deleted). */
  proposing(grant: { path: string }, status: 'added' | 'modified' | 'removed' = 'added'): this {
    if (status !== 'removed') this.files.with(grant as never);
    this.changed.push({ path: grant.path, status });
    return this;
  }

  touching(path: string): this {
    this.changed.push({ path, status: 'modified' });
    return this;
  }

  openedBy(login: string): this {
    this.author = login;
    return this;
  }

  reviewedBy(login: string, state: ReviewState = 'APPROVED'): this {
    this.reviews.push({ login, state });
    return this;
  }

  /** A new commit on the PR: reviews before it are on an older head. */
  thenPushed(): this {
    this.reviews.push('push');
    return this;
  }

  judgedAt(now: string): this {
    this.now = now;
    return this;
  }

  async gate(gh: GitHubDouble, repo = TempRepo.fromFiles(this.files.specs()), extraArgs: string[] = []) {
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: this.author, files: this.changed });
    for (const review of this.reviews) {
      if (review === 'push') gh.pushCommit(GITHUB_REPO, pull);
      else gh.seedReview({ repo: GITHUB_REPO, pull, login: review.login, state: review.state });
    }
    return gitgrant(gh, repo, ['gate', '--pr', String(pull), '--now', this.now, ...extraArgs]);
  }
}

const scenario = () => new Scenario();
const alicesGrant = () => aGrant().for('alice@example.com').ofRole('app-readonly');

function teams(gh: GitHubDouble, members: Partial<Record<keyof typeof TEAMS, { active?: string[]; pending?: string[] }>>): void {
  for (const team of Object.values(TEAMS)) gh.seedTeam(team, {});
  for (const [key, value] of Object.entries(members)) gh.seedTeam(TEAMS[key as keyof typeof TEAMS], value);
}

describe('gitgrant gate', () => {
  it('passes a grant approved on the latest commit by an active member of the owning team', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const grant = alicesGrant();
    const run = await scenario().proposing(grant).reviewedBy('bob').gate(gh);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatch(/^gate: PR #\d+ at [0-9a-f]{12}: PASSED$/);
    expect(run.stdout).toContain(`${grant.path} (added): approved`);
    expect(run.stdout).toContain('owners (role app-readonly, approval level 1 of 1): 1 of 1 from @acme/app-owners [bob]: satisfied');
  });

  it('does not count the PR author approving their own request', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['alice', 'bob'] } });
    const run = await scenario().proposing(alicesGrant()).openedBy('alice').reviewedBy('alice').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: alice (approved): the PR author cannot approve their own PR');
  });

  it('does not count the grantee approving access opened for them by someone else', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['alice', 'bob'] } });
    const run = await scenario().proposing(alicesGrant()).openedBy('carol').reviewedBy('alice').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: alice (approved): the grantee cannot approve their own access');
  });

  it('does not count an approval given before the latest push', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const run = await scenario().proposing(alicesGrant()).reviewedBy('bob').thenPushed().gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: bob (approved): approved an older commit; approve the latest one');
  });

  it('does not count an approval from someone outside the owning team', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const run = await scenario().proposing(alicesGrant()).reviewedBy('dave').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: dave (approved): not an active member of any approving team or user list');
  });

  it('does not count a team member whose invitation is still pending', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'], pending: ['pat'] } });
    const run = await scenario().proposing(alicesGrant()).reviewedBy('pat').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: pat (approved): not an active member of any approving team or user list');
  });

  it("does not count a bot's approval", async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const run = await scenario().proposing(alicesGrant()).reviewedBy('helper[bot]').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not counted: helper[bot] (approved): bots cannot approve');
  });

  it('blocks on changes requested by someone who could approve, whatever else was approved', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob', 'carol'] } });
    const run = await scenario().proposing(alicesGrant()).reviewedBy('bob').reviewedBy('carol', 'CHANGES_REQUESTED').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('(added): changes requested');
    expect(run.stdout).toContain('changes requested by carol, who could approve owners');
  });

  describe('a role with two levels (owners, then security)', () => {
    const twoLevels = () => aRole('prod-db').withApprovals(level('owners', 1, at(TEAMS.dbOwners)), level('security', 1, at(TEAMS.security)));
    const grant = () => aGrant().for('alice@example.com').ofRole('prod-db');

    it('fails with only the first level approved, and names the missing one', async () => {
      const gh = double();
      teams(gh, { dbOwners: { active: ['bob'] }, security: { active: ['sam'] } });
      const run = await scenario().with(twoLevels()).proposing(grant()).reviewedBy('bob').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('security (role prod-db, approval level 2 of 2): 0 of 1 from @acme/security [nobody]: missing');
    });

    it('passes with both levels approved by different people', async () => {
      const gh = double();
      teams(gh, { dbOwners: { active: ['bob'] }, security: { active: ['sam'] } });
      const run = await scenario().with(twoLevels()).proposing(grant()).reviewedBy('bob').reviewedBy('sam').gate(gh);
      expect(run.code).toBe(0);
    });

    it('counts one person in both teams once', async () => {
      const gh = double();
      teams(gh, { dbOwners: { active: ['sam'] }, security: { active: ['sam'] } });
      const run = await scenario().with(twoLevels()).proposing(grant()).reviewedBy('sam').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('(added): approvals missing');
    });
  });

  describe('a role with three levels (two owners, security, a director)', () => {
    const threeLevels = () =>
      aRole('prod-db-admin').withApprovals(level('owners', 2, at(TEAMS.dbOwners)), level('security', 1, at(TEAMS.security)), level('director', 1, at(TEAMS.directors)));
    const grant = () => aGrant().for('alice@example.com').ofRole('prod-db-admin');
    const members = { dbOwners: { active: ['bob', 'carol'] }, security: { active: ['sam'] }, directors: { active: ['dina'] } };

    it('passes when every level has its count', async () => {
      const gh = double();
      teams(gh, members);
      const run = await scenario().with(threeLevels()).proposing(grant()).reviewedBy('bob').reviewedBy('carol').reviewedBy('sam').reviewedBy('dina').gate(gh);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('owners (role prod-db-admin, approval level 1 of 3): 2 of 2 from @acme/db-owners [bob, carol]: satisfied');
    });

    it('fails when the first level has one of its two owners', async () => {
      const gh = double();
      teams(gh, members);
      const run = await scenario().with(threeLevels()).proposing(grant()).reviewedBy('bob').reviewedBy('sam').reviewedBy('dina').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('owners (role prod-db-admin, approval level 1 of 3): 1 of 2 from @acme/db-owners [bob]: missing');
    });
  });

  describe('escalation above 72 hours', () => {
    const longGrant = () => alicesGrant().expiringIn('4d');

    it('adds the VP level on top of the role owners', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] }, vp: { active: ['victor'] } });
      const run = await scenario().proposing(longGrant()).reviewedBy('bob').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('vp-approval (escalation vp-approval: 4d is above 72h): 0 of 1 from @acme/vp [nobody]: missing');
    });

    it('passes once the VP approves too', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] }, vp: { active: ['victor'] } });
      const run = await scenario().proposing(longGrant()).reviewedBy('bob').reviewedBy('victor').gate(gh);
      expect(run.code).toBe(0);
    });
  });

  describe('waivers', () => {
    const officeHours = () =>
      appReadonly().autoApprovingDuring({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', timezone: 'Europe/London', maxDuration: '4h' });

    it('passes without reviews inside an auto-approval window, and says which rule waived it', async () => {
      const gh = double();
      teams(gh, {});
      const run = await scenario().with(officeHours()).proposing(alicesGrant()).gate(gh);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('(added): approval waived');
      expect(run.stdout).toContain('approval waived (auto-approve-window): role app-readonly auto-approves Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/London up to 4h');
    });

    it('needs the owners outside the window', async () => {
      const gh = double();
      teams(gh, {});
      const run = await scenario().with(officeHours()).proposing(alicesGrant()).judgedAt('2026-11-28T10:00:00Z').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('(added): approvals missing');
    });

    it('passes without reviews for a requester on the exempt list', async () => {
      const gh = double();
      teams(gh, {});
      const run = await scenario().with(appReadonly().exempting('@alice')).proposing(alicesGrant()).openedBy('alice').gate(gh);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("approval waived (exempt): @alice is on role app-readonly's exempt list");
    });

    it("does not take a human PR author's word for who asked: a from-issue marker counts only on the app's PRs", async () => {
      const gh = double();
      teams(gh, {});
      const issue = gh.seedIssue({ repo: GITHUB_REPO, title: 'Access request', author: 'alice' });
      const grant = alicesGrant();
      const repo = TempRepo.fromFiles(scenario().with(appReadonly().exempting('@alice'), grant).files.specs());
      const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'carol', body: `<!-- gitgrant:from-issue:${issue} -->`, files: [{ path: grant.path }] });
      const run = await gitgrant(gh, repo, ['gate', '--pr', String(pull), '--now', NOW]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${grant.path} (added): approvals missing`);
    });

    it('never waives an escalation, even for an exempt requester', async () => {
      const gh = double();
      teams(gh, {});
      const run = await scenario().with(appReadonly().exempting('@alice')).proposing(alicesGrant().expiringIn('4d')).openedBy('alice').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('vp-approval');
    });
  });

  describe('back-to-back grants of one person on one role are one stretch of access', () => {
    const officeHours = () =>
      appReadonly().autoApprovingDuring({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', timezone: 'Europe/London', maxDuration: '4h' });
    const H = 3_600_000;
    const base = Date.parse(NOW);
    const stretch = (index: number) => alicesGrant().named(`alice-part-${index}`).startingAt(base + index * 4 * H).expiringIn('4h');

    it('does not auto-approve a chain of 4h grants that adds up to 12h under a 4h window', async () => {
      const gh = double();
      teams(gh, {});
      const parts = [alicesGrant().named('alice-part-0').expiringIn('4h'), stretch(1), stretch(2)];
      const run = await parts.reduce((s, p) => s.proposing(p), scenario().with(officeHours())).gate(gh);
      expect(run.code).toBe(1);
      for (const part of parts) expect(run.stdout).toContain(`${part.path} (added): approvals missing`);
      expect(run.stdout).toContain('12h of continuous access with');
    });

    it('does not auto-approve the next 4h when the first 4h is already on main', async () => {
      const gh = double();
      teams(gh, {});
      const next = stretch(1);
      const run = await scenario().with(officeHours(), alicesGrant().named('alice-part-0').expiringIn('4h')).proposing(next).gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${next.path} (added): approvals missing`);
    });

    it('still auto-approves a 4h grant that does not touch the one on main', async () => {
      const gh = double();
      teams(gh, {});
      const later = alicesGrant().named('alice-later').startingAt(base + 5 * H).expiringIn('4h');
      const run = await scenario().with(officeHours(), alicesGrant().named('alice-part-0').expiringIn('4h')).proposing(later).gate(gh);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${later.path} (added): approval waived`);
    });

    it('needs the VP for two adjacent 3-day grants (6 days in a row), each under the 72h escalation', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] }, vp: { active: ['victor'] } });
      const first = alicesGrant().named('alice-week-1').startingAt(base).expiringIn('3d');
      const second = alicesGrant().named('alice-week-2').startingAt(base + 72 * H).expiringIn('3d');
      const run = await scenario().proposing(first).proposing(second).reviewedBy('bob').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('vp-approval (escalation vp-approval: 6d of continuous access with');
    });

    it("refuses a chain longer than the policy's hard cap, even when every owner approves", async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] }, vp: { active: ['victor'] } });
      const parts = [0, 1, 2, 3, 4].map((i) => alicesGrant().named(`alice-month-${i}`).startingAt(base + i * 7 * 24 * H).expiringIn('7d'));
      const run = await parts.reduce((s, p) => s.proposing(p), scenario()).reviewedBy('bob').reviewedBy('victor').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('GRANT_DURATION_OVER_CAP');
    });
  });

  describe('changing and deleting grants', () => {
    it('needs fresh approval for an extended grant, as if it were new', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] } });
      const extended = alicesGrant().named('alice-ext').expiringIn('8h');
      const run = await scenario().proposing(extended, 'modified').reviewedBy('bob').thenPushed().gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${extended.path} (modified): approvals missing`);
    });

    it('passes an extension approved on its latest commit', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] } });
      const run = await scenario().proposing(alicesGrant().expiringIn('8h'), 'modified').reviewedBy('bob').gate(gh);
      expect(run.code).toBe(0);
    });

    it('passes an early revocation (the grant file deleted) with no approval at all', async () => {
      const gh = double();
      teams(gh, {});
      const revoked = alicesGrant().named('alice-old');
      const run = await scenario().proposing(revoked, 'removed').gate(gh);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${revoked.path} (deleted): no approval needed`);
    });
  });

  describe('changes to the rules themselves', () => {
    it('needs the policy owners for a PR touching roles/', async () => {
      const gh = double();
      teams(gh, { appOwners: { active: ['bob'] }, security: { active: ['sam'] } });
      const run = await scenario().touching('roles/app-readonly.yaml').reviewedBy('bob').gate(gh);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('policy files: roles/app-readonly.yaml: approvals missing');
      expect(run.stdout).toContain('policy-owners (the PR changes roles, policies, workflows or code): 0 of 1 from @acme/security [nobody]: missing');
    });

    it('passes it once a policy owner approves', async () => {
      const gh = double();
      teams(gh, { security: { active: ['sam'] } });
      const run = await scenario().touching('roles/app-readonly.yaml').reviewedBy('sam').gate(gh);
      expect(run.code).toBe(0);
    });

    it('judges grants by the base commit\'s roles with --base-ref, so a PR cannot exempt itself', async () => {
      const gh = double();
      teams(gh, { security: { active: ['sam'] } });
      const base = scenario();
      const repo = gitRepo(base.files.specs());
      const grant = alicesGrant();
      repo.write(appReadonly().exempting('@alice').build(), grant.build());
      const pr = scenario().touching('roles/app-readonly.yaml').proposing(grant).openedBy('alice').reviewedBy('sam');

      const judgedByBase = await pr.gate(gh, repo, ['--base-ref', 'main']);
      expect(judgedByBase.code).toBe(1);
      expect(judgedByBase.stdout).toContain(`${grant.path} (added): approvals missing`);
      const judgedByItself = await pr.gate(gh, repo);
      expect(judgedByItself.stdout).toContain(`${grant.path} (added): approval waived`);
    });
  });

  it('fails a fully approved grant when main\'s policy file holding the caps does not load, instead of judging it by the default caps', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const caps = { path: 'policies/caps.yaml', text: 'durations:\n  max: 8h\n  maxx: 20d\n' };
    const base = scenario().with(caps as never);
    const repo = gitRepo(base.files.specs());
    // Twenty days: over main's 8h cap, under the 30d default that would stand in for the broken file.
    const grant = alicesGrant().expiringIn('20d');
    repo.write(grant.build());

    const run = await scenario().with(caps as never).proposing(grant).reviewedBy('bob').gate(gh, repo, ['--base-ref', 'main']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/policies\/caps\.yaml:3:\d+: error /);
    expect(run.stdout).not.toContain('gate: PASSED');
  });

  it('fails a fully approved PR whose grant does not validate', async () => {
    const gh = double();
    teams(gh, { appOwners: { active: ['bob'] } });
    const run = await scenario().proposing(alicesGrant().because('short')).reviewedBy('bob').gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error GRANT_REASON_TOO_SHORT: reason has 5 characters');
    expect(run.stdout).toContain('gate: FAILED: the approvals are complete, but the files do not validate (see above)');
  });

  it('fails closed for a grant of a role that does not exist', async () => {
    const gh = double();
    teams(gh, {});
    const run = await scenario().proposing(aGrant().for('alice@example.com').ofRole('no-such-role')).gate(gh);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not evaluated');
  });

  it('fails (exit 1, not a crash) when GitHub refuses a request', async () => {
    const gh = double();
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [] });
    gh.rateLimit({ operationId: 'pulls/get', kind: 'secondary', times: 1 });
    const run = await gitgrant(gh, TempRepo.fromFiles(scenario().files.specs()), ['gate', '--pr', String(pull), '--now', NOW]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gitgrant: GitHub answered 403: You have exceeded a secondary rate limit.');
    expect(run.stderr).toContain('hint: GitHub is rate-limiting this token; re-run the job later');
  });

  it('is a usage error without a pull request number', async () => {
    const gh = double();
    const run = await gitgrant(gh, TempRepo.fromFiles(scenario().files.specs()), ['gate', '--pr', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--pr abc is not a pull request number');
  });
});
