import { describe, expect, it } from 'vitest';
import { classifyChanges } from '../../../src/github/changed-files.js';
import { parseIssueRef } from '../../../src/github/issue-state.js';
import { fingerprintMarker, readFingerprint, withFingerprint } from '../../../src/github/markers.js';
import { parseTeam } from '../../../src/github/teams.js';

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
    });
  });

  it('sends a rename out of roles/ to the policy owners too', () => {
    expect(classifyChanges([{ path: 'docs/r.yaml', status: 'renamed', previousPath: 'roles/r.yaml' }]).policyFiles).toEqual(['roles/r.yaml']);
  });
});
