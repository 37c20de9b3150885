/**
 * The trusted gate (gate.yml): main's gitgrant judges a pull request head it fetched as git objects
 * and never checked out, and posts the `gitgrant gate` check run on exactly that commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { aGrant, aRepo, type FileSpec } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import type { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble, withBareOrigin } from './harness.js';
import { TEAMS, accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();
// The double lives for the whole file: each test looks only at the check runs it caused.
let before = 0;
beforeEach(() => {
  before = double().checkRuns(GITHUB_REPO).length;
});
const posted = () => double().checkRuns(GITHUB_REPO).slice(before);
const GIT_ENV = { GIT_AUTHOR_NAME: 'Requester', GIT_AUTHOR_EMAIL: 'r@example.com', GIT_COMMITTER_NAME: 'Requester', GIT_COMMITTER_EMAIL: 'r@example.com' };

const alicesGrant = () => aGrant().for('alice@example.com').ofRole('app-readonly');

interface World {
  /** The trusted checkout of main (what gate.yml checks out). */
  main: TempRepo;
  /** Pushes a PR branch from a requester's own clone; returns the head commit. */
  pushPr(change: (clone: string) => void): string;
}

function aWorld(): World {
  const main = gitRepo(aRepo().with(accessPolicy(), appReadonly()).specs());
  const { origin } = withBareOrigin(main);
  let n = 0;
  return {
    main,
    pushPr(change) {
      const clone = mkdtempSync(join(tmpdir(), 'gitgrant-requester-'));
      onTestFinished(() => rmSync(clone, { recursive: true, force: true }));
      const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
      git('clone', '-q', origin, '.');
      change(clone);
      git('add', '-A');
      git('commit', '-q', '--no-gpg-sign', '-m', 'Request access');
      n += 1;
      // As GitHub keeps every PR head, forks included, under refs/pull/N/head of the base repository.
      git('push', '-q', 'origin', `HEAD:refs/pull/${n}/head`);
      return git('rev-parse', 'HEAD').trim();
    },
  };
}

function write(clone: string, file: FileSpec): void {
  execFileSync('mkdir', ['-p', join(clone, file.path, '..')]);
  execFileSync('tee', [join(clone, file.path)], { input: file.text, stdio: ['pipe', 'ignore', 'inherit'] });
}

function teams(gh: GitHubDouble, appOwners: string[]): void {
  for (const team of Object.values(TEAMS)) gh.seedTeam(team, {});
  gh.seedTeam(TEAMS.appOwners, { active: appOwners });
}

/** What gate.yml does after building main: fetch the head's objects, then judge and post. */
async function trustedGate(gh: GitHubDouble, world: World, head: string, extra: string[] = []) {
  world.main.git('fetch', '-q', '--no-tags', 'origin', head);
  return gitgrant(gh, world.main, ['gate', '--head-sha', head, '--head-repo', GITHUB_REPO, '--post-check', '--now', NOW, ...extra]);
}

describe('gitgrant gate --head-sha --post-check (the trusted gate)', () => {
  it('finds the PR from the commit alone, judges it and posts a passing check on that commit, without checking it out', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe(`gate: PR #${pull} at ${head.slice(0, 12)}: PASSED`);
    expect(run.stdout).toContain(`gate: posted check "gitgrant gate" (success) on ${head.slice(0, 12)}`);
    expect(posted()).toEqual([
      expect.objectContaining({ name: 'gitgrant gate', headSha: head, status: 'completed', conclusion: 'success', creator: expect.objectContaining({ type: 'Bot' }) }),
    ]);
    // Data only: the PR's file never reached the working tree, which is still main.
    expect(existsSync(join(world.main.root, grant.path))).toBe(false);
    expect(world.main.git('status', '--porcelain')).toBe('');
  });

  it('posts a failing check when approvals are missing', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(1);
    expect(posted().map((c) => [c.headSha, c.conclusion])).toEqual([[head, 'failure']]);
    expect(posted()[0]!.summary).toContain('approvals missing');
  });

  it('fails the check, saying which commit and why, when an approver committed under an email GitHub cannot link', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    // bob wrote the head commit as r@example.com, an address on no GitHub account, then approves it.
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }], commits: [{ sha: head, author: null, committer: null, authorEmail: 'r@example.com', committerEmail: 'r@example.com' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`commit ${head.slice(0, 12)}: its author and committer r@example.com are not linked to a GitHub account`);
    expect(posted().map((c) => [c.conclusion, c.title])).toEqual([
      ['failure', `commit ${head.slice(0, 12)} is not linked to a GitHub account, so no approval counts until the email is linked or the commit rewritten`],
    ]);
    expect(posted()[0]!.summary).toContain('Approvals count only when GitHub links every commit of the pull request to an account');
  });

  it('judges the PR by main\'s roles, not the ones it edits: a PR exempting its author fails', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => {
      write(clone, appReadonly().exempting('@alice').build());
      write(clone, grant.build());
    });
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: 'roles/app-readonly.yaml', status: 'modified' }, { path: grant.path }] });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path} (added): approvals missing`);
    expect(posted().map((c) => c.conclusion)).toEqual(['failure']);
  });

  it('refuses a grant that is a symbolic link, seen from its git mode, and fails the check', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => {
      write(clone, { path: 'notes/alice.yaml', text: grant.build().text });
      execFileSync('mkdir', ['-p', join(clone, 'grants/app-readonly')]);
      symlinkSync('../../notes/alice.yaml', join(clone, grant.path));
    });
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path}:1:1: error FILE_NOT_REGULAR: symbolic link where only regular files are allowed (hint: replace it with the file itself; gitgrant never follows links)`);
    expect(posted().map((c) => c.conclusion)).toEqual(['failure']);
  });

  it('refuses a symbolic link in hr/ or .github/ too, even with a policy owner\'s approval', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const head = world.pushPr((clone) => {
      execFileSync('mkdir', ['-p', join(clone, 'hr'), join(clone, '.github')]);
      symlinkSync('/etc/passwd', join(clone, 'hr/people.json'));
      symlinkSync('../hr/people.json', join(clone, '.github/CODEOWNERS'));
    });
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: 'hr/people.json' }, { path: '.github/CODEOWNERS' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });

    const run = await trustedGate(gh, world, head);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('hr/people.json:1:1: error FILE_NOT_REGULAR: symbolic link where only regular files are allowed');
    expect(run.stdout).toContain('.github/CODEOWNERS:1:1: error FILE_NOT_REGULAR: symbolic link where only regular files are allowed');
    expect(posted().map((c) => c.conclusion)).toEqual(['failure']);
  });

  it('posts failure on the judged commit when the PR head moved meanwhile, never success for the new head', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    const moved = gh.pushCommit(GITHUB_REPO, pull);

    world.main.git('fetch', '-q', '--no-tags', 'origin', head);
    const run = await gitgrant(gh, world.main, ['gate', '--pr', String(pull), '--head-sha', head, '--post-check', '--now', NOW]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`gate: FAILED: the pull request head moved to ${moved.slice(0, 12)} while ${head.slice(0, 12)} was judged`);
    expect(posted().map((c) => [c.headSha, c.conclusion])).toEqual([[head, 'failure']]);
  });

  it('finds a PR from a fork by its head repository, and nothing when the repository does not match', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, headRepo: 'alice/access', files: [{ path: grant.path }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    world.main.git('fetch', '-q', '--no-tags', 'origin', head);

    const other = await gitgrant(gh, world.main, ['gate', '--head-sha', head, '--head-repo', GITHUB_REPO, '--post-check', '--now', NOW]);
    expect(other.code).toBe(0);
    expect(other.stdout).toBe(`gate: no open pull request into main has head ${head}; nothing to judge\n`);
    expect(posted()).toEqual([]);

    const fork = await gitgrant(gh, world.main, ['gate', '--head-sha', head, '--head-repo', 'alice/access', '--post-check', '--now', NOW]);
    expect(fork.code).toBe(0);
    expect(posted().map((c) => [c.headSha, c.conclusion])).toEqual([[head, 'success']]);
  });

  it('says how to fetch a head that is not in the repository, and posts nothing', async () => {
    const gh = double();
    const world = aWorld();
    const head = world.pushPr((clone) => write(clone, alicesGrant().build()));
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [] });

    const run = await gitgrant(gh, world.main, ['gate', '--head-sha', head, '--post-check', '--now', NOW]);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`the pull request head ${head} is not in this repository`);
    expect(run.stderr).toContain(`git fetch origin ${head}`);
    expect(posted()).toEqual([]);
  });

  it('gives no verdict on a head that conflicts with main, and says to rebase', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.because('Investigate the slow checkout queries, part two').build()));
    world.main.write(grant.because('Something else entirely on main, meanwhile').build());
    world.main.commitAll('Land another change to the same grant');
    gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });

    const run = await trustedGate(gh, world, head);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`the pull request head ${head.slice(0, 12)} conflicts with HEAD`);
    expect(run.stderr).toContain('rebase the pull request on main');
    expect(posted()).toEqual([]);
  });

  it('refuses --post-check without --head-sha: a check is only posted for a commit read as data', async () => {
    const gh = double();
    const world = aWorld();
    const run = await gitgrant(gh, world.main, ['gate', '--pr', '1', '--post-check', '--now', NOW]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--post-check needs --head-sha');
  });
});

describe('gitgrant comment --head-sha', () => {
  it('comments with the offline plan of the PR as merged, read from objects', async () => {
    const gh = double();
    teams(gh, ['bob']);
    const world = aWorld();
    const grant = alicesGrant();
    const head = world.pushPr((clone) => write(clone, grant.build()));
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', headSha: head, files: [{ path: grant.path }] });
    world.main.git('fetch', '-q', '--no-tags', 'origin', head);

    const run = await gitgrant(gh, world.main, ['comment', '--head-sha', head, '--head-repo', GITHUB_REPO, '--now', NOW]);

    expect(run.code).toBe(0);
    const [comment] = gh.issue(GITHUB_REPO, pull).comments;
    expect(comment?.body).toContain('<code>user&#58;alice&#64;example&#46;com</code> | <code>roles/viewer</code>');
    expect(comment?.body).toContain('Plan: 1 to add, 0 to change, 0 to remove');
  });
});
