import { describe, expect, it } from 'vitest';
import { emailForLogin } from '../../../src/app/people.js';
import { parseRepoRef, repoRefFromRemoteUrl } from '../../../src/adapters/github/repo-ref.js';
import { requestBody, requestIssueOf } from '../../../src/adapters/github/request-pr.js';
import { judgedFiles } from '../../../src/adapters/github/rules-from-base.js';
import { DEFAULT_IDENTITIES } from '../../../src/core/model/policy-sections.js';

const people = (map: Record<string, string>) => ({ ...DEFAULT_IDENTITIES, people: Object.fromEntries(Object.entries(map).map(([email, github]) => [email, { github }])) });

describe('GitHub logins back to grantee emails', () => {
  it('finds the one person with the login, whatever its case or @', () => {
    expect(emailForLogin(people({ 'alice@example.com': 'Alice' }), '@alice')).toBe('alice@example.com');
  });

  it('gives nothing for an unknown login', () => {
    expect(emailForLogin(people({ 'alice@example.com': 'alice' }), 'mallory')).toBeUndefined();
  });

  it('gives nothing when two people claim the same login, rather than guessing', () => {
    expect(emailForLogin(people({ 'alice@example.com': 'alice', 'alice.old@example.com': 'alice' }), 'alice')).toBeUndefined();
  });
});

describe('which repository', () => {
  it('reads owner/repo from GITHUB_REPOSITORY', () => {
    expect(parseRepoRef('acme/access')).toEqual({ owner: 'acme', repo: 'access' });
    expect(parseRepoRef('not a repo')).toBeUndefined();
  });

  it.each([
    ['https://github.com/acme/access.git'],
    ['https://github.com/acme/access'],
    ['git@github.com:acme/access.git'],
    ['ssh://git@github.com/acme/access.git'],
  ])('reads it from the origin remote %s', (url) => {
    expect(repoRefFromRemoteUrl(url)).toEqual({ owner: 'acme', repo: 'access' });
  });

  it('gives nothing for a local path remote', () => {
    expect(repoRefFromRemoteUrl('/tmp/origin.git')).toBeUndefined();
  });
});

describe('the request PR body', () => {
  const summary = { path: 'grants/app/alice-inc-1.yaml', role: 'app', grantee: 'alice@example.com', reason: 'Fix it @org/security | x |', expires: Date.UTC(2026, 10, 23, 12) };

  it('names the issue it came from in a marker the gate can read back', () => {
    expect(requestIssueOf(requestBody({ ...summary, fromIssue: 42 }))).toBe(42);
    expect(requestIssueOf(requestBody(summary))).toBeUndefined();
  });

  it('escapes the reason so it cannot mention a team or add a table cell', () => {
    expect(requestBody(summary)).toContain('| Reason | Fix it &#64;org/security &#124; x &#124; |');
  });
});

describe('the files a PR is judged by', () => {
  const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });

  it('takes roles and policies from the base and grants from the PR', () => {
    const judged = judgedFiles(
      [file('roles/a.yaml', 'base role'), file('policies/p.yaml', 'base policy'), file('grants/a/old.yaml', 'base grant')],
      [file('roles/a.yaml', 'loosened role'), file('roles/new.yaml', 'new role'), file('grants/a/new.yaml', 'pr grant')],
    );
    expect(judged.map((f) => [f.path, new TextDecoder().decode(f.bytes)])).toEqual([
      ['grants/a/new.yaml', 'pr grant'],
      ['policies/p.yaml', 'base policy'],
      ['roles/a.yaml', 'base role'],
    ]);
  });
});
