import { describe, expect, it } from 'vitest';
import { resolveGitHubAuth } from '../../../src/adapters/github/client.js';

describe('finding a GitHub token', () => {
  it('prefers GITHUB_TOKEN and does not ask gh', async () => {
    let asked = false;
    const auth = await resolveGitHubAuth({ GITHUB_TOKEN: ' env-token ' }, async () => {
      asked = true;
      return 'gh-token';
    });
    expect(auth).toEqual({ token: 'env-token', source: 'GITHUB_TOKEN' });
    expect(asked).toBe(false);
  });

  it('falls back to gh auth token', async () => {
    expect(await resolveGitHubAuth({}, async () => 'gh-token')).toEqual({ token: 'gh-token', source: 'gh auth token' });
  });

  it('fails with a fix hint, and without any token text, when neither gives one', async () => {
    await expect(resolveGitHubAuth({ GITHUB_TOKEN: '' }, async () => undefined)).rejects.toThrow(/Fix: export GITHUB_TOKEN, or run `gh auth login`/);
  });
});
