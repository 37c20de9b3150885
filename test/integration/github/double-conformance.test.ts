import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../../src/adapters/github/client.js';
import { gitHubOpenApi } from '../../support/github-double-openapi.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';

let gh: GitHubDouble;
let octokit: GitHubClient;

beforeAll(async () => {
  gh = await startGitHubDouble();
  gh.state.repo('acme/access');
  octokit = createGitHubClient({ token: 'test-token', baseUrl: gh.url, retryAfterUnitMs: 1, log: () => {} });
});
afterAll(() => gh.close());

describe('the GitHub double holds requests to GitHub\'s OpenAPI description', () => {
  it('rejects creating an issue without a title, and records the violation', async () => {
    // Octokit's types forbid this too; the cast stands in for a client whose types are wrong.
    const untitled = { owner: 'acme', repo: 'access', body: 'no title' } as unknown as { owner: string; repo: string; title: string };
    const error = await octokit.request('POST /repos/{owner}/{repo}/issues', untitled).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 422 });
    expect(gh.takeViolations()).toEqual([
      expect.objectContaining({ kind: 'invalid-request', operationId: 'issues/create', problems: [expect.stringContaining("required property 'title'")] }),
    ]);
    expect(gh.issues('acme/access')).toEqual([]);
  });

  it('rejects a mistyped query parameter and an unknown one', async () => {
    await expect(octokit.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'access', per_page: 'lots' as unknown as number })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'access', fingerprint: 'x' })).rejects.toMatchObject({ status: 422 });
    expect(gh.takeViolations().map((v) => v.problems.join('; '))).toEqual([
      expect.stringContaining('/per_page must be integer'),
      expect.stringContaining('"additionalProperty":"fingerprint"'),
    ]);
  });

  it('answers a route GitHub does not have with 404 and records it', async () => {
    await expect(octokit.request('GET /repos/{owner}/{repo}/grants', { owner: 'acme', repo: 'access' })).rejects.toMatchObject({ status: 404 });
    expect(gh.takeViolations()).toEqual([expect.objectContaining({ kind: 'unknown-route', path: '/repos/acme/access/grants' })]);
  });

  it('accepts a valid request and counts it by operationId', async () => {
    const before = gh.calls('issues/create');
    await octokit.rest.issues.create({ owner: 'acme', repo: 'access', title: 'ok' });
    expect(gh.calls('issues/create') - before).toBe(1);
    expect(gh.takeViolations()).toEqual([]);
  });

  it('flags a response that does not match the documented schema', () => {
    const api = gitHubOpenApi();
    expect(api.validateResponse('teams/get-membership-for-user-in-org', 200, { url: 'https://x.invalid/', role: 'member', state: 'invited' })).toEqual([
      expect.stringContaining('/state must be equal to one of the allowed values'),
    ]);
    expect(api.validateResponse('teams/get-membership-for-user-in-org', 418, {})).toEqual([expect.stringContaining('status 418 is not documented')]);
  });
});
