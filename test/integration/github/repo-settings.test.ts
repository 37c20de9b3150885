/**
 * `scripts/setup-github-ruleset.mjs` against the GitHub double: the request that turns off "Allow
 * GitHub Actions to create and approve pull requests" is one GitHub accepts (the double checks it
 * against the OpenAPI description), and --verify reads the setting back and fails while it is on.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';

const REPO = 'acme/access';
const script = join(import.meta.dirname, '../../../scripts/setup-github-ruleset.mjs');
const setup = (await import(pathToFileURL(script).href)) as {
  workflowPermissions(): Record<string, unknown>;
  verifyRepoSettings(input: { repo: string; apiUrl: string; token: string }): Promise<string[]>;
};

let github: GitHubDouble;
beforeAll(async () => void (github = await startGitHubDouble()));
afterAll(async () => github.close());
afterEach(() => expect(github.takeViolations()).toEqual([]));

/** What `gh api --method PUT repos/REPO/actions/permissions/workflow --input FILE` sends. */
const putWorkflowPermissions = (repo: string) =>
  fetch(`${github.url}/repos/${repo}/actions/permissions/workflow`, {
    method: 'PUT',
    headers: { authorization: 'token admin-token', 'content-type': 'application/json' },
    body: JSON.stringify(setup.workflowPermissions()),
  });

async function verify(repo: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env['PATH'] ?? '', GITHUB_API_URL: github.url, GH_TOKEN: 'admin-token' };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, '--repo', repo, '--app-id', '4242', '--verify'], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('setup-github-ruleset: GitHub Actions may not approve pull requests', () => {
  // Attack: with the setting on, a workflow a writer pushes to any branch can approve a pull
  // request with its GITHUB_TOKEN (pull-requests: write), as github-actions[bot].
  it('--verify exits 1 and names the setting while it is on, then 0 once the setup request has turned it off', async () => {
    github.setActionsWorkflow(REPO, { defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: true });

    const before = await verify(REPO);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`setup-github-ruleset: "Allow GitHub Actions to create and approve pull requests" is on in ${REPO}`);
    expect(before.stdout).toContain(`the default GITHUB_TOKEN permissions of ${REPO} are "write", not "read"`);
    expect(before.stdout + before.stderr).not.toContain('admin-token');

    expect((await putWorkflowPermissions(REPO)).status).toBe(204);
    expect(github.actionsWorkflow(REPO)).toEqual({ defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false });

    const after = await verify(REPO);
    expect(after).toMatchObject({ code: 0, stdout: `setup-github-ruleset: ${REPO}: GitHub Actions may not approve pull requests; GITHUB_TOKEN is read-only by default\n` });
  });

  it('reports the approval setting alone when the default token is already read-only', async () => {
    github.setActionsWorkflow('acme/other', { defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: true });
    const problems = await setup.verifyRepoSettings({ repo: 'acme/other', apiUrl: github.url, token: 'admin-token' });
    expect(problems).toEqual([expect.stringContaining('"Allow GitHub Actions to create and approve pull requests" is on in acme/other')]);
  });

  it('fails closed when the setting cannot be read', async () => {
    const closed = await startGitHubDouble();
    const apiUrl = closed.url;
    await closed.close();
    const problems = await setup.verifyRepoSettings({ repo: REPO, apiUrl, token: 'admin-token' });
    expect(problems).toEqual([expect.stringMatching(/^cannot read the Actions settings of acme\/access \(.+\); check GITHUB_API_URL and the network, then run again$/)]);
  });

  it('gets 409 where the organisation decides the setting, as GitHub answers, and changes nothing', async () => {
    github.setActionsWorkflow('acme/locked', { canApprovePullRequestReviews: true, lockedByOrganization: true });
    expect((await putWorkflowPermissions('acme/locked')).status).toBe(409);
    expect(github.actionsWorkflow('acme/locked').canApprovePullRequestReviews).toBe(true);
  });
});
