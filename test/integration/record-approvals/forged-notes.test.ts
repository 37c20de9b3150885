/**
 * Approval notes are forgeable: `refs/notes/gitgrant` is not main, so anyone with write access can
 * push it, under any author and committer name. Someone who can push there adds a note claiming
 * approvals that never happened, or edits the genuine one. The audit must not present such a
 * note as the approval, and must say the notes were tampered with.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatApprovalNote } from '../../../src/core/audit/approval-note.js';
import { aGrant, aRepo } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { AUTOMATION_COMMITTER, type TempRepo } from '../../support/temp-repo.js';
import { runCli, type CliRun } from '../../support/run-cli.js';
import { RECORD_BRANCH } from '../../../src/adapters/git/approval-record.js';
import { formatRecordCommitMessage } from '../../../src/core/audit/approval-evidence.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble } from '../github-cli/harness.js';
import { TEAMS, accessPolicy, appReadonly } from '../github-cli/org.js';

const double = useGitHubDouble();
const MALLORY = { GIT_COMMITTER_NAME: 'gitgrant[bot]', GIT_COMMITTER_EMAIL: '149000001+gitgrant[bot]@users.noreply.github.com', GIT_AUTHOR_NAME: 'gitgrant[bot]', GIT_AUTHOR_EMAIL: '149000001+gitgrant[bot]@users.noreply.github.com' };

function gitAs(repo: TempRepo, env: Record<string, string>, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo.root, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env } });
}

/** A PR that adds `grantee`'s grant lands on main (squash-merged by `by`) with `approvers`' reviews. */
function land(gh: GitHubDouble, repo: TempRepo, grantee: string, approvers: string[], at = NOW): { sha: string; pull: number; path: string } {
  const grant = aGrant().for(`${grantee}@example.com`).ofRole('app-readonly');
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: grantee, files: [{ path: grant.path }] });
  for (const login of approvers) gh.seedReview({ repo: GITHUB_REPO, pull, login, state: 'APPROVED' });
  // The grant file only: the repo's policy stays the one main has.
  repo.write(...aRepo().with(grant).specs().filter((f) => f.path.startsWith('grants/')));
  gitAs(repo, { GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' }, 'add', '-A');
  gitAs(repo, { GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com', GIT_AUTHOR_NAME: grantee, GIT_AUTHOR_EMAIL: `${grantee}@example.com` }, 'commit', '-q', '--no-gpg-sign', '-m', `Request app-readonly for ${grantee} (#${pull})`);
  const sha = repo.git('rev-parse', 'HEAD').trim();
  gh.mergePull(GITHUB_REPO, pull, { sha, by: 'dave' });
  return { sha, pull, path: grant.path };
}

/**
 * What the apply workflow does after a merge, as the App's bot user: record who approved, on main
 * (the record branch, pushed to main) and in the note. The checkout is the landed commit.
 */
async function recordAsApplyDoes(gh: GitHubDouble, repo: TempRepo, sha: string): Promise<CliRun> {
  repo.git('checkout', '-q', '--detach', sha);
  const run = await gitgrant(gh, repo, ['record-approvals', '--commit', sha, '--record-on', 'main']);
  repo.git('checkout', '-q', 'main');
  if (repo.git('branch', '--list', RECORD_BRANCH).trim()) {
    repo.git('merge', '-q', '--ff-only', RECORD_BRANCH);
    repo.git('branch', '-q', '-D', RECORD_BRANCH);
  }
  return run;
}

/** Someone with write access writes the note they like, in the automation's name, and pushes it. */
function forgeNote(repo: TempRepo, sha: string, note: string): void {
  gitAs(repo, MALLORY, 'notes', '--ref=gitgrant', 'add', '-f', '-m', note, sha);
}

interface AuditGrant { path: string; approval: { source: string; approvers: Array<{ login: string }> } }

async function audit(repo: TempRepo): Promise<{ code: number; text: string; grants: AuditGrant[]; tampered: Tampered[] }> {
  const json = await runCli(['audit', '--format', 'json'], { cwd: repo.root, env: {} });
  const text = await runCli(['audit', '--format', 'text'], { cwd: repo.root, env: {} });
  const report = JSON.parse(json.stdout) as { grants: AuditGrant[]; tamperedApprovals: Tampered[] };
  return { code: json.code, text: text.stdout, grants: report.grants, tampered: report.tamperedApprovals };
}

/** The access repo; git commits as the App's bot user there, as apply.yml configures it. */
function anAccessRepo(gh: GitHubDouble): TempRepo {
  gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
  const repo = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
  repo.git('config', 'user.name', AUTOMATION_COMMITTER.name);
  repo.git('config', 'user.email', AUTOMATION_COMMITTER.email);
  return repo;
}

interface Tampered { kind: string; commit: string; claimed: string[]; recorded?: string[] }

async function anomalies(repo: TempRepo): Promise<{ code: number; findings: Array<{ kind: string; summary: string; details: string[] }> }> {
  const run = await runCli(['anomalies', '--json', '--now', '2026-11-24T00:00:00Z'], { cwd: repo.root, env: {} });
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: Array<{ kind: string; summary: string; details: string[] }> }).findings };
}

const loginsOf = (grant: AuditGrant) => grant.approval.approvers.map((a) => a.login);
const bobApproved = (pr: number, author: string) => formatApprovalNote({ pr, author, approvers: [{ login: '@bob', at: Date.parse(NOW) - 60_000 }], mergedBy: '@dave' });

describe('forged approval notes', () => {
  it('an edited genuine note does not change who approved: the record on main does, and the edit is reported', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', []);
    const recorded = await recordAsApplyDoes(gh, repo, alice.sha);
    expect(recorded.stdout).toContain(`record recorded on top of main as branch ${RECORD_BRANCH}`);

    // The PR landed without an approval; mallory makes the note say bob approved it.
    forgeNote(repo, alice.sha, bobApproved(alice.pull, '@alice'));

    const { code, text, grants, tampered } = await audit(repo);
    expect(code).toBe(0);
    const grant = grants.find((g) => g.path === alice.path)!;
    expect(grant.approval.source).toBe('record');
    expect(loginsOf(grant)).toEqual([]);
    expect(text).not.toMatch(/approved by @bob/);
    expect(tampered).toEqual([expect.objectContaining({ kind: 'differs', commit: alice.sha, claimed: ['@bob'], recorded: [] })]);
    expect(text).toContain(`${alice.sha.slice(0, 12)} (PR #${alice.pull}) at ${NOW}: approval note altered claiming @bob; the record on main names no approver`);

    const found = await anomalies(repo);
    expect(found.code).toBe(1);
    expect(found.findings.filter((f) => f.kind === 'ANOMALY_FORGED_APPROVAL')).toEqual([expect.objectContaining({
      summary: `commit ${alice.sha.slice(0, 12)} (PR #${alice.pull}): its approval note was changed after the automation recorded it on main`,
      details: expect.arrayContaining(['It claims approval by @bob; the record on main names no one.']),
    })]);
  });

  it('a note forged on a commit that has no record does not become its approval, and is reported', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol'], '2026-11-23T09:00:00Z');
    await recordAsApplyDoes(gh, repo, alice.sha);
    // Erin's PR lands unapproved and its record is never written (the apply run was cancelled).
    const erin = land(gh, repo, 'erin', []);

    forgeNote(repo, erin.sha, bobApproved(erin.pull, '@erin'));

    const { text, grants, tampered } = await audit(repo);
    const grant = grants.find((g) => g.path === erin.path)!;
    expect(grant.approval.source).toBe('unrecorded');
    expect(loginsOf(grant)).toEqual([]);
    expect(text).not.toMatch(/approved by @bob/);
    expect(loginsOf(grants.find((g) => g.path === alice.path)!)).toEqual(['@carol']);
    expect(tampered).toEqual([expect.objectContaining({ kind: 'no-record', commit: erin.sha, claimed: ['@bob'] })]);
    expect(text).toContain('approval note without a record claiming @bob');

    const found = await anomalies(repo);
    expect(found.findings.map((f) => f.summary)).toContain(`commit ${erin.sha.slice(0, 12)} (PR #${erin.pull}): it carries an approval note the automation never recorded on main`);
  });

  it('a deleted note takes nothing away: the record on main still names the approvers', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol']);
    await recordAsApplyDoes(gh, repo, alice.sha);

    gitAs(repo, MALLORY, 'notes', '--ref=gitgrant', 'remove', alice.sha);

    const { grants, tampered } = await audit(repo);
    const grant = grants.find((g) => g.path === alice.path)!;
    expect(grant.approval.source).toBe('record');
    expect(loginsOf(grant)).toEqual(['@carol']);
    expect(tampered).toEqual([]);
  });

  it('a person\'s pull request posing as the record is no record, and is reported', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol'], '2026-11-23T09:00:00Z');
    await recordAsApplyDoes(gh, repo, alice.sha);
    const erin = land(gh, repo, 'erin', [], '2026-11-23T09:30:00Z');

    // Mallory's PR adds the record file with the record's trailers in its message; GitHub squash-merges it.
    const fake = formatRecordCommitMessage(erin.sha, { pr: erin.pull, author: '@erin', approvers: [{ login: '@bob' }] });
    repo.write({ path: `approvals/2026-11/${erin.sha}.txt`, text: 'Gitgrant-Record: approval\n' });
    gitAs(repo, { GIT_COMMITTER_DATE: NOW, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' }, 'add', '-A');
    gitAs(repo, { GIT_COMMITTER_DATE: NOW, GIT_AUTHOR_DATE: NOW, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com', GIT_AUTHOR_NAME: 'gitgrant[bot]', GIT_AUTHOR_EMAIL: AUTOMATION_COMMITTER.email }, 'commit', '-q', '--no-gpg-sign', '-m', fake);
    const posing = repo.git('rev-parse', 'HEAD').trim();

    const { text, grants, tampered } = await audit(repo);
    expect(grants.find((g) => g.path === erin.path)!.approval.source).toBe('unrecorded');
    expect(text).not.toMatch(/approved by @bob/);
    expect(tampered).toEqual([expect.objectContaining({ kind: 'forged-record', commit: posing, claimed: ['@bob'] })]);
    expect(text).toContain('approval record not made by the automation claiming @bob');
  });

  it('notes older than the first record on main are shown, marked unverified, and not reported', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    // Before this version, the apply step wrote the note only.
    const old = land(gh, repo, 'alice', ['carol'], '2026-11-20T09:00:00Z');
    await gitgrant(gh, repo, ['record-approvals', '--commit', old.sha]);
    const now = land(gh, repo, 'alice', ['bob']);
    await recordAsApplyDoes(gh, repo, now.sha);

    const { code, text, grants, tampered } = await audit(repo);
    expect(code).toBe(0);
    const oldGrant = grants.find((g) => g.path === old.path)!;
    expect(oldGrant.approval.source).toBe('note');
    expect(loginsOf(oldGrant)).toEqual(['@carol']);
    expect(text).toMatch(/approved by @carol at \S+ \(gitgrant note, unverified: it predates the records on main/);
    expect(now.path).not.toBe(old.path);
    expect(grants.find((g) => g.path === now.path)!.approval.source).toBe('record');
    expect(text).toMatch(/approved by @bob at \S+ \(gitgrant record on main\)/);
    expect(tampered).toEqual([]);
    expect((await anomalies(repo)).findings.filter((f) => f.kind === 'ANOMALY_FORGED_APPROVAL')).toEqual([]);
  });
});

describe('the record on main', () => {
  it('is one automation commit under approvals/ with the note\'s facts in its trailers; a re-run adds nothing', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol']);
    await recordAsApplyDoes(gh, repo, alice.sha);

    const head = repo.git('rev-parse', 'HEAD').trim();
    const note = repo.git('notes', '--ref=gitgrant', 'show', alice.sha);
    expect(repo.git('log', '-1', '--format=%cn <%ce>%n%B', head)).toBe(
      `${AUTOMATION_COMMITTER.name} <${AUTOMATION_COMMITTER.email}>\nRecord approvals of PR #${alice.pull} that landed ${alice.sha.slice(0, 12)}\n\n` +
      `Gitgrant-Record: approval\nLanded-Commit: ${alice.sha}\n${note.split('\n').slice(1).join('\n')}\n`,
    );
    expect(repo.git('diff-tree', '--no-commit-id', '--name-only', '-r', head).trim()).toBe(`approvals/2026-11/${alice.sha}.txt`);
    expect(repo.git('show', `${head}:approvals/2026-11/${alice.sha}.txt`)).toBe(repo.git('notes', '--ref=gitgrant', 'show', alice.sha));

    const again = await recordAsApplyDoes(gh, repo, alice.sha);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('record on main unchanged (main already has it)');
    expect(again.stdout).toContain('note unchanged');
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
    expect(repo.git('branch', '--list', RECORD_BRANCH).trim()).toBe('');
  });

  it('is refused when git would not commit it as the automation, since the audit would not count it', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol']);
    repo.git('config', 'user.name', 'Test Committer');
    repo.git('config', 'user.email', 'committer@example.com');

    const run = await recordAsApplyDoes(gh, repo, alice.sha);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the record would be committed by Test Committer <committer@example.com>, not by the automation (gitgrant[bot]), so the audit would not count it');
    expect(repo.git('branch', '--list', RECORD_BRANCH).trim()).toBe('');
  });
});
