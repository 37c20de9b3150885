import { execFileSync } from 'node:child_process';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseTrailers } from '../../../src/core/audit/trailers.js';
import { aGrant, aRepo, aRole } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { startGcpIamEmulator as startGcpDouble } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import { AUTOMATION_COMMITTER, type TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, startSlackHook, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy } from './org.js';

const double = useGitHubDouble();

/** A policy owner: an active member of the security team that owns policies/. */
const REVIEWER = 'sam';

// Each test starts with every earlier review done (closed by a policy owner): an open one would block the next use.
beforeEach(() => {
  const gh = double();
  gh.seedTeam(TEAMS.security, { active: [REVIEWER] });
  for (const issue of gh.issues(GITHUB_REPO)) {
    const last = issue.events.at(-1);
    if (issue.state === 'closed' && last?.actor.login === REVIEWER && issue.stateReason === 'completed') continue;
    if (issue.state === 'closed') gh.reopenIssue(GITHUB_REPO, issue.number, REVIEWER);
    gh.closeIssue(GITHUB_REPO, issue.number, REVIEWER);
  }
});

const ONCALL = 'example-org/oncall';
const glassRole = () => aRole('prod-break-glass').allowingBreakGlass('2h');
const REASON = 'Orders API down; restart the writer @org/security <b>now</b>';

/** The break-glass workflow commits as the App's bot user (git config user.*), whose trailers count. */
function incidentRepo(policy = accessPolicy()): TempRepo {
  const repo = gitRepo(aRepo().with(policy, glassRole(), aRole('app-readonly')).specs());
  repo.git('config', 'user.name', AUTOMATION_COMMITTER.name);
  repo.git('config', 'user.email', AUTOMATION_COMMITTER.email);
  return repo;
}

function breakGlass(gh: GitHubDouble, repo: TempRepo, overrides: { role?: string; duration?: string; actor?: string; incident?: string; apply?: boolean; now?: string; dryRun?: boolean } = {}, env: Record<string, string> = {}) {
  const args = [
    'break-glass', '--role', overrides.role ?? 'prod-break-glass', '--duration', overrides.duration ?? '1h', '--reason', REASON,
    '--incident', overrides.incident ?? 'INC-4321', '--actor', overrides.actor ?? 'olga', ...(overrides.apply ? [] : ['--no-apply']), ...(overrides.dryRun ? ['--dry-run'] : []), '--now', overrides.now ?? NOW,
  ];
  return gitgrant(gh, repo, args, env);
}

const head = (repo: TempRepo) => repo.git('rev-parse', 'HEAD').trim();

describe('gitgrant break-glass', () => {
  it('grants an eligible on-call engineer at once: commits the grant with trailers, opens the review issue, notifies Slack', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const repo = incidentRepo();
    const slack = await startSlackHook();

    const run = await breakGlass(gh, repo, {}, { GITGRANT_SLACK_WEBHOOK_URL: slack.url });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const path = 'grants/prod-break-glass/olga-inc-4321.yaml';
    expect(repo.read(path)).toContain('grantee: olga@example.com\n');
    expect(repo.read(path)).toContain('expires: 2026-11-23T11:00:00Z\nbreakGlass: true\nincident: INC-4321\n');
    expect(repo.git('status', '--porcelain')).toBe('');
    const [review] = gh.issues(GITHUB_REPO);
    // The commit names the review issue: the link from the use to its review that only the automation writes.
    expect(repo.git('log', '-1', '--format=%B')).toContain(`\nBreak-Glass-Review: #${review!.number}\n`);
    expect(parseTrailers(repo.git('log', '-1', '--format=%B'))).toEqual({
      action: 'break-glass',
      grants: [{ grant: path, role: 'prod-break-glass', grantee: 'olga@example.com', incident: 'INC-4321', requestedBy: 'olga', reason: REASON, review: review!.number }],
    });

    expect(review).toMatchObject({ title: 'Break-glass review: olga on prod-break-glass (INC-4321)', labels: ['break-glass-review'], state: 'open' });
    expect(review!.body).toContain('@example-org/security: olga broke glass on role <code>prod&#45;break&#45;glass</code>.');
    expect(review!.body).toContain('| Reason | Orders API down; restart the writer &#64;org/security &#60;b&#62;now&#60;/b&#62; |');

    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]!.text).toContain(':rotating_light: Break-glass: olga granted prod-break-glass to olga@example.com for 1h (until 2026-11-23T11:00:00Z).');
    expect(slack.received[0]!.text).toContain('restart the writer @org/security &lt;b&gt;now&lt;/b&gt;');
    expect(review!.body).toContain(`| Grant file | <code>grants/prod&#45;break&#45;glass/olga&#45;inc&#45;4321&#46;yaml</code> (commit <code>${head(repo).slice(0, 12)}</code>) |`);
    expect(review!.body).toContain('| Status | committed; the apply workflow lands it |');
    expect(run.lines).toEqual([
      `gitgrant break-glass: review issue #${review!.number} opened`,
      `gitgrant break-glass: olga (eligible as @${ONCALL}) gets prod-break-glass for 1h: committed ${path} (${head(repo).slice(0, 12)})`,
      'gitgrant break-glass: Slack notified',
    ]);
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-hook');
  });

  it('applies the grant to the cloud at once unless told not to', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const gcp = await startGcpDouble();
    onTestFinished(() => gcp.close());

    const run = await breakGlass(gh, incidentRepo(), { apply: true, incident: 'INC-4400' }, { GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token, CI: 'true' });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const bindings = gcp.policy('projects/acme-test')?.bindings ?? [];
    expect(bindings.filter((b) => b.role === 'roles/viewer').flatMap((b) => b.members)).toContain('user:olga@example.com');
    const review = gh.issues(GITHUB_REPO).find((i) => i.title.includes('INC-4400'))!;
    expect(review.body).toContain('| Status | applied to the cloud |');
  });

  it('refuses someone outside the on-call team, and changes nothing', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const repo = incidentRepo();
    const before = head(repo);
    const issuesBefore = gh.issues(GITHUB_REPO).length;

    const run = await breakGlass(gh, repo, { actor: 'bob' });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.lines).toEqual([`gitgrant break-glass: refused: bob may not break glass on prod-break-glass (hint: break-glass is for active members of @${ONCALL})`]);
    expect(head(repo)).toBe(before);
    expect(gh.issues(GITHUB_REPO)).toHaveLength(issuesBefore);
  });

  it('refuses a member whose team invitation is still pending', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { pending: ['olga'] });
    const run = await breakGlass(gh, incidentRepo());
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('refused: olga may not break glass on prod-break-glass');
  });

  it('refuses a duration over the role\'s break-glass cap', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const repo = incidentRepo();
    const before = head(repo);

    const run = await breakGlass(gh, repo, { duration: '3h', incident: 'INC-4322' });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('error GRANT_BREAK_GLASS_OVER_CAP');
    expect(head(repo)).toBe(before);
  });

  it('refuses a role that does not allow break-glass', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const run = await breakGlass(gh, incidentRepo(), { role: 'app-readonly' });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.lines).toEqual(['gitgrant break-glass: refused: role app-readonly does not allow break-glass (hint: request it with a pull request, or ask security to allow break-glass on the role)']);
  });

  it('refuses a second use while the first one\'s review issue is open', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const repo = incidentRepo();
    const first = await breakGlass(gh, repo, { incident: 'INC-5001' });
    expect(first.code).toBe(0);
    const review = gh.issues(GITHUB_REPO).find((i) => i.title.includes('INC-5001'))!;

    const second = await breakGlass(gh, repo, { incident: 'INC-5002' });

    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`refused: olga has an open break-glass review (#${review.number}: Break-glass review: olga on prod-break-glass (INC-5001))`);
  });

  it('lets a second use through an open review when the policy says not to block', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const repo = incidentRepo(accessPolicy().allowingDuplicates().withSection('breakGlass', { blockWhileReviewOpen: false }));
    expect((await breakGlass(gh, repo, { incident: 'INC-7001' })).code).toBe(0);

    const second = await breakGlass(gh, repo, { incident: 'INC-7002' });

    expect(second.code, second.stdout).toBe(0);
    expect(gh.issues(GITHUB_REPO).filter((i) => i.state === 'open' && i.title.startsWith('Break-glass review: olga'))).toHaveLength(2);
  });

  it('is a usage error (exit 2) for a duration that is not one', async () => {
    const gh = double();
    const run = await breakGlass(gh, incidentRepo(), { duration: 'soon' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration soon is not a duration');
  });

  it('still grants when Slack refuses the message, and says so without printing the webhook', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const slack = await startSlackHook(403);

    const run = await breakGlass(gh, incidentRepo(), { incident: 'INC-6001' }, { GITGRANT_SLACK_WEBHOOK_URL: slack.url });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('gitgrant break-glass: warning: Slack notification failed: the webhook answered HTTP 403');
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-hook');
  });

  describe('attacks through the apply it runs', () => {
    it('is stopped by apply\'s removal guard when its apply would also remove other people\'s access', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const gcp = await startGcpDouble();
      onTestFinished(() => gcp.close());
      const cloudEnv = { GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token, CI: 'true' };
      const repo = incidentRepo();
      const holders = ['alice', 'bob', 'carol'];
      for (const name of holders) repo.write(aGrant().for(`${name}@example.com`).ofRole('app-readonly').startingAt(NOW).expiringIn('8h').named(`${name}-inc-1`).build());
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'Three people hold app-readonly');
      const applied = await gitgrant(gh, repo, ['apply', '--now', NOW], cloudEnv);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const members = () => (gcp.policy('projects/acme-test')?.bindings ?? []).flatMap((b) => b.members ?? []).sort();
      const granted = members();
      expect(granted).toEqual(holders.map((name) => `user:${name}@example.com`));
      // The checkout the break-glass job acts on has lost the other grants (a bad merge, a broken checkout).
      repo.git('rm', '-q', '-r', 'grants/app-readonly');
      repo.git('commit', '-q', '-m', 'Lose every other grant');

      const run = await breakGlass(gh, repo, { apply: true, incident: 'INC-4500' }, cloudEnv);

      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain('gitgrant break-glass: stopped before any change: the plan removes 3 bindings, more than the limit of 0 (10% of 3 managed bindings)');
      expect(members()).toEqual(granted);
      const review = gh.issues(GITHUB_REPO).find((i) => i.title.includes('INC-4500'))!;
      expect(review.body).toContain('| Status | committed, but applying it FAILED');
    });
  });

  it('--dry-run prints the grant it would commit and the plan it would apply, and changes nothing', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const gcp = await startGcpDouble();
    onTestFinished(() => gcp.close());
    const repo = incidentRepo();
    const before = head(repo);
    const issuesBefore = gh.issues(GITHUB_REPO).length;
    const slack = await startSlackHook();

    const run = await breakGlass(gh, repo, { apply: true, incident: 'INC-4600', dryRun: true }, {
      GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token, CI: 'true', GITGRANT_SLACK_WEBHOOK_URL: slack.url,
    });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('gitgrant break-glass: dry run: would commit grants/prod-break-glass/olga-inc-4600.yaml:\n  # yaml-language-server: $schema=../../schemas/grant.schema.json\n  grantee: olga@example.com\n');
    expect(run.stdout).toContain('  expires: 2026-11-23T11:00:00Z\n  breakGlass: true\n  incident: INC-4600\n');
    expect(run.stdout).toContain('  + user:olga@example.com  roles/viewer  now -> 2026-11-23T11:00:00Z  (grants/prod-break-glass/olga-inc-4600.yaml)');
    expect(run.stdout).toContain('gitgrant break-glass: dry run, nothing applied\n');
    expect(run.stdout).toContain('gitgrant break-glass: dry run: nothing committed, applied or notified; no review issue opened\n');
    expect(head(repo)).toBe(before);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(gcp.calls('setIamPolicy')).toBe(0);
    expect(gh.issues(GITHUB_REPO)).toHaveLength(issuesBefore);
    expect(slack.received).toEqual([]);
  });

  it('--dry-run still refuses what the real run would refuse', async () => {
    const gh = double();
    gh.seedTeam(ONCALL, { active: ['olga'] });
    const run = await breakGlass(gh, incidentRepo(), { actor: 'bob', dryRun: true });
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([`gitgrant break-glass: refused: bob may not break glass on prod-break-glass (hint: break-glass is for active members of @${ONCALL})`]);
  });

  describe('attacks on the budget and the review', () => {
    const reviewOf = (gh: GitHubDouble, incident: string) => gh.issues(GITHUB_REPO).find((i) => i.title.includes(`(${incident})`))!;

    it('refuses a chain of uses over the budget: three 2h uses, each review closed by a policy owner, would give 6h in 24h', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      for (const [incident, now] of [['INC-8001', '2026-11-23T10:00:00Z'], ['INC-8002', '2026-11-23T12:00:00Z']] as const) {
        const use = await breakGlass(gh, repo, { duration: '2h', incident, now });
        expect(use.code, use.stdout + use.stderr).toBe(0);
        gh.closeIssue(GITHUB_REPO, reviewOf(gh, incident).number, REVIEWER);
      }
      const before = head(repo);

      const third = await breakGlass(gh, repo, { duration: '2h', incident: 'INC-8003', now: '2026-11-23T14:00:00Z' });

      expect(third.code, third.stdout + third.stderr).toBe(1);
      expect(third.lines).toEqual([
        'gitgrant break-glass: refused: olga@example.com has used 4h of the 4h break-glass budget per 24h (0m left); a 2h use fits again from 2026-11-24T12:00:00Z '
        + '(hint: ask the role\'s owners for a normal grant with a pull request; the budget is `breakGlass.budget` in policies/)',
      ]);
      expect(head(repo)).toBe(before);
      expect(gh.issues(GITHUB_REPO).some((i) => i.title.includes('INC-8003'))).toBe(false);
    });

    it('refuses the next use when the actor closed their own review issue', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      expect((await breakGlass(gh, repo, { incident: 'INC-8101' })).code).toBe(0);
      const review = reviewOf(gh, 'INC-8101');
      gh.closeIssue(GITHUB_REPO, review.number, 'olga');

      const second = await breakGlass(gh, repo, { incident: 'INC-8102', now: '2026-11-23T12:00:00Z' });

      expect(second.code, second.stdout + second.stderr).toBe(1);
      expect(second.lines).toEqual([
        `gitgrant break-glass: refused: olga's break-glass review #${review.number} (Break-glass review: olga on prod-break-glass (INC-8101)) was closed by olga, not by a policy owner other than olga `
        + `(hint: a policy owner (@${TEAMS.security}) other than olga reviews the use, then reopens the issue and closes it as completed)`,
      ]);
    });

    it('still blocks on a review closed by someone who is not a policy owner, or by an owner whose membership is pending', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      gh.seedTeam(TEAMS.security, { active: [REVIEWER], pending: ['pat'] });
      const repo = incidentRepo();
      expect((await breakGlass(gh, repo, { incident: 'INC-8201' })).code).toBe(0);
      const review = reviewOf(gh, 'INC-8201');

      gh.closeIssue(GITHUB_REPO, review.number, 'bob');
      const byOther = await breakGlass(gh, repo, { incident: 'INC-8202', now: '2026-11-23T12:00:00Z' });
      gh.reopenIssue(GITHUB_REPO, review.number, 'bob');
      gh.closeIssue(GITHUB_REPO, review.number, 'pat');
      const byPending = await breakGlass(gh, repo, { incident: 'INC-8202', now: '2026-11-23T12:00:00Z' });

      expect(byOther.code).toBe(1);
      expect(byOther.stdout).toContain(`refused: olga's break-glass review #${review.number} (Break-glass review: olga on prod-break-glass (INC-8201)) was closed by bob, not by a policy owner other than olga`);
      expect(byPending.code).toBe(1);
      expect(byPending.stdout).toContain(`review #${review.number} (Break-glass review: olga on prod-break-glass (INC-8201)) was closed by pat, not by a policy owner other than olga`);
    });

    it('still blocks on a review a policy owner closed as not planned, and lets the next use through once they close it as completed', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      expect((await breakGlass(gh, repo, { incident: 'INC-8301' })).code).toBe(0);
      const review = reviewOf(gh, 'INC-8301');
      gh.closeIssue(GITHUB_REPO, review.number, REVIEWER, 'not_planned');

      const blocked = await breakGlass(gh, repo, { incident: 'INC-8302', now: '2026-11-23T12:00:00Z' });
      gh.reopenIssue(GITHUB_REPO, review.number, REVIEWER);
      gh.closeIssue(GITHUB_REPO, review.number, REVIEWER, 'completed');
      const allowed = await breakGlass(gh, repo, { incident: 'INC-8302', now: '2026-11-23T12:00:00Z' });

      expect(blocked.code).toBe(1);
      expect(blocked.lines).toEqual([
        `gitgrant break-glass: refused: olga's break-glass review #${review.number} (Break-glass review: olga on prod-break-glass (INC-8301)) was closed as not_planned, not as completed `
        + `(hint: a policy owner (@${TEAMS.security}) other than olga reviews the use, then reopens the issue and closes it as completed)`,
      ]);
      expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    });

    it('still blocks when the actor takes the label and the marker off their open review: the commit names it', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      expect((await breakGlass(gh, repo, { incident: 'INC-8401' })).code).toBe(0);
      const review = gh.issue(GITHUB_REPO, reviewOf(gh, 'INC-8401').number);
      review.labels = [];
      review.body = 'Nothing to see here.';

      const second = await breakGlass(gh, repo, { incident: 'INC-8402', now: '2026-11-23T12:00:00Z' });

      expect(second.code).toBe(1);
      expect(second.lines).toEqual([
        `gitgrant break-glass: refused: olga has an open break-glass review (#${review.number}: Break-glass review: olga on prod-break-glass (INC-8401)) `
        + `(hint: the review must be closed as completed by a policy owner (@${TEAMS.security}) other than olga before olga breaks glass again)`,
      ]);
    });

    describe('moving the hidden marker that names a use', () => {
      const MARKER = /<!-- gitgrant:fingerprint:[^ ]+ -->\n?/;
      /** What anyone with write access can do: cut the marker out of one issue body and paste it over another's. */
      function moveMarker(gh: GitHubDouble, from: number, to: number): void {
        const source = gh.issue(GITHUB_REPO, from);
        const target = gh.issue(GITHUB_REPO, to);
        const marker = MARKER.exec(source.body)![0];
        source.body = source.body.replace(marker, '');
        target.body = marker + target.body.replace(MARKER, '');
      }
      const openReviewLine = (review: { number: number; title: string }) =>
        `gitgrant break-glass: refused: olga has an open break-glass review (#${review.number}: ${review.title}) `
        + `(hint: the review must be closed as completed by a policy owner (@${TEAMS.security}) other than olga before olga breaks glass again)`;

      it('still blocks when the marker of an open review is moved onto another issue a policy owner closed as completed', async () => {
        const gh = double();
        gh.seedTeam(ONCALL, { active: ['olga'] });
        const repo = incidentRepo();
        expect((await breakGlass(gh, repo, { incident: 'INC-9001' })).code).toBe(0);
        const review = reviewOf(gh, 'INC-9001');
        // Opened after the use, labelled, and closed as completed by a policy owner for its own reason.
        const other = gh.seedIssue({ repo: GITHUB_REPO, title: 'Rotate the staging TLS certificate', author: 'olga', labels: ['break-glass-review'] });
        gh.closeIssue(GITHUB_REPO, other, REVIEWER);
        moveMarker(gh, review.number, other);

        const second = await breakGlass(gh, repo, { incident: 'INC-9002', now: '2026-11-23T12:00:00Z' });

        expect(second.code, second.stdout + second.stderr).toBe(1);
        expect(second.lines).toEqual([openReviewLine(review)]);
        // The audit report shows the review the commit names, not the issue the marker was moved to.
        const audit = await gitgrant(gh, repo, ['audit', '--since', '2026-11-01', '--until', '2026-12-01', '--format', 'md']);
        expect(audit.code, audit.stderr).toBe(0);
        expect(audit.stdout).toContain(`incident INC&#45;9001, ended not yet; review issue #${review.number} open`);
        expect(audit.stdout).not.toContain(`review issue #${other} `);
      });

      it('shifts no block when the marker is moved onto another person\'s completed review', async () => {
        const gh = double();
        gh.seedTeam(ONCALL, { active: ['olga', 'bob'] });
        const repo = incidentRepo();
        expect((await breakGlass(gh, repo, { actor: 'bob', incident: 'INC-9101' })).code).toBe(0);
        const bobs = reviewOf(gh, 'INC-9101');
        gh.closeIssue(GITHUB_REPO, bobs.number, REVIEWER);
        expect((await breakGlass(gh, repo, { incident: 'INC-9102', now: '2026-11-23T10:30:00Z' })).code).toBe(0);
        const olgas = reviewOf(gh, 'INC-9102');
        moveMarker(gh, olgas.number, bobs.number);

        const olgaAgain = await breakGlass(gh, repo, { incident: 'INC-9103', now: '2026-11-23T12:00:00Z' });
        const bobAgain = await breakGlass(gh, repo, { actor: 'bob', incident: 'INC-9104', now: '2026-11-23T12:00:00Z' });

        expect(olgaAgain.code, olgaAgain.stdout + olgaAgain.stderr).toBe(1);
        expect(olgaAgain.lines).toEqual([openReviewLine(olgas)]);
        expect(bobAgain.code, bobAgain.stdout + bobAgain.stderr).toBe(0);
      });
    });

    it('keeps the older rule for a use from before the Break-Glass-Review trailer: its marker, on an issue opened after it', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      expect((await breakGlass(gh, repo, { incident: 'INC-9301' })).code).toBe(0);
      // The same commit as an older gitgrant made it: the automation's, without the trailer.
      const message = repo.git('log', '-1', '--format=%B').replace(/^Break-Glass-Review: #\d+\n/m, '');
      execFileSync('git', ['commit', '--amend', '-q', '--no-gpg-sign', '-F', '-'], {
        cwd: repo.root, input: message,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_COMMITTER_NAME: AUTOMATION_COMMITTER.name, GIT_COMMITTER_EMAIL: AUTOMATION_COMMITTER.email, GIT_COMMITTER_DATE: NOW },
      });
      const review = gh.issue(GITHUB_REPO, reviewOf(gh, 'INC-9301').number);
      gh.closeIssue(GITHUB_REPO, review.number, REVIEWER);
      const body = review.body;
      review.body = body.replace(/<!-- gitgrant:fingerprint:[^ ]+ -->\n?/, '');

      const unmarked = await breakGlass(gh, repo, { incident: 'INC-9302', now: '2026-11-23T12:00:00Z' });
      review.body = body;
      const marked = await breakGlass(gh, repo, { incident: 'INC-9302', now: '2026-11-23T12:00:00Z' });

      expect(unmarked.code).toBe(1);
      expect(unmarked.stdout).toContain("refused: olga's break-glass use grants/prod-break-glass/olga-inc-9301.yaml (from 2026-11-23T10:00:00Z) has no review issue labelled break-glass-review");
      expect(marked.code, marked.stdout + marked.stderr).toBe(0);
    });

    it('commits nothing when the review issue cannot be opened: a use without its review must not land', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo();
      const before = head(repo);
      gh.rateLimit({ operationId: 'issues/create', kind: 'secondary', times: 1 });

      const run = await breakGlass(gh, repo, { incident: 'INC-9201' });

      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(head(repo)).toBe(before);
      expect(repo.git('status', '--porcelain')).toBe('');
      expect(run.stderr).toContain('gitgrant: cannot open the break-glass review issue, so nothing was committed or applied: GitHub answered 403');
      expect(gh.issues(GITHUB_REPO).some((i) => i.title.includes('INC-9201'))).toBe(false);
    });

    it('gives no time back when a person deletes the grant early', async () => {
      const gh = double();
      gh.seedTeam(ONCALL, { active: ['olga'] });
      const repo = incidentRepo(accessPolicy().capping({ breakGlassMax: '2h' }).withSection('breakGlass', { budget: { total: '3h', window: '24h' } }));
      const first = await breakGlass(gh, repo, { duration: '2h', incident: 'INC-8501' });
      expect(first.code, first.stdout + first.stderr).toBe(0);
      gh.closeIssue(GITHUB_REPO, reviewOf(gh, 'INC-8501').number, REVIEWER);
      repo.git('rm', '-q', 'grants/prod-break-glass/olga-inc-8501.yaml');
      repo.git('commit', '-q', '-m', 'Done with the incident, hand the access back');

      const second = await breakGlass(gh, repo, { duration: '2h', incident: 'INC-8502', now: '2026-11-23T11:00:00Z' });

      expect(second.code).toBe(1);
      expect(second.stdout).toContain('refused: olga@example.com has used 2h of the 3h break-glass budget per 24h (1h left); a 2h use fits again from 2026-11-24T11:00:00Z');
    });
  });
});
