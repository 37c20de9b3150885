/**
 * Attacks on the gate by people with write access to the access repo (issue 9, findings 3, 5, 10),
 * each run through `gitgrant gate` against the GitHub double: the grantee approving their own
 * grant under a login the identities do not know, an exempt person waiving approval for someone
 * else, and a grant for someone HR says has left (or does not know).
 */
import { describe, expect, it } from 'vitest';
import { aGrant, aRepo, type FileSpec } from '../../support/builders/model.js';
import type { GitHubDouble } from '../../support/github-double.js';
import { TempRepo } from '../../support/temp-repo.js';
import { GITHUB_REPO, NOW, gitgrant, gitRepo, useGitHubDouble, withBareOrigin } from './harness.js';
import { PEOPLE, TEAMS, accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();

interface Pr {
  author: string;
  grant: { path: string; build(): FileSpec };
  reviewers?: string[];
  files?: FileSpec[];
  extraArgs?: string[];
  env?: Record<string, string>;
}

/** The org's identities section, with more people mapped. */
const identities = (more: Record<string, string>) => ({ people: Object.fromEntries(Object.entries({ ...PEOPLE, ...more }).map(([email, github]) => [email, { github }])) });

/** Opens the PR on the double, seeds the app-owners team, and runs `gitgrant gate` on it. */
async function gate(gh: GitHubDouble, pr: Pr, repo = TempRepo.fromFiles(aRepo().with(accessPolicy(), appReadonly(), ...(pr.files ?? []), pr.grant).specs())) {
  gh.seedTeam(TEAMS.appOwners, { active: ['bob', 'carol', 'nina', 'olga'] });
  const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: pr.author, files: [{ path: pr.grant.path }] });
  for (const login of pr.reviewers ?? []) gh.seedReview({ repo: GITHUB_REPO, pull, login, state: 'APPROVED' });
  return gitgrant(gh, repo, ['gate', '--pr', String(pull), '--now', NOW, ...(pr.extraArgs ?? [])], pr.env);
}

describe('finding 3: the grantee never approves their own grant', () => {
  it('fails closed when the grantee has no GitHub login in the identities, naming the grantee and the fix', async () => {
    const gh = double();
    // nina is a new hire: HR and the org know her, identities.people does not map her login yet.
    const grant = aGrant().for('nina@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['nina'] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path} (added): grantee's GitHub login unknown`);
    expect(run.stdout).toContain("cannot tell nina@example.com's GitHub login, so their own approval cannot be told apart");
    expect(run.stdout).toContain('add `nina@example.com: { github: <login> }` under identities.people in policies/access.yaml');
    expect(run.stdout).toMatch(new RegExp(`${grant.path}:1:10: error GATE_GRANTEE_LOGIN_UNKNOWN: `));
  });

  it('still passes the same grant once the login is mapped and someone else approves', async () => {
    const gh = double();
    const grant = aGrant().for('olga@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] });
    expect(run.code, run.stdout).toBe(0);
  });

  it('refuses identities that give one GitHub login to two people (who would that approver be?)', async () => {
    const gh = double();
    const shared = accessPolicy().withSection('identities', identities({ 'nina@example.com': 'Olga' }));
    const grant = aGrant().for('nina@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] }, TempRepo.fromFiles(aRepo().with(shared, appReadonly(), grant).specs()));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error IDENTITY_LOGIN_SHARED: GitHub login `olga` is mapped to 2 people (nina@example.com, olga@example.com)');
  });
});

describe('finding 5: exempt and auto-approve lists waive approval only for the listed person themselves', () => {
  it('an exempt author cannot open a waived grant for someone else', async () => {
    const gh = double();
    const grant = aGrant().for('bob@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'alice', grant, files: [appReadonly().exempting('@alice').build()] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path} (added): approvals missing`);
    expect(run.stdout).toContain("not waived (exempt): @alice is on role app-readonly's exempt list, but the grant is for bob@example.com; the list waives approval only for the listed person's own access");
  });

  it('nobody can open a waived grant for an exempt grantee', async () => {
    const gh = double();
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, files: [appReadonly().exempting('alice@example.com').build()] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("not waived (exempt): alice@example.com is on role app-readonly's exempt list, but the request was opened by @carol (carol@example.com); the list waives approval only for the listed person's own access");
  });

  it('an auto-approve requester cannot open a waived grant for someone else', async () => {
    const gh = double();
    const grant = aGrant().for('bob@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, files: [appReadonly().autoApprovingRequests('@carol').build()] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("not waived (auto-approve-requester): @carol is on role app-readonly's auto-approve requesters, but the grant is for bob@example.com");
  });

  it('still waives an exempt person asking for their own access, and says so', async () => {
    const gh = double();
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'alice', grant, files: [appReadonly().exempting('alice@example.com').build()] });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("approval waived (exempt): alice@example.com is on role app-readonly's exempt list and asked for their own access");
  });
});

describe('finding 10: HR at request time', () => {
  const hrPolicy = (atRequest?: 'refuse' | 'warn') =>
    accessPolicy().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }], ...(atRequest ? { atRequest } : {}) });
  const hrFile = (people: Array<{ email: string; active: boolean; status?: string }>): FileSpec => ({ path: 'hr/people.json', text: JSON.stringify({ people }, null, 2) + '\n' });
  const staff = [
    { email: 'alice@example.com', active: true },
    { email: 'bob@example.com', active: true },
    { email: 'carol@example.com', active: true },
    { email: 'olga@example.com', active: false, status: 'terminated' },
  ];
  const files = (atRequest?: 'refuse' | 'warn') => aRepo().with(hrPolicy(atRequest), appReadonly(), hrFile(staff));

  it('refuses a fully approved grant for someone HR marks as terminated, at the grantee line', async () => {
    const gh = double();
    const grant = aGrant().for('olga@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] }, TempRepo.fromFiles(files().with(grant).specs()));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path}:1:10: error GRANT_GRANTEE_LEFT: olga@example.com is terminated in HR (hr/people.json); access cannot be requested for them`);
    expect(run.stdout).toContain('gate: FAILED: the approvals are complete, but the files do not validate (see above)');
  });

  it('refuses a grant for someone HR does not know', async () => {
    const gh = double();
    const grant = aGrant().for('mallory@example.com').ofRole('app-readonly');
    const withMallory = files().with(hrPolicy().withSection('identities', identities({ 'mallory@example.com': 'mallory' })));
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] }, TempRepo.fromFiles(withMallory.with(grant).specs()));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${grant.path}:1:10: error GRANT_GRANTEE_NOT_IN_HR: mallory@example.com is not in the HR data (hr/people.json)`);
  });

  it('only warns with hr.atRequest: warn', async () => {
    const gh = double();
    const grant = aGrant().for('olga@example.com').ofRole('app-readonly');
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] }, TempRepo.fromFiles(files('warn').with(grant).specs()));
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('warning GRANT_GRANTEE_LEFT: olga@example.com is terminated in HR');
  });

  it('reads the HR files from the base commit with --base-ref, so a PR cannot rehire the grantee', async () => {
    const gh = double();
    const repo = gitRepo(files().specs());
    const grant = aGrant().for('olga@example.com').ofRole('app-readonly');
    repo.write(grant.build(), hrFile(staff.map((p) => ({ email: p.email, active: true }))));
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'], extraArgs: ['--base-ref', 'main'] }, repo);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error GRANT_GRANTEE_LEFT: olga@example.com is terminated in HR (hr/people.json)');
  });

  it('says so when a SCIM source cannot be read here (no token), and judges by the sources it can read', async () => {
    const gh = double();
    const scim = accessPolicy().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }, { kind: 'scim', url: 'https://scim.invalid/scim/v2', tokenEnv: 'GITGRANT_SCIM_TOKEN' }] });
    const grant = aGrant().for('olga@example.com').ofRole('app-readonly');
    const repo = TempRepo.fromFiles(aRepo().with(scim, appReadonly(), hrFile(staff), grant).specs());
    const run = await gate(gh, { author: 'carol', grant, reviewers: ['bob'] }, repo);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error GRANT_GRANTEE_LEFT: olga@example.com is terminated in HR');
    expect(run.stdout).toContain('notice HR_SOURCE_NOT_READ: HR source scim:https://scim.invalid/scim/v2 was not read here ($GITGRANT_SCIM_TOKEN is not set)');
  });

  it('gitgrant request refuses to push a request for someone HR marks as terminated', async () => {
    const gh = double();
    const repo = gitRepo(files().specs());
    const origin = withBareOrigin(repo);
    const run = await gitgrant(gh, repo, ['request', '--role', 'app-readonly', '--reason', 'Investigate the slow checkout queries', '--grantee', 'olga@example.com', '--ticket', 'INC-7', '--now', NOW]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('grants/app-readonly/olga-inc-7.yaml:2:10: error GRANT_GRANTEE_LEFT: olga@example.com is terminated in HR (hr/people.json)');
    expect(run.stdout).toContain('gitgrant request: the grant would not pass validation; nothing pushed');
    expect(origin.git('branch', '--list').trim()).toBe('* main');
  });
});
