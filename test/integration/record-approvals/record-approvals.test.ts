import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatApprovalNote, parseApprovalNote, type ApprovalRecord } from '../../../src/core/audit/approval-note.js';
import { aGrant, aRepo, aRole, instant } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { AUTOMATION_COMMITTER, type TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble } from '../github-cli/harness.js';
import { TEAMS, accessPolicy, appReadonly, at } from '../github-cli/org.js';

const double = useGitHubDouble();

/** Commits everything as landing on main at `at` (the committer date is when it landed). */
function land(repo: TempRepo, message: string, at = NOW, committer?: { name: string; email: string }): string {
  const as = committer ? { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email } : {};
  const env = { ...process.env, GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...as };
  execFileSync('git', ['add', '-A'], { cwd: repo.root, env });
  execFileSync('git', ['commit', '-q', '--no-gpg-sign', '-m', message], { cwd: repo.root, env });
  return repo.git('rev-parse', 'HEAD').trim();
}

const EXPIRY_MESSAGE = 'Expire 1 grant\n\nGitgrant-Action: expire\nGrant: grants/app-readonly/x.yaml\nRole: app-readonly\nGrantee: alice@example.com';
const notesRef = (repo: TempRepo) => repo.git('rev-parse', '--verify', '--quiet', 'refs/notes/gitgrant').trim();
const noteOn = (repo: TempRepo, sha: string) => repo.git('notes', '--ref=gitgrant', 'show', sha);
/** When `login` last reviewed: the review the gate counts. */
const reviewTime = (gh: GitHubDouble, pull: number, login: string) => instant(gh.pull(GITHUB_REPO, pull).reviews.filter((r) => r.user.login === login).at(-1)!.submittedAt);

/** An access repo on main, and a PR on the double that adds alice's grant, squash-merged by bob. */
function aLandedRequest(gh: GitHubDouble, approvers: string[], { role = appReadonly(), trailers = '' } = {}) {
  gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
  const repo = gitRepo(aRepo().with(accessPolicy(), role).specs());
  const grant = aGrant().for('alice@example.com').ofRole('app-readonly');
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: grant.path }] });
  for (const login of approvers) gh.seedReview({ repo: GITHUB_REPO, pull, login, state: 'APPROVED' });
  repo.write(...aRepo().with(grant).specs());
  const sha = land(repo, `Request app-readonly for alice (#${pull})${trailers}`);
  gh.mergePull(GITHUB_REPO, pull, { sha, by: 'bob' });
  return { repo, pull, sha, grant };
}

describe('gitgrant record-approvals', () => {
  it('finds the PR that landed the commit and notes who approved it, in a form that reads back unchanged', async () => {
    const gh = double();
    const { repo, pull, sha } = aLandedRequest(gh, ['bob']);

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`PR #${pull} landed ${sha.slice(0, 12)}`);
    expect(run.stdout).toContain('note recorded');
    const expected: ApprovalRecord = {
      pr: pull,
      openedAt: instant(gh.issue(GITHUB_REPO, pull).createdAt),
      author: '@alice',
      approvers: [{ login: '@bob', at: reviewTime(gh, pull, 'bob') }],
      counted: [{ grant: 'grants/app-readonly/alice-1.yaml', level: 'owners', login: '@bob', via: ['@acme/app-owners'] }],
      mergedBy: '@bob',
    };
    expect(noteOn(repo, sha)).toBe(formatApprovalNote(expected));
    expect(parseApprovalNote(noteOn(repo, sha))).toEqual(expected);
  });

  it('changes nothing when re-run with the same facts, and replaces the note when they changed', async () => {
    const gh = double();
    const { repo, pull, sha } = aLandedRequest(gh, ['bob']);
    await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);
    const first = notesRef(repo);

    const again = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);
    expect(again.stdout).toContain('note unchanged');
    expect(notesRef(repo)).toBe(first);

    // Bob's approval is dismissed after the merge and carol's counts instead.
    gh.dismissReview(GITHUB_REPO, pull, gh.pull(GITHUB_REPO, pull).reviews.find((r) => r.user.login === 'bob')!.id, 'bob');
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'carol', state: 'APPROVED' });
    const changed = await gitgrant(gh, repo, ['record-approvals', '--commit', sha, '--pr', String(pull)]);
    expect(changed.stdout).toContain('note replaced');
    expect(notesRef(repo)).not.toBe(first);
    expect(parseApprovalNote(noteOn(repo, sha))?.approvers.map((a) => a.login)).toEqual(['@carol']);
  });

  it('never records an approval the gate did not count: the author and a non-member are left out', async () => {
    const gh = double();
    const { repo, sha } = aLandedRequest(gh, ['alice', 'mallory', 'carol']);

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(parseApprovalNote(noteOn(repo, sha))?.approvers.map((a) => a.login)).toEqual(['@carol']);
  });

  it('names each approver once when one PR lands grants of two roles with different owners', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    gh.seedTeam(TEAMS.dbOwners, { active: ['carol'] });
    const dbReadonly = aRole('db-readonly').ownedBy(at(TEAMS.dbOwners)).withApprovals({ name: 'owners', count: 1, from: [at(TEAMS.dbOwners)] });
    const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly(), dbReadonly).specs());
    const grants = [aGrant().for('alice@example.com').ofRole('app-readonly'), aGrant().for('alice@example.com').ofRole('db-readonly')];
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: grants.map((g) => ({ path: g.path })) });
    for (const login of ['carol', 'bob', 'carol']) gh.seedReview({ repo: GITHUB_REPO, pull, login, state: 'APPROVED' });
    repo.write(...aRepo().with(...grants).specs());
    const sha = land(repo, `Request two roles for alice (#${pull})`);
    gh.mergePull(GITHUB_REPO, pull, { sha, by: 'carol' });

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(parseApprovalNote(noteOn(repo, sha))).toMatchObject({
      approvers: [{ login: '@bob' }, { login: '@carol', at: reviewTime(gh, pull, 'carol') }],
      mergedBy: '@carol',
    });
  });

  it('records a merge that bypassed the gate, and fails so the run shows it', async () => {
    const gh = double();
    const { repo, pull, sha } = aLandedRequest(gh, []);

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`the gate does not pass for PR #${pull} as merged`);
    expect(parseApprovalNote(noteOn(repo, sha))).toMatchObject({ pr: pull, approvers: [] });
  });

  it('records the waiver of an auto-approval window open when the commit landed', async () => {
    const gh = double();
    const office = appReadonly().autoApprovingDuring({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', timezone: 'Europe/London', maxDuration: '4h' });
    const { repo, sha } = aLandedRequest(gh, [], { role: office });

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(parseApprovalNote(noteOn(repo, sha))).toMatchObject({
      approvers: [],
      waiver: 'role app-readonly auto-approves Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/London up to 4h',
    });
  });

  it('lets `gitgrant audit` name the approvers from the note alone, without a token', async () => {
    const gh = double();
    const { repo, sha, grant } = aLandedRequest(gh, ['carol']);
    await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    const audit = await runCli(['audit', '--format', 'json'], { cwd: repo.root, env: {} });

    expect(audit.code).toBe(0);
    const report = JSON.parse(audit.stdout) as { grants: Array<{ path: string; approval: { source: string; approvers: Array<{ login: string }> } }> };
    const lifecycle = report.grants.find((g) => g.path === grant.path);
    expect(lifecycle?.approval.source).toBe('note');
    expect(lifecycle?.approval.approvers.map((a) => a.login)).toEqual(['@carol']);
  });

  it("has nothing to record on gitgrant's own lifecycle commits, whose trailers are their record", async () => {
    const gh = double();
    const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
    repo.write({ path: 'grants/app-readonly/.keep', text: '' });
    const sha = land(repo, EXPIRY_MESSAGE, NOW, AUTOMATION_COMMITTER);

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nothing to record');
    expect(() => notesRef(repo)).toThrow();
  });

  it('does not take trailers a person committed without a pull request for the automation\'s record', async () => {
    const gh = double();
    const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
    repo.write({ path: 'grants/app-readonly/.keep', text: '' });
    const sha = land(repo, EXPIRY_MESSAGE, NOW, { name: 'Mallory', email: 'mallory@example.com' });

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no merged pull request landed ${sha.slice(0, 12)}`);
  });

  it('still records a PR whose squash message carries gitgrant trailers: GitHub, not the message, says a PR landed it', async () => {
    const gh = double();
    const { repo, pull, sha } = aLandedRequest(gh, ['bob'], { trailers: '\n\nGitgrant-Action: standing\nGrant: grants/app-readonly/x.yaml' });

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(0);
    expect(parseApprovalNote(noteOn(repo, sha))).toMatchObject({ pr: pull, approvers: [{ login: '@bob' }] });
  });

  it('fails with a clear message when no pull request landed the commit', async () => {
    const gh = double();
    const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
    const sha = repo.git('rev-parse', 'HEAD').trim();

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no merged pull request landed ${sha.slice(0, 12)}`);
    expect(run.stderr).toContain('pass --pr N');
  });

  it('refuses a --pr that is still open: it landed nothing, so it approved nothing on main', async () => {
    const gh = double();
    const { repo, sha } = aLandedRequest(gh, ['bob']);
    const open = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [] });

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha, '--pr', String(open)]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`pull request #${open} is not merged`);
    expect(() => notesRef(repo)).toThrow();
  });

  it('refuses a commit other than the one checked out, since the gate reads the files on disk', async () => {
    const gh = double();
    const { repo, sha } = aLandedRequest(gh, ['bob']);
    repo.write({ path: 'README.md', text: 'later\n' });
    land(repo, 'A later commit');

    const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`check out ${sha} first`);
  });
});
