/**
 * Issue 9, findings 2, 4 and 9 (paths): the gate, the loader and the planner must agree on which
 * files are grants. Each test is an attack by a requester with write access who opens a PR and asks
 * nobody suitable to review it; the gate must fail, saying why.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aGrant, aRepo, aRole } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitRepo, gitgrant, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy, appReadonly, at } from './org.js';

const double = useGitHubDouble();

/** A second role with its own owners, so a grant for it must never be approved by app owners. */
const dbAdmin = () => aRole('db-admin').ownedBy(at(TEAMS.dbOwners)).withApprovals({ name: 'owners', count: 1, from: [at(TEAMS.dbOwners)] });

function teams(gh: GitHubDouble): void {
  for (const team of Object.values(TEAMS)) gh.seedTeam(team, {});
  gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
  gh.seedTeam(TEAMS.dbOwners, { active: ['dora'] });
  gh.seedTeam(TEAMS.security, { active: ['sam'] });
}

type Change = { path: string; status: 'added' | 'modified' | 'removed' };

async function gate(gh: GitHubDouble, repo: TempRepo, changed: Change[], reviewers: string[] = [], author = 'mallory') {
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author, files: changed });
  for (const login of reviewers) gh.seedReview({ repo: GITHUB_REPO, pull, login, state: 'APPROVED' });
  return gitgrant(gh, repo, ['gate', '--pr', String(pull), '--now', NOW]);
}

const baseFiles = () => aRepo().with(accessPolicy(), appReadonly(), dbAdmin());

describe('finding 2: a grant file the gate does not recognise', () => {
  it.each([
    ['named only `.yaml`', 'grants/db-admin/.yaml'],
    ['named only `.yml`', 'grants/db-admin/.yml'],
  ])('is refused by validate and by the gate when %s', async (_label, path) => {
    const gh = double();
    teams(gh);
    const grant = aGrant().for('mallory@example.com').ofRole('db-admin').build();
    const repo = TempRepo.fromFiles([...baseFiles().specs(), { path, text: grant.text }]);

    const validate = await gitgrant(gh, repo, ['validate', '--now', NOW]);
    expect(validate.stdout).toContain(`${path}:1:1: error FILE_NAME_INVALID: a grant file is named <name>.yaml`);
    expect(validate.code).toBe(1);

    // The planner never sees it: nothing grants mallory anything.
    const plan = await gitgrant(gh, repo, ['plan', '--offline', '--json', '--now', NOW]);
    expect(plan.stdout).not.toContain('mallory@example.com');

    const run = await gate(gh, repo, [{ path, status: 'added' }]);
    expect(run.stdout).toContain(`${path}:1:1: error FILE_NAME_INVALID`);
    expect(run.stdout).toContain(`${path} (refused): a grant file is named <name>.yaml`);
    expect(run.stdout).toMatch(/^gate: PR #\d+ at [0-9a-f]{12}: FAILED$/m);
    expect(run.code).toBe(1);
  });

  it('refuses a grant name that differs only by case or a trailing space, even with a policy owner approving', async () => {
    const gh = double();
    teams(gh);
    const grant = aGrant().for('mallory@example.com').ofRole('db-admin').build();
    const paths = ['grants/db-admin/mallory.YAML', 'grants/db-admin/mallory.yaml '];
    const repo = TempRepo.fromFiles([...baseFiles().specs(), ...paths.map((path) => ({ path, text: grant.text }))]);

    const run = await gate(gh, repo, paths.map((path) => ({ path, status: 'added' as const })), ['sam']);

    for (const path of paths) expect(run.stdout).toContain(`${path} (refused)`);
    expect(run.code).toBe(1);
  });
});

describe('finding 4: a symbolic link under grants/', () => {
  it('is refused, so editing the grant it points to cannot rewrite another role\'s grant', async () => {
    const gh = double();
    teams(gh);
    const appGrant = aGrant().for('mallory@example.com').ofRole('app-readonly').named('mallory').expiringIn('2h');
    const repo = TempRepo.fromFiles([...baseFiles().specs(), appGrant.build()]);
    // Merged earlier: a db-admin grant that is a link to the app-readonly grant.
    mkdirSync(join(repo.root, 'grants/db-admin'));
    symlinkSync('../app-readonly/mallory.yaml', join(repo.root, 'grants/db-admin/mallory.yaml'));
    // The PR extends the app-readonly grant; only an app owner approves it.
    repo.write(appGrant.expiringIn('8h').build());

    const run = await gate(gh, repo, [{ path: appGrant.path, status: 'modified' }], ['bob']);

    expect(run.stdout).toContain('grants/db-admin/mallory.yaml:1:1: error FILE_NOT_REGULAR: symbolic link where only regular files are allowed');
    expect(run.code).toBe(1);

    const validate = await gitgrant(gh, repo, ["validate", "--now", NOW]);
    expect(validate.stdout).toContain("grants/db-admin/mallory.yaml:1:1: error FILE_NOT_REGULAR");
    expect(validate.stdout).toMatch(/\(2 roles, 1 grant\)/);
  });

  it('is refused in roles/, policies/, hr/ and .github/, links to folders included', async () => {
    const gh = double();
    const repo = TempRepo.fromFiles([...baseFiles().specs(), { path: 'hr/people.json', text: '[]\n' }, { path: '.github/CODEOWNERS', text: '* @acme/security\n' }]);
    symlinkSync('app-readonly.yaml', join(repo.root, 'roles/app-readonly-too.yaml'));
    symlinkSync('people.json', join(repo.root, 'hr/people-too.json'));
    symlinkSync('CODEOWNERS', join(repo.root, '.github/CODEOWNERS-too'));
    mkdirSync(join(repo.root, 'grants/app-readonly'), { recursive: true });
    symlinkSync('app-readonly', join(repo.root, 'grants/app-readonly-too'));

    const run = await gitgrant(gh, repo, ['validate', '--now', NOW]);

    for (const path of ['roles/app-readonly-too.yaml', 'hr/people-too.json', '.github/CODEOWNERS-too', 'grants/app-readonly-too']) {
      expect(run.stdout).toContain(`${path}:1:1: error FILE_NOT_REGULAR`);
    }
    expect(run.code).toBe(1);
  });
});

describe('a PR bigger than GitHub lists', () => {
  it('fails the gate instead of judging only the first 3,000 files', async () => {
    const gh = double();
    teams(gh);
    const grant = aGrant().for('mallory@example.com').ofRole('db-admin');
    const repo = TempRepo.fromFiles([...baseFiles().specs(), grant.build()]);
    // 3,000 grant deletions (no approval needed) push the new grant out of GitHub's listing.
    const padding = Array.from({ length: 3000 }, (_, i) => ({ path: `grants/app-readonly/old-${String(i).padStart(4, '0')}.yaml`, status: 'removed' as const }));

    const run = await gate(gh, repo, [...padding, { path: grant.path, status: 'added' }]);

    expect(run.stderr).toContain('gitgrant: gate: FAILED: the PR changes 3001 files but GitHub listed only 3000; gitgrant judges every file or none');
    expect(run.code).toBe(1);
  });
});

describe('a symbolic link in the base commit\'s rules (gate --base-ref)', () => {
  it('is refused by its git mode, not read through', async () => {
    const gh = double();
    teams(gh);
    const repo = gitRepo(baseFiles().without('roles/db-admin.yaml').specs());
    symlinkSync('app-readonly.yaml', join(repo.root, 'roles/db-admin.yaml'));
    repo.commitAll('db-admin is app-readonly, by a link');
    // The PR's checkout has a regular file there; the rules still come from main.
    repo.remove('roles/db-admin.yaml').write(dbAdmin().build());
    const grant = aGrant().for('mallory@example.com').ofRole('app-readonly');
    repo.write(grant.build());

    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'mallory', files: [{ path: grant.path, status: 'added' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    const run = await gitgrant(gh, repo, ['gate', '--pr', String(pull), '--base-ref', 'main', '--now', NOW]);

    expect(run.stdout).toContain('roles/db-admin.yaml:1:1: error FILE_NOT_REGULAR: symbolic link where only regular files are allowed');
    expect(run.code).toBe(1);
  });
});

describe('finding 9: files outside grants/ are the policy owners\' to approve', () => {
  it.each(['.npmrc', 'hr/people.json', '.gitattributes', 'docs/security.md', 'README.md', 'grants/README.md', 'vitest.config.ts'])(
    'a PR changing %s needs a policy owner',
    async (path) => {
      const gh = double();
      teams(gh);
      const repo = TempRepo.fromFiles(baseFiles().specs());

      const unreviewed = await gate(gh, repo, [{ path, status: 'modified' }]);
      expect(unreviewed.stdout).toContain(`policy files: ${path}: approvals missing`);
      expect(unreviewed.code).toBe(1);

      const approved = await gate(gh, repo, [{ path, status: 'modified' }], ['sam']);
      expect(approved.code).toBe(0);
    },
  );

  it('a deleted grant needs no approval; a grant renamed into another role needs that role\'s owners', async () => {
    const gh = double();
    teams(gh);
    // A grantee with a mapped login (olga), so the verdict is about the role's owners (gate-trust covers unmapped ones).
    const moved = aGrant().for('olga@example.com').ofRole('db-admin').named('mallory');
    const repo = TempRepo.fromFiles([...baseFiles().specs(), moved.build()]);

    const deleted = await gate(gh, repo, [{ path: 'grants/app-readonly/gone.yaml', status: 'removed' }]);
    expect(deleted.stdout).toContain('grants/app-readonly/gone.yaml (deleted): no approval needed');
    expect(deleted.code).toBe(0);

    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'olga', files: [{ path: moved.path, status: 'renamed', previousPath: 'grants/app-readonly/mallory.yaml' }] });
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    const renamed = await gitgrant(gh, repo, ['gate', '--pr', String(pull), '--now', NOW]);
    expect(renamed.stdout).toContain(`${moved.path} (added): approvals missing`);
    expect(renamed.stdout).toContain('grants/app-readonly/mallory.yaml (deleted): no approval needed');
    expect(renamed.code).toBe(1);
  });
});
