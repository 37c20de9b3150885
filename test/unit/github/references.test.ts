import { describe, expect, it } from 'vitest';
import { classifyChanges } from '../../../src/core/gate/changed-files.js';
import { parseIssueRef } from '../../../src/adapters/github/repo-ref.js';
import { fingerprintMarker, readFingerprint, withFingerprint } from '../../../src/core/gate/markers.js';
import { parseTeam } from '../../../src/adapters/github/teams.js';

const home = { owner: 'acme', repo: 'access' };

describe('issue references used as tickets', () => {
  it('reads #N in the access repo and owner/repo#N elsewhere', () => {
    expect(parseIssueRef('#12', home)).toEqual({ owner: 'acme', repo: 'access', number: 12 });
    expect(parseIssueRef('acme/incidents#7', home)).toEqual({ owner: 'acme', repo: 'incidents', number: 7 });
  });

  it('does not mistake an external ticket key for an issue', () => {
    expect(parseIssueRef('INC-1234', home)).toBeUndefined();
    expect(parseIssueRef('#0', home)).toBeUndefined();
  });
});

describe('team principals', () => {
  it('splits @org/team and rejects a user', () => {
    expect(parseTeam('@acme/db-owners')).toEqual({ org: 'acme', slug: 'db-owners' });
    expect(parseTeam('@alice')).toBeUndefined();
  });
});

describe('hidden fingerprints', () => {
  it('round-trips through an issue body', () => {
    expect(readFingerprint(withFingerprint('hr:alice@example.com', 'text'))).toEqual({ text: 'text', fingerprint: 'hr:alice@example.com' });
  });

  it('refuses a fingerprint that could close the HTML comment', () => {
    expect(() => fingerprintMarker('x --> <b>')).toThrow(/Unsafe issue fingerprint/);
  });
});

describe('classifying changed files', () => {
  it('treats a rename of a grant as deleting the old path and adding the new one', () => {
    expect(classifyChanges([{ path: 'grants/b/x.yaml', status: 'renamed', previousPath: 'grants/a/x.yaml' }])).toEqual({
      grants: [{ grant: 'grants/b/x.yaml', change: 'added' }],
      deletedGrants: ['grants/a/x.yaml'],
      policyFiles: [],
      refused: [],
    });
  });

  it('sends a rename out of roles/ to the policy owners, both ends', () => {
    expect(classifyChanges([{ path: 'docs/r.yaml', status: 'renamed', previousPath: 'roles/r.yaml' }]).policyFiles).toEqual(['docs/r.yaml', 'roles/r.yaml']);
  });

  it('sends a grant renamed out of grants/ to the policy owners, and counts the old path as a revocation', () => {
    expect(classifyChanges([{ path: 'docs/x.yaml', status: 'renamed', previousPath: 'grants/a/x.yaml' }])).toEqual({
      grants: [],
      deletedGrants: ['grants/a/x.yaml'],
      policyFiles: ['docs/x.yaml'],
      refused: [],
    });
  });

  it('refuses a grant renamed to a name the loader cannot load', () => {
    expect(classifyChanges([{ path: 'grants/a/.yaml', status: 'renamed', previousPath: 'grants/a/x.yaml' }]).refused.map((r) => [r.path, r.code])).toEqual([
      ['grants/a/.yaml', 'FILE_NAME_INVALID'],
    ]);
  });
});
