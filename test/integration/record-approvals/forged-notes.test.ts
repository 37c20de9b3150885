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
import type { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
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
  repo.write(...aRepo().with(grant).specs());
  gitAs(repo, { GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' }, 'add', '-A');
  gitAs(repo, { GIT_COMMITTER_DATE: at, GIT_AUTHOR_DATE: at, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com', GIT_AUTHOR_NAME: grantee, GIT_AUTHOR_EMAIL: `${grantee}@example.com` }, 'commit', '-q', '--no-gpg-sign', '-m', `Request app-readonly for ${grantee} (#${pull})`);
  const sha = repo.git('rev-parse', 'HEAD').trim();
  gh.mergePull(GITHUB_REPO, pull, { sha, by: 'dave' });
  return { sha, pull, path: grant.path };
}

/** What the apply workflow does after a merge: record who approved. */
async function recordAsApplyDoes(gh: GitHubDouble, repo: TempRepo, sha: string): Promise<void> {
  await gitgrant(gh, repo, ['record-approvals', '--commit', sha]);
}

/** Someone with write access writes the note they like, in the automation's name, and pushes it. */
function forgeNote(repo: TempRepo, sha: string, note: string): void {
  gitAs(repo, MALLORY, 'notes', '--ref=gitgrant', 'add', '-f', '-m', note, sha);
}

interface AuditGrant { path: string; approval: { source: string; approvers: Array<{ login: string }> } }

async function audit(repo: TempRepo): Promise<{ text: string; grants: AuditGrant[] }> {
  const json = await runCli(['audit', '--format', 'json'], { cwd: repo.root, env: {} });
  const text = await runCli(['audit', '--format', 'text'], { cwd: repo.root, env: {} });
  return { text: text.stdout, grants: (JSON.parse(json.stdout) as { grants: AuditGrant[] }).grants };
}

function anAccessRepo(gh: GitHubDouble): TempRepo {
  gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol'] });
  return gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
}

describe('forged approval notes', () => {
  it('an edited genuine note does not change who approved', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', []);
    await recordAsApplyDoes(gh, repo, alice.sha);

    // The PR landed without an approval; mallory makes the note say bob approved it.
    forgeNote(repo, alice.sha, formatApprovalNote({ pr: alice.pull, author: '@alice', approvers: [{ login: '@bob', at: Date.parse(NOW) - 60_000 }], mergedBy: '@dave' }));

    const { text, grants } = await audit(repo);
    const grant = grants.find((g) => g.path === alice.path)!;
    expect(grant.approval.approvers.map((a) => a.login)).not.toContain('@bob');
    expect(text).not.toMatch(/approved by @bob/);
  });

  it('a note forged on a commit that has no record does not become its approval', async () => {
    const gh = double();
    const repo = anAccessRepo(gh);
    const alice = land(gh, repo, 'alice', ['carol'], '2026-11-23T09:00:00Z');
    await recordAsApplyDoes(gh, repo, alice.sha);
    // Erin's PR lands unapproved and its record is never written (the apply run was cancelled).
    const erin = land(gh, repo, 'erin', []);

    forgeNote(repo, erin.sha, formatApprovalNote({ pr: erin.pull, author: '@erin', approvers: [{ login: '@bob', at: Date.parse(NOW) - 60_000 }], mergedBy: '@dave' }));

    const { text, grants } = await audit(repo);
    const grant = grants.find((g) => g.path === erin.path)!;
    expect(grant.approval.approvers.map((a) => a.login)).not.toContain('@bob');
    expect(text).not.toMatch(/approved by @bob/);
  });
});
