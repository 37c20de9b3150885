/**
 * The pure gate on dismissed reviews: anyone with write access can dismiss a review, so a dismissed
 * request for changes still blocks unless someone whose own approval would count in the reviewer's
 * place dismissed it; and a dismissed review nobody can explain blocks (fail closed).
 */
import { describe, expect, it } from 'vitest';
import { evaluateGate, type GateResult, type SubjectVerdict } from '../../../src/core/gate/gate.js';
import { renderGateMarkdown, renderGateText } from '../../../src/core/gate/gate-render.js';
import { aGrant, aPullRequest, by } from '../../support/builders/gate.js';

const only = (result: GateResult): SubjectVerdict => {
  expect(result.subjects).toHaveLength(1);
  return result.subjects[0]!;
};
const ignoredAs = (verdict: SubjectVerdict) => Object.fromEntries(verdict.ignored.map((i) => [i.login, i.reason]));

/** Alice asks for her own access (she is the grantee); bob approved; carol, an owner too, objected. */
function objected() {
  const objection = by('carol').requestsChanges();
  const pr = aPullRequest()
    .openedBy('alice')
    .adding(aGrant().needs(1, 'owners', '@acme/db').grantedTo('alice'))
    .team('@acme/db', 'bob', 'carol', 'dave')
    .team('@acme/security', 'sam')
    .withReviews(by('bob').approves(), objection);
  return { pr, objection };
}

describe('a dismissed request for changes', () => {
  it('still blocks when the PR author dismissed it, and says who and why', () => {
    const { pr, objection } = objected();
    const result = evaluateGate(pr.dismissedBy(objection, 'alice').build());
    expect(result.passed).toBe(false);
    expect(only(result).status).toBe('blocked');
    expect(only(result).blockedBy).toEqual([{ login: 'carol', reviewId: objection.id, levels: ['owners'], dismissed: { by: 'alice', because: 'pr-author' } }]);
    expect(renderGateText(result)).toContain('changes requested by carol, dismissed by alice, who cannot dismiss it: the PR author cannot approve their own PR');
  });

  it('still blocks when the grantee, a commit writer or a bot dismissed it', () => {
    const grantee = objected();
    grantee.pr.openedBy('teammate');
    expect(only(evaluateGate(grantee.pr.dismissedBy(grantee.objection, 'Alice').build())).blockedBy[0]!.dismissed).toEqual({ by: 'Alice', because: 'grantee' });

    const writer = objected();
    expect(only(evaluateGate(writer.pr.withCommitsBy('dave').dismissedBy(writer.objection, 'dave').build())).blockedBy[0]!.dismissed).toEqual({ by: 'dave', because: 'commit-author' });

    const bot = objected();
    expect(only(evaluateGate(bot.pr.dismissedBy(bot.objection, 'github-actions[bot]').build())).blockedBy[0]!.dismissed).toEqual({ by: 'github-actions[bot]', because: 'bot' });
  });

  it('still blocks when someone who could not approve the levels the reviewer could dismissed it', () => {
    const { pr, objection } = objected();
    const result = evaluateGate(pr.dismissedBy(objection, 'sam').build());
    expect(only(result).blockedBy[0]!.dismissed).toEqual({ by: 'sam', because: 'not-eligible' });
    expect(renderGateText(result)).toContain('dismissed by sam, who cannot dismiss it: only someone who could approve owners can');
  });

  it('with two levels, an owner cannot lift a security objection: only a peer of the objector can', () => {
    const objectedBySam = (dismisser: string) => {
      const objection = by('sam').requestsChanges();
      return aPullRequest()
        .adding(aGrant().needs(1, 'owners', '@acme/db').needs(1, 'security', '@acme/security'))
        .team('@acme/db', 'bob')
        .team('@acme/security', 'sam', 'sue')
        .withReviews(by('bob').approves(), by('sue').approves(), objection)
        .dismissedBy(objection, dismisser)
        .build();
    };
    const byOwner = evaluateGate(objectedBySam('bob'));
    expect(only(byOwner).blockedBy).toEqual([expect.objectContaining({ login: 'sam', levels: ['security'], dismissed: { by: 'bob', because: 'not-eligible' } })]);
    const byPeer = evaluateGate(objectedBySam('sue'));
    expect(byPeer.passed).toBe(true);
  });

  it('stops blocking when another owner, or the reviewer, dismissed it', () => {
    const peer = objected();
    const result = evaluateGate(peer.pr.dismissedBy(peer.objection, 'dave').build());
    expect(result.passed).toBe(true);
    expect(ignoredAs(only(result))).toEqual({ carol: 'dismissed' });

    const own = objected();
    expect(evaluateGate(own.pr.dismissedBy(own.objection, 'carol').build()).passed).toBe(true);
  });

  it('does not count the objection of someone who could not approve here, dismissed or not', () => {
    const objection = by('eve').requestsChanges();
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves(), objection).dismissedBy(objection, 'requester').build());
    expect(result.passed).toBe(true);
    expect(ignoredAs(only(result))).toEqual({ eve: 'dismissed' });
  });

  it('is not hidden by a later dismissed comment of the same reviewer', () => {
    const { pr } = objected();
    const comment = by('carol').comments();
    const result = evaluateGate(pr.withReviews(comment).dismissedBy(comment, 'alice').build());
    expect(only(result).blockedBy.map((b) => [b.login, b.dismissed])).toEqual([['carol', undefined]]);
  });

  it('on policy files: a commit writer cannot lift a policy owner\'s objection', () => {
    const objection = by('sam').requestsChanges();
    const result = evaluateGate(
      aPullRequest()
        .openedBy('alice')
        .withCommitsBy('sue')
        .changingFiles({ path: 'roles/db.yaml', status: 'modified' })
        .team('@acme/security', 'sam', 'sue', 'sid')
        .withReviews(by('sid').approves(), objection)
        .dismissedBy(objection, 'sue')
        .build(),
    );
    expect(result.passed).toBe(false);
    expect(only(result).blockedBy[0]!.dismissed).toEqual({ by: 'sue', because: 'commit-author' });
  });
});

describe('a dismissed review no event explains', () => {
  it('blocks when it is by someone who could approve: it may have been an objection the requester dismissed', () => {
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob', 'carol').withReviews(by('bob').approves(), by('carol').dismissed()).build());
    expect(result.passed).toBe(false);
    const blocker = only(result).blockedBy[0]!;
    expect(blocker.login).toBe('carol');
    expect(blocker.dismissed).toEqual({ unknown: { cause: expect.stringMatching(/^GitHub lists no review_dismissed event for review \d+/), hint: 're-run the gate; if it persists, carol approves the latest commit' } });
  });

  it('blocks with the cause when the events could not be read, and escapes it for Markdown', () => {
    const result = evaluateGate(
      aPullRequest()
        .adding(aGrant().needs(1, 'owners', '@acme/db'))
        .team('@acme/db', 'bob', 'carol')
        .withReviews(by('bob').approves(), by('carol').dismissed())
        .dismissalsUnreadBecause('GitHub answered 500 <img src=x> @acme/everyone', 'try later')
        .build(),
    );
    expect(only(result).blockedBy[0]!.dismissed).toEqual({ unknown: { cause: 'GitHub answered 500 <img src=x> @acme/everyone', hint: 'try later' } });
    const md = renderGateMarkdown(result);
    expect(md).toContain('review by carol, who could approve owners, was dismissed, and whether it requested changes and who dismissed it is unknown');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('@acme/everyone');
  });

  it('does not block when the reviewer could not approve here anyway', () => {
    const result = evaluateGate(aPullRequest().adding(aGrant().needs(1, 'owners', '@acme/db')).team('@acme/db', 'bob').withReviews(by('bob').approves(), by('eve').dismissed()).build());
    expect(result.passed).toBe(true);
  });
});
