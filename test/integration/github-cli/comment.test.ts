import { describe, expect, it } from 'vitest';
import { aGrant, aRepo } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { PR_COMMENT_MARKER } from '../../../src/core/gate/markers.js';
import { GITHUB_REPO, NOW, gitgrant, useGitHubDouble } from './harness.js';
import { TEAMS, accessPolicy, appReadonly } from './org.js';

const double = useGitHubDouble();

const HOSTILE_REASON = 'Debug checkout @org/security <img src=x> | --- |';

describe('gitgrant comment', () => {
  it('writes one comment with the request, findings, approvals and offline plan, with the reason rendered inert', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly').because(HOSTILE_REASON).named('alice-debug');
    const repo = TempRepo.fromFiles(aRepo().with(accessPolicy(), appReadonly(), grant).specs());
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: grant.path }] });

    const run = await gitgrant(gh, repo, ['comment', '--pr', String(pull), '--now', NOW]);

    expect(run.code).toBe(0);
    const comments = gh.issue(GITHUB_REPO, pull).comments;
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.startsWith(`${PR_COMMENT_MARKER}\n### Requested access\n`)).toBe(true);
    expect(body.split("\n")).toContain(
      '| <code>grants/app&#45;readonly/alice&#45;debug&#46;yaml</code> | <code>alice&#64;example&#46;com</code> | ' +
        'Debug checkout &#64;org/security &#60;img src&#61;x&#62; &#124; &#45;&#45;&#45; &#124; | — | on merge | <code>2026&#45;11&#45;23T12&#58;00&#58;00Z</code> |',
    );
    // Inert: nothing of the reason can mention, open a tag or add a cell.
    expect(body).not.toContain('@org/security');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('| --- | |');
    expect(body).toContain('### Validation\n\n✅ No problems found.');
    expect(body).toContain('### ❌ Approvals incomplete');
    expect(body).toContain('### gitgrant plan (offline)');
    expect(body).toContain('<code>user&#58;alice&#64;example&#46;com</code>');
    expect(run.stdout).toBe(`gitgrant comment: PR #${pull}: comment ${comments[0]!.id} created\n`);
  });

  it('edits the same comment in place when the verdict changes', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: ['bob'] });
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly');
    const repo = TempRepo.fromFiles(aRepo().with(accessPolicy(), appReadonly(), grant).specs());
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: grant.path }] });

    await gitgrant(gh, repo, ['comment', '--pr', String(pull), '--now', NOW]);
    gh.seedReview({ repo: GITHUB_REPO, pull, login: 'bob', state: 'APPROVED' });
    const second = await gitgrant(gh, repo, ['comment', '--pr', String(pull), '--now', NOW]);
    const third = await gitgrant(gh, repo, ['comment', '--pr', String(pull), '--now', NOW]);

    const comments = gh.issue(GITHUB_REPO, pull).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('### ✅ Approvals complete');
    expect(second.stdout).toContain('updated');
    expect(third.stdout).toContain('unchanged');
  });

  it('lists validation findings and does not plan a repo that does not validate', async () => {
    const gh = double();
    gh.seedTeam(TEAMS.appOwners, { active: [] });
    const grant = aGrant().for('alice@example.com').ofRole('app-readonly').because('short');
    const repo = TempRepo.fromFiles(aRepo().with(accessPolicy(), appReadonly(), grant).specs());
    const pull = gh.seedPullRequest({ repo: GITHUB_REPO, author: 'alice', files: [{ path: grant.path }] });

    const run = await gitgrant(gh, repo, ['comment', '--pr', String(pull), '--now', NOW]);

    expect(run.code).toBe(0);
    const body = gh.issue(GITHUB_REPO, pull).comments[0]!.body;
    expect(body).toContain('❌ 1 error:');
    expect(body).toContain('GRANT&#95;REASON&#95;TOO&#95;SHORT');
    expect(body).toContain('Not planned: fix the validation errors first.');
  });
});
