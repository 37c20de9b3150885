import { describe, expect, it } from 'vitest';
import { evaluateGate, type GateResult, type SubjectVerdict } from '../../../src/core/gate/gate.js';
import { aGrant, aPullRequest, added, by, OLD_HEAD } from '../../support/builders/gate.js';

const only = (result: GateResult): SubjectVerdict => {
  expect(result.subjects).toHaveLength(1);
  return result.subjects[0]!;
};
const counted = (verdict: SubjectVerdict) => verdict.levels.map((l) => l.approvers.map((a) => a.login));
const ignoredAs = (verdict: SubjectVerdict) => Object.fromEntries(verdict.ignored.map((i) => [i.login, i.reason]));

describe('the approval gate', () => {
  it('passes a grant approved on the head commit by an active member of the owning team', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves()).build(),
    );
    expect(result.passed).toBe(true);
    expect(only(result).status).toBe('approved');
    expect(counted(only(result))).toEqual([['bob']]);
  });

  it('does not count the PR author approving their own request', () => {
    const result = evaluateGate(
      aPullRequest().openedBy('alice').adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'alice').withReviews(by('alice').approves()).build(),
    );
    expect(result.passed).toBe(false);
    expect(ignoredAs(only(result))).toEqual({ alice: 'pr-author' });
  });

  it('does not count someone who wrote a commit of the PR, on a grant or on policy files', () => {
    const grant = evaluateGate(
      aPullRequest().openedBy('alice').withCommitsBy('Bob').adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves()).build(),
    );
    expect(grant.passed).toBe(false);
    expect(ignoredAs(only(grant))).toEqual({ bob: 'commit-author' });
    const policy = evaluateGate(
      aPullRequest().openedBy('alice').withCommitsBy('sam').changingFiles({ path: 'roles/db.yaml', status: 'modified' }).team('@acme/security', 'sam').withReviews(by('sam').approves()).build(),
    );
    expect(policy.passed).toBe(false);
  });

  it('does not count the grantee, even when someone else opened the PR', () => {
    const result = evaluateGate(
      aPullRequest()
        .openedBy('teammate')
        .adding(aGrant().needs(1, 'owners', '@acme/db').grantedTo('Alice'))
        .team('@acme/db', 'alice')
        .withReviews(by('alice').approves())
        .build(),
    );
    expect(only(result).status).toBe('missing');
    expect(ignoredAs(only(result))).toEqual({ alice: 'grantee' });
  });

  it('does not count bots, by account type or by a [bot] login', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant().needs(1, 'owners', '@acme/db', '@renovate[bot]'))
        .team('@acme/db', 'ci-helper')
        .withReviews(by('ci-helper').asBot().approves(), by('renovate[bot]').approves())
        .build(),
    );
    expect(result.passed).toBe(false);
    expect(ignoredAs(only(result))).toEqual({ 'ci-helper': 'bot', 'renovate[bot]': 'bot' });
  });

  it('treats an approval of an older head commit as stale', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves(OLD_HEAD)).build(),
    );
    expect(result.passed).toBe(false);
    expect(ignoredAs(only(result))).toEqual({ bob: 'stale' });
  });

  it('is blocked by outstanding changes requested by someone who could approve, despite other approvals', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant().needs(1, 'owners', '@acme/db'))
        .team('@acme/db', 'bob', 'carol')
        .withReviews(by('bob').approves(), by('carol').requestsChanges(OLD_HEAD))
        .build(),
    );
    expect(result.passed).toBe(false);
    expect(only(result).status).toBe('blocked');
    expect(only(result).blockedBy).toEqual([expect.objectContaining({ login: 'carol', levels: ['owners'] })]);
  });

  it('is not blocked by changes requested from someone who could not approve', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves(), by('mallory').requestsChanges()).build(),
    );
    expect(result.passed).toBe(true);
    expect(ignoredAs(only(result))).toEqual({ mallory: 'not-eligible' });
  });

  it('lets a later approval replace the same reviewer\'s request for changes, and a comment replace neither', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant().needs(1, 'owners', '@acme/db'))
        .team('@acme/db', 'bob', 'carol')
        .withReviews(by('bob').requestsChanges(), by('bob').approves(), by('bob').comments(), by('carol').requestsChanges(), by('carol').comments())
        .build(),
    );
    expect(only(result).blockedBy.map((b) => b.login)).toEqual(['carol']);
    expect(counted(only(result))).toEqual([['bob']]);
  });

  it('does not count a dismissed approval, and does not block on it either', () => {
    const approval = by('bob').approves();
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(approval).dismissedBy(approval, 'requester').build());
    expect(result.passed).toBe(false);
    expect(only(result).status).toBe('missing');
    expect(ignoredAs(only(result))).toEqual({ bob: 'dismissed' });
  });

  it('does not count an approver who is not in the team', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('eve').approves()).build(),
    );
    expect(result.passed).toBe(false);
    expect(ignoredAs(only(result))).toEqual({ eve: 'not-eligible' });
  });

  it('does not count a pending team member (absent from the active members it is given)', () => {
    // gatherGateInput lists only active members; a pending invitee never appears in the team.
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db').withReviews(by('pending-pat').approves()).build(),
    );
    expect(only(result).status).toBe('missing');
    expect(ignoredAs(only(result))).toEqual({ 'pending-pat': 'not-eligible' });
  });

  it('matches users case-insensitively and teams whatever their spelling', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant().needs(1, 'lead', '@Dana').needs(1, 'owners', '@ACME/DB'))
        .team('@acme/db', 'BOB')
        .withReviews(by('dana').approves(), by('Bob').approves())
        .build(),
    );
    expect(result.passed).toBe(true);
  });

  it('needs every level of a two-level role, each with its own count', () => {
    const grant = aGrant().needs(2, 'owners', '@acme/db').needs(1, 'security', '@acme/security');
    const twoOwnersOnly = evaluateGate(
      aPullRequest().adding(grant).team('@acme/db', 'bob', 'carol').team('@acme/security', 'sam').withReviews(by('bob').approves(), by('carol').approves()).build(),
    );
    expect(only(twoOwnersOnly).levels.map((l) => l.status)).toEqual(['satisfied', 'missing']);
    expect(twoOwnersOnly.passed).toBe(false);

    const all = evaluateGate(
      aPullRequest()
        .adding(grant)
        .team('@acme/db', 'bob', 'carol')
        .team('@acme/security', 'sam')
        .withReviews(by('bob').approves(), by('carol').approves(), by('sam').approves())
        .build(),
    );
    expect(all.passed).toBe(true);
  });

  it('needs all three levels of a three-level role', () => {
    const grant = aGrant().needs(1, 'owners', '@acme/db').needs(1, 'security', '@acme/security').needs(1, 'director', '@dir');
    const input = aPullRequest().adding(grant).team('@acme/db', 'bob').team('@acme/security', 'sam');
    const twoOfThree = evaluateGate(input.withReviews(by('bob').approves(), by('sam').approves()).build());
    expect(only(twoOfThree).levels.map((l) => l.status)).toEqual(['satisfied', 'satisfied', 'missing']);
    const three = evaluateGate(input.withReviews(by('dir').approves()).build());
    expect(three.passed).toBe(true);
  });

  it('counts a person in two levels\' teams once, for the level nobody else can fill', () => {
    // bob is in both teams, sam only in security. Seating level by level puts bob in security
    // first and leaves owners empty; the matching must move bob to owners and seat sam in security.
    const grant = aGrant().needs(1, 'security', '@acme/security').needs(1, 'owners', '@acme/db');
    const result = evaluateGate(
      aPullRequest()
        .adding(grant)
        .team('@acme/db', 'bob')
        .team('@acme/security', 'bob', 'sam')
        .withReviews(by('bob').approves(), by('sam').approves())
        .build(),
    );
    expect(result.passed).toBe(true);
    expect(counted(only(result))).toEqual([['sam'], ['bob']]);
  });

  it('does not let one person in two teams satisfy both levels alone', () => {
    const grant = aGrant().needs(1, 'owners', '@acme/db').needs(1, 'security', '@acme/security');
    const result = evaluateGate(
      aPullRequest().adding(grant).team('@acme/db', 'bob').team('@acme/security', 'bob').withReviews(by('bob').approves()).build(),
    );
    expect(result.passed).toBe(false);
    expect(only(result).levels.map((l) => l.status)).toEqual(['satisfied', 'missing']);
  });

  it('chooses the assignment that completes the most levels when filling them in order would not', () => {
    // owners needs 2 of {bob, carol}; security needs bob; vp needs carol. Filling owners first uses
    // both people and completes one level; seating bob in security and carol as vp completes two.
    const grant = aGrant().needs(2, 'owners', '@acme/db').needs(1, 'security', '@bob').escalation(1, 'vp', '@carol');
    const result = evaluateGate(
      aPullRequest().adding(grant).team('@acme/db', 'bob', 'carol').withReviews(by('bob').approves(), by('carol').approves()).build(),
    );
    expect(only(result).levels.map((l) => l.status)).toEqual(['missing', 'satisfied', 'satisfied']);
    expect(counted(only(result))).toEqual([[], ['bob'], ['carol']]);
  });

  it('lists approvals beyond what the levels need as not needed', () => {
    const result = evaluateGate(
      aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob', 'carol').withReviews(by('bob').approves(), by('carol').approves()).build(),
    );
    expect(result.passed).toBe(true);
    expect(counted(only(result))).toEqual([['bob']]);
    expect(ignoredAs(only(result))).toEqual({ carol: 'not-needed' });
  });

  it('requires the escalation level on top of the role\'s levels', () => {
    const grant = aGrant().needs(1, 'owners', '@acme/db').escalation(1, 'vp-approval', '@acme/vps');
    const result = evaluateGate(
      aPullRequest().adding(grant).team('@acme/db', 'bob').team('@acme/vps', 'victor').withReviews(by('bob').approves()).build(),
    );
    expect(result.passed).toBe(false);
    expect(only(result).levels).toEqual([
      expect.objectContaining({ name: 'owners', status: 'satisfied' }),
      expect.objectContaining({ name: 'vp-approval', kind: 'escalation', status: 'missing' }),
    ]);
  });

  it('passes a waived grant without reviews and shows the waiver', () => {
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db').waivedBecause('weekday window')).build());
    expect(result.passed).toBe(true);
    expect(only(result)).toMatchObject({ status: 'waived', waivedBy: { because: 'weekday window' }, levels: [{ status: 'waived' }] });
  });

  it('needs no approval for deleting a grant file', () => {
    const result = evaluateGate(aPullRequest().changingFiles({ path: 'grants/prod-db/alice.yaml', status: 'removed' }).build());
    expect(result).toMatchObject({ passed: true, subjects: [], deletedGrants: ['grants/prod-db/alice.yaml'] });
  });

  it('fails closed when a changed grant has no computed requirement', () => {
    const result = evaluateGate(aPullRequest().changingFiles(added('grants/prod-db/broken.yaml')).build());
    expect(result.passed).toBe(false);
    expect(only(result).status).toBe('unevaluated');
  });

  it.each(['roles/prod-db.yaml', 'policies/org.yaml', '.github/workflows/apply.yml', 'schemas/grant.json', 'src/cli/main.ts', 'scripts/bootstrap.mjs', 'package.json', 'package-lock.json'])(
    'needs a policy owner to approve a change to %s',
    (path) => {
      const withoutOwner = evaluateGate(aPullRequest().changingFiles({ path, status: 'modified' }).withReviews(by('bob').approves()).build());
      expect(withoutOwner.passed).toBe(false);
      expect(only(withoutOwner).subject).toEqual({ kind: 'policy-files', files: [path] });

      const withOwner = evaluateGate(
        aPullRequest().changingFiles({ path, status: 'modified' }).team('@acme/security', 'sam').withReviews(by('sam').approves()).build(),
      );
      expect(withOwner.passed).toBe(true);
    },
  );

  it('does not let a policy owner approve their own policy change', () => {
    const result = evaluateGate(
      aPullRequest().openedBy('sam').changingFiles({ path: 'policies/org.yaml', status: 'modified' }).team('@acme/security', 'sam').withReviews(by('sam').approves()).build(),
    );
    expect(result.passed).toBe(false);
  });

  it('needs a policy owner for a README change: everything outside grants/ is policy-owned', () => {
    expect(evaluateGate(aPullRequest().changingFiles({ path: 'README.md', status: 'modified' }).build())).toMatchObject({
      passed: false,
      subjects: [{ subject: { kind: 'policy-files', files: ['README.md'] }, status: 'missing' }],
    });
  });

  it('judges each grant of a multi-grant PR on its own levels', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant('grants/a/x.yaml').needs(1, 'owners', '@acme/a'), aGrant('grants/b/y.yaml').needs(1, 'owners', '@acme/b'))
        .team('@acme/a', 'bob')
        .withReviews(by('bob').approves())
        .build(),
    );
    expect(result.subjects.map((s) => [s.subject.kind === 'grant' && s.subject.grant, s.status])).toEqual([
      ['grants/a/x.yaml', 'approved'],
      ['grants/b/y.yaml', 'missing'],
    ]);
    expect(result.passed).toBe(false);
  });
});
