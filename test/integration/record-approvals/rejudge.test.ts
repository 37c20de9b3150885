/**
 * The gate re-judged at landing, before apply (`gitgrant rejudge`, then `gitgrant apply`, as the
 * apply workflow runs them): a passing check must not outlive the facts it stood on. The GitHub
 * double (real Octokit, OpenAPI-checked) and the GCP double; git repos on disk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTrailers } from '../../../src/core/audit/trailers.js';
import { aGrant, aRepo } from '../../support/builders/model.js';
import { startGcpIamEmulator as startGcpDouble } from '../../../src/adapters/sandbox/gcp-iam-emulator.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { AUTOMATION_COMMITTER, type TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble } from '../github-cli/harness.js';
import { TEAMS, accessPolicy, appReadonly, at } from '../github-cli/org.js';

const double = useGitHubDouble();

function land(repo: TempRepo, message: string, committer?: { name: string; email: string }): string {
  const as = committer ? { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email } : {};
  const env = { ...process.env, GIT_COMMITTER_DATE: NOW, GIT_AUTHOR_DATE: NOW, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...as };
  execFileSync('git', ['add', '-A'], { cwd: repo.root, env });
  execFileSync('git', ['commit', '-q', '--no-gpg-sign', '-m', message], { cwd: repo.root, env });
  return repo.git('rev-parse', 'HEAD').trim();
}

const head = (repo: TempRepo) => repo.git('rev-parse', 'HEAD').trim();

/** Main with the policy and the role; the automation commits as the App's bot user (the workflow's git config). */
function mainRepo(): TempRepo {
  const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
  repo.git('config', 'user.name', AUTOMATION_COMMITTER.name);
  repo.git('config', 'user.email', AUTOMATION_COMMITTER.email);
  return repo;
}

/** A PR adding `who`'s grant, approved by bob, whose gate check passes; returns it before it lands. */
async function approvedRequest(gh: GitHubDouble, repo: TempRepo, who: string) {
  const grant = aGrant().for(`${who}@example.com`).ofRole('app-readonly');
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: who, files: [{ path: grant.path }] });
  gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
  repo.write(grant.build());
  const gate = await gitgrant(gh, repo, ['gate', '--pr', String(pull), '--base-ref', 'HEAD', '--now', NOW]);
  expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  return { pull, grant };
}

async function gcpCloud() {
  const gcp = await startGcpDouble();
  onTestFinished(() => gcp.close());
  const env = { GITGRANT_GCP_ENDPOINT: gcp.url, GITGRANT_GCP_TOKEN: gcp.token, CI: 'true' };
  return { env, members: () => (gcp.policy('projects/acme-test')?.bindings ?? []).flatMap((b) => b.members ?? []).sort() };
}

/** The apply workflow's order: re-judge what the push landed, then apply what main then holds. */
async function applyWorkflow(gh: GitHubDouble, repo: TempRepo, since: string, cloudEnv: Record<string, string>, github: Record<string, string> = {}) {
  const rejudge = await gitgrant(gh, repo, ['rejudge', '--since', since, '--now', NOW], github);
  const apply = await gitgrant(gh, repo, ['apply', '--now', NOW], cloudEnv);
  expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  return { rejudge, apply };
}

describe('gitgrant rejudge: the gate re-judged at landing, before apply', () => {
  it('attack: bob approves, the check passes, bob leaves the owning team, the PR merges: the access is not given, now or later', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const repo = mainRepo();
    const before = head(repo);
    const { pull, grant } = await approvedRequest(gh, repo, 'alice');

    gh.seedTeam(TEAMS.appOwners, { active: ['carol'] });
    const sha = land(repo, `Request app-readonly for alice (#${pull})`, { name: 'GitHub', email: 'noreply@github.com' });
    gh.mergePull(GITHUB_REPO, pull, { sha, by: 'alice' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.code, rejudge.stdout + rejudge.stderr).toBe(1);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path})`);
    expect(cloud.members()).not.toContain('user:alice@example.com');
    expect(existsSync(join(repo.root, grant.path))).toBe(false);
    const taken = head(repo);
    expect(repo.git('rev-parse', `${taken}^`).trim()).toBe(sha);
    expect(repo.git('show', '-s', '--format=%cn', taken).trim()).toBe(AUTOMATION_COMMITTER.name);
    expect(parseTrailers(repo.git('show', '-s', '--format=%B', taken))).toEqual({
      action: 'revoke',
      grants: [expect.objectContaining({ grant: grant.path, role: 'app-readonly', grantee: 'alice@example.com', reason: expect.stringContaining(`the approval of PR #${pull} did not hold when it landed`) })],
    });

    // A re-run (same range, now with the take-back commit on top) and a later apply of all of main give nothing either.
    const again = await applyWorkflow(gh, repo, before, cloud.env);
    expect(again.rejudge.code, again.rejudge.stdout).toBe(0);
    expect(again.rejudge.stdout).toContain("gitgrant's own revoke commit, not judged");
    expect(head(repo)).toBe(taken);
    expect(cloud.members()).not.toContain('user:alice@example.com');
  });

  it('attack: carol (an owner) requests changes after the check passed, alice dismisses the review and merges: the access is not given', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
    const repo = mainRepo();
    const before = head(repo);
    const { pull, grant } = await approvedRequest(gh, repo, 'alice');
    const objection = gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'CHANGES_REQUESTED' });
    // Alice has write access: she dismisses the objection (no gate run in between), and merges on the old green check.
    gh.dismissReview(GITHUB_REPO, pull, objection, 'alice', 'done');
    const sha = land(repo, `Request app-readonly for alice (#${pull})`, { name: 'GitHub', email: 'noreply@github.com' });
    gh.mergePull(GITHUB_REPO, pull, { sha, by: 'alice' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.code, rejudge.stdout + rejudge.stderr).toBe(1);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path})`);
    expect(existsSync(join(repo.root, grant.path))).toBe(false);
    expect(cloud.members()).not.toContain('user:alice@example.com');
  });

  it('takes nothing back when the approval still holds at merge, and apply gives the access', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const repo = mainRepo();
    const before = head(repo);
    const { pull } = await approvedRequest(gh, repo, 'alice');
    const sha = land(repo, `Request app-readonly for alice (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha, by: 'alice' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.code, rejudge.stdout + rejudge.stderr).toBe(0);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate passes as merged`);
    expect(head(repo)).toBe(sha);
    expect(cloud.members()).toContain('user:alice@example.com');
  });

  it('judges each PR of a push with several commits on its own: only the one whose approval did not hold is taken back', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
    const repo = mainRepo();
    const before = head(repo);
    const first = await approvedRequest(gh, repo, 'alice');
    land(repo, `Request app-readonly for alice (#${first.pull})`);
    gh.mergePull(GITHUB_REPO, first.pull, { sha: head(repo), by: 'alice' });
    const second = aGrant().for('olga@example.com').ofRole('app-readonly');
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'olga', files: [{ path: second.path }] });
    const approval = gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'APPROVED' });
    // Carol's approval is dismissed before the merge; the stale green check stays.
    gh.dismissReview(GITHUB_REPO, pull, approval, 'olga');
    repo.write(second.build());
    land(repo, `Request app-readonly for olga (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha: head(repo), by: 'olga' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout).toContain(`rejudge: PR #${first.pull}: the gate passes as merged`);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged`);
    expect(existsSync(join(repo.root, first.grant.path))).toBe(true);
    expect(existsSync(join(repo.root, second.path))).toBe(false);
    expect(cloud.members()).toEqual(['user:alice@example.com']);
  });

  it('fails closed when GitHub cannot be asked: the additions are taken back, and removals in the same push still go through', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const old = aGrant().for('carol@example.com').ofRole('app-readonly');
    const repo = mainRepo();
    repo.write(old.build());
    land(repo, 'Request app-readonly for carol (#90)');
    const cloud = await gcpCloud();
    expect((await gitgrant(gh, repo, ['apply', '--now', NOW], cloud.env)).code).toBe(0);
    expect(cloud.members()).toEqual(['user:carol@example.com']);
    const before = head(repo);
    const { pull } = await approvedRequest(gh, repo, 'alice');
    repo.remove(old.path);
    land(repo, `Request app-readonly for alice, revoke carol (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha: head(repo), by: 'alice' });

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env, { GITHUB_API_URL: 'http://127.0.0.1:9' });

    expect(rejudge.code).toBe(1);
    expect(rejudge.stdout).toContain('could not be judged');
    expect(rejudge.stdout).toContain('taken back, fail closed');
    expect(cloud.members()).toEqual([]);
  });

  it("takes back a grant pushed to main without a PR, and leaves the automation's own commits alone", async () => {
    const gh = double();
    const repo = mainRepo();
    const before = head(repo);
    const pushed = aGrant().for('alice@example.com').ofRole('app-readonly');
    repo.write(pushed.build());
    land(repo, 'Give alice app-readonly', { name: 'Mallory', email: 'mallory@example.com' });
    const glass = aGrant().for('olga@example.com').ofRole('app-readonly');
    repo.write(glass.build());
    land(repo, `Break glass\n\nGitgrant-Action: break-glass\nGrant: ${glass.path}\nRole: app-readonly\nGrantee: olga@example.com`, AUTOMATION_COMMITTER);
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout).toContain('pushed without a pull request');
    expect(rejudge.stdout).toContain("gitgrant's own break-glass commit, not judged");
    expect(existsSync(join(repo.root, pushed.path))).toBe(false);
    expect(cloud.members()).toEqual(['user:olga@example.com']);
  });

  it('judges with the rules main had when the PR landed: a role that now needs two approvers takes back a grant one approved', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
    const repo = mainRepo();
    const before = head(repo);
    const { pull, grant } = await approvedRequest(gh, repo, 'alice');
    repo.remove(grant.path);
    // The owners raise the bar on main (their own PR) while alice's check stays green.
    const stricter = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'carol', files: [{ path: 'roles/app-readonly.yaml' }] });
    repo.write(appReadonly().withApprovals({ name: 'owners', count: 2, from: [at(TEAMS.appOwners)] }).build());
    land(repo, `Two owners approve app-readonly (#${stricter})`);
    gh.mergePull(GITHUB_REPO, stricter, { sha: head(repo), by: 'carol' });
    repo.write(grant.build());
    land(repo, `Request app-readonly for alice (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha: head(repo), by: 'alice' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout).toContain(`rejudge: PR #${stricter}: adds or changes no grant, nothing to judge`);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path})`);
    expect(existsSync(join(repo.root, grant.path))).toBe(false);
    expect(cloud.members()).toEqual([]);
  });

  it('judges a rebase merge (several commits of one PR) once, as one landing, and takes back every grant it added', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const repo = mainRepo();
    const before = head(repo);
    const { pull, grant } = await approvedRequest(gh, repo, 'alice');
    const first = land(repo, 'Request app-readonly for alice');
    const olga = aGrant().for('olga@example.com').ofRole('app-readonly');
    repo.write(olga.build());
    const second = land(repo, 'Request app-readonly for olga');
    // GitHub names the PR for each rebased commit.
    gh.pull(GITHUB_REPO, pull).commits.push({ sha: first, message: 'Request app-readonly for alice' }, { sha: second, message: 'Request app-readonly for olga' });
    gh.mergePull(GITHUB_REPO, pull, { sha: second, by: 'alice' });
    gh.seedTeam(TEAMS.appOwners, { active: [] });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout.match(new RegExp(`rejudge: PR #${pull}:`, 'g'))).toHaveLength(1);
    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path}, ${olga.path})`);
    expect(cloud.members()).toEqual([]);
  });

  it('judges with HR as main had it when the PR landed: a grantee HR marked terminated after the check is not given access', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const people = (aliceActive: boolean) => ({
      path: 'hr/people.json',
      text: JSON.stringify({ people: [
        { email: 'alice@example.com', active: aliceActive, ...(aliceActive ? {} : { status: 'terminated' }) },
        { email: 'bob@example.com', active: true },
      ] }, null, 2) + '\n',
    });
    const repo = mainRepo();
    repo.write(accessPolicy().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }] }).build(), people(true));
    land(repo, 'HR source for the gate');
    const before = head(repo);
    const { pull, grant } = await approvedRequest(gh, repo, 'alice');
    repo.remove(grant.path);
    // The HR export on main says alice left; nothing re-runs her PR's check.
    repo.write(people(false));
    land(repo, 'HR export');
    repo.write(grant.build());
    land(repo, `Request app-readonly for alice (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha: head(repo), by: 'alice' });
    const cloud = await gcpCloud();

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path}): the approvals are complete, but the files do not validate; alice@example.com is terminated in HR (hr/people.json)`);
    expect(existsSync(join(repo.root, grant.path))).toBe(false);
    expect(cloud.members()).toEqual([]);
  });

  it('takes back a grant a PR widened (an extension whose approval did not hold): the whole grant goes, apply removes what it gave', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const repo = mainRepo();
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly').named('alice-ext').expiringIn('1h');
    repo.write(grant.build());
    land(repo, 'Request app-readonly for alice (#90)');
    const cloud = await gcpCloud();
    expect((await gitgrant(gh, repo, ['apply', '--now', NOW], cloud.env)).code).toBe(0);
    expect(cloud.members()).toEqual(['user:alice@example.com']);
    const before = head(repo);
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: grant.path, status: 'modified' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    repo.write(grant.expiringIn('4h').build());
    gh.seedTeam(TEAMS.appOwners, { active: [] });
    land(repo, `Extend app-readonly for alice by 3h (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha: head(repo), by: 'alice' });

    const { rejudge } = await applyWorkflow(gh, repo, before, cloud.env);

    expect(rejudge.stdout).toContain(`rejudge: PR #${pull}: the gate FAILS as merged (${grant.path})`);
    expect(existsSync(join(repo.root, grant.path))).toBe(false);
    expect(cloud.members()).toEqual([]);
  });
});
