import { describe, expect, it } from 'vitest';
import { formatApprovalNote, parseApprovalNote } from '../../../src/core/audit/approval-note.js';
import type { History } from '../../../src/core/audit/history-types.js';
import { pullRequestOf, reconstruct } from '../../../src/core/audit/lifecycle.js';
import { formatCommitMessage } from '../../../src/core/audit/trailers.js';
import { instant } from '../../support/builders/model.js';
import { AUTOMATION, HistoryBuilder } from '../../support/builders/history.js';

const PATH = 'grants/app-readonly/alice.yaml';
const summary = (history: History) => reconstruct(history).grants.map((g) => [g.path, g.changes.map((c) => c.kind), g.ended?.kind ?? 'active']);

describe('reconstructing lifecycles', () => {
  it('treats a file re-added at the same path after its deletion as a new request', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: PATH, newBlob: h.grant('b1', { expires: '2026-11-01T12:00:00Z' }) }])
      .commit('2026-11-01T13:00:00Z', 'Clean up (#2)', [{ status: 'D', path: PATH, oldBlob: 'b1' }])
      .commit('2026-11-02T10:00:00Z', 'Request again (#3)', [{ status: 'A', path: PATH, newBlob: h.grant('b2', { expires: '2026-11-02T12:00:00Z' }) }]);
    const grants = reconstruct(h.build()).grants;
    expect(grants.map((g) => [g.requested.pr, g.ended?.kind ?? 'active', g.ended?.early])).toEqual([[1, 'expired', false], [3, 'active', undefined]]);
    expect(new Set(grants.map((g) => g.id)).size).toBe(2);
  });

  it('calls a standing grant\'s later expiry from the HR job a renewal, and a person\'s a shortening when earlier', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Standing access', [{ status: 'A', path: PATH, newBlob: h.grant('s1', { expires: '2026-12-01T00:00:00Z', standing: true }) }])
      .commit('2026-11-20T10:00:00Z', formatCommitMessage('Renew standing access', { action: 'standing', grants: [{ grant: PATH, role: 'app-readonly', grantee: 'alice@example.com' }] }),
        [{ status: 'M', path: PATH, oldBlob: 's1', newBlob: h.grant('s2', { expires: '2027-01-01T00:00:00Z', standing: true }) }])
      .commit('2026-11-21T10:00:00Z', 'Shorten (#4)', [{ status: 'M', path: PATH, oldBlob: 's2', newBlob: h.grant('s3', { expires: '2026-12-15T00:00:00Z', standing: true }) }]);
    expect(summary(h.build())).toEqual([[PATH, ['renewed', 'shortened'], 'active']]);
  });

  it('ends a grant moved out of grants/, since the cloud no longer grants it', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: PATH, newBlob: h.grant('b1', { expires: '2026-11-05T00:00:00Z' }) }])
      .commit('2026-11-02T10:00:00Z', 'Park it (#2)', [{ status: 'R', oldPath: PATH, path: 'archive/alice.yaml', oldBlob: 'b1', newBlob: 'b1' }]);
    expect(summary(h.build())).toEqual([[PATH, [], 'revoked']]);
  });

  it('takes the removal time from the sweep\'s Revoked-At rather than from its commit', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: PATH, newBlob: h.grant('b1', { expires: '2026-11-01T12:00:00Z' }) }])
      .commit('2026-11-01T12:30:00Z', formatCommitMessage('Expire 1 grant', { action: 'expire', grants: [{ grant: PATH, role: 'app-readonly', grantee: 'alice@example.com', expiredAt: instant('2026-11-01T12:00:00Z'), revokedAt: instant('2026-11-01T12:04:00Z') }] }),
        [{ status: 'D', path: PATH, oldBlob: 'b1' }], { author: 'gitgrant[bot]', committer: AUTOMATION });
    const [grant] = reconstruct(h.build()).grants;
    expect([grant!.ended!.kind, new Date(grant!.ended!.removedAt).toISOString(), grant!.ended!.commit.bot]).toEqual(['expired', '2026-11-01T12:04:00.000Z', true]);
  });

  it('prefers approvals GitHub reported over the note, and uses the note when GitHub was not asked', () => {
    const note = formatApprovalNote({ pr: 1, approvers: [{ login: '@bob', at: instant('2026-11-01T09:55:00Z') }] });
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: PATH, newBlob: h.grant('b1', { expires: '2026-11-01T12:00:00Z' }) }], { notes: note });
    expect(reconstruct(h.build()).grants[0]!.approval).toMatchObject({ source: 'note', approvers: [{ login: '@bob' }] });
    const landed = h.build().commits[0]!.sha;
    const known = new Map([[1, { approvers: [{ login: '@carol' }], landed }]]);
    expect(reconstruct(h.build(), known).grants[0]!.approval).toMatchObject({ source: 'github', approvers: [{ login: '@carol' }] });
    // GitHub says PR #1 landed as another commit: this commit's subject named it, GitHub's answer is not this commit's.
    const elsewhere = new Map([[1, { approvers: [{ login: '@carol' }], landed: 'f'.repeat(40) }]]);
    expect(reconstruct(h.build(), elsewhere).grants[0]!.approval).toMatchObject({ source: 'note', approvers: [{ login: '@bob' }] });
  });
});

describe('whose lifecycle trailers count', () => {
  const revokeEarly = formatCommitMessage('Revoke 1 grant', { action: 'revoke', grants: [{ grant: PATH, role: 'app-readonly', grantee: 'alice@example.com', revokedAt: instant('2026-11-01T10:30:00Z') }] });
  const history = (committer: { name: string; email: string }) => {
    const h = new HistoryBuilder();
    return h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: PATH, newBlob: h.grant('b1', { expires: '2026-11-01T18:00:00Z' }) }])
      .commit('2026-11-01T15:00:00Z', revokeEarly, [{ status: 'D', path: PATH, oldBlob: 'b1' }], { committer }).build();
  };
  const ending = (h: History, automation?: Parameters<typeof reconstruct>[2]) => {
    const result = reconstruct(h, new Map(), automation);
    const ended = result.grants[0]!.ended!;
    return { at: new Date(ended.removedAt).toISOString(), bot: ended.commit.bot, forged: result.forgedTrailers.map((f) => f.why) };
  };

  it('counts the trailers of the automation\'s own commit', () => {
    expect(ending(history(AUTOMATION))).toEqual({ at: '2026-11-01T10:30:00.000Z', bot: true, forged: [] });
  });

  it('dates a person\'s commit carrying them by the commit, and reports it', () => {
    expect(ending(history({ name: 'Alice', email: 'alice@example.com' }))).toEqual({
      at: '2026-11-01T15:00:00.000Z', bot: false, forged: ['committed by Alice <alice@example.com>, not by the automation (gitgrant[bot])'],
    });
  });

  it('does not take the automation\'s name alone: the email must be its bot user\'s', () => {
    expect(ending(history({ name: 'gitgrant[bot]', email: 'alice@example.com' })).bot).toBe(false);
  });

  it('holds to the exact identity the policy names', () => {
    const pinned = { name: 'acme-gitgrant[bot]', email: '777+acme-gitgrant[bot]@users.noreply.github.com' };
    expect(ending(history({ name: 'acme-gitgrant[bot]', email: '777+acme-gitgrant[bot]@users.noreply.github.com' }), pinned).bot).toBe(true);
    expect(ending(history({ name: 'acme-gitgrant[bot]', email: '778+acme-gitgrant[bot]@users.noreply.github.com' }), pinned)).toMatchObject({
      bot: false, forged: ['committed by acme-gitgrant[bot] <778+acme-gitgrant[bot]@users.noreply.github.com>, not by the automation (acme-gitgrant[bot] <777+acme-gitgrant[bot]@users.noreply.github.com>)'],
    });
    expect(ending(history(AUTOMATION), pinned).bot).toBe(false);
  });
});

describe('the review a break-glass use is bound to', () => {
  const BG = 'grants/prod-admin/olga-inc-1.yaml';
  const breakGlassCommit = (review: string) => `${formatCommitMessage('Break glass: olga takes prod-admin for INC-1', {
    action: 'break-glass', grants: [{ grant: BG, role: 'prod-admin', grantee: 'olga@example.com', incident: 'INC-1', requestedBy: 'olga' }],
  }).trimEnd()}\nBreak-Glass-Review: ${review}\n`;
  const bound = (message: string, committer: { name: string; email: string }) => {
    const h = new HistoryBuilder();
    const history = h.commit('2026-11-01T10:00:00Z', message, [{ status: 'A', path: BG, newBlob: h.grant('g1', { expires: '2026-11-01T11:00:00Z' }) }], { committer }).build();
    return reconstruct(history).grants[0]!.breakGlassReview;
  };

  it('writes and reads the issue number as a trailer of the grant\'s block', () => {
    const message = formatCommitMessage('Break glass', { action: 'break-glass', grants: [{ grant: BG, role: 'prod-admin', grantee: 'olga@example.com', review: 42 }] });
    expect(message).toContain('\nGrant: grants/prod-admin/olga-inc-1.yaml\nRole: prod-admin\nGrantee: olga@example.com\nBreak-Glass-Review: #42\n');
    expect(bound(message, AUTOMATION)).toBe(42);
  });

  it('takes it only from the automation\'s own commit', () => {
    expect(bound(breakGlassCommit('#7'), { name: 'Olga', email: 'olga@example.com' })).toBeUndefined();
  });

  it('ignores a value that is not one issue number', () => {
    for (const value of ['7', '#7 and #8', '#0', '#-1', '#']) expect(bound(breakGlassCommit(value), AUTOMATION)).toBeUndefined();
  });
});

describe('pull request numbers', () => {
  it.each([
    ['Merge pull request #123 from alice/readonly', 123],
    ['Request read-only access (#45)', 45],
    ['Request read-only access (#45) ', 45],
    ['Fix #45 in the reason', undefined],
    ['Request read-only access', undefined],
  ])('reads %j as %j', (subject, pr) => {
    expect(pullRequestOf(subject)).toBe(pr);
  });
});

describe('the approval note', () => {
  it('reads back what the apply step writes', () => {
    const record = { pr: 7, openedAt: instant('2026-11-01T09:00:00Z'), author: '@alice', approvers: [{ login: '@bob', at: instant('2026-11-01T09:30:00Z') }, { login: '@carol' }], waiver: 'exempt list', mergedBy: '@bob' };
    expect(parseApprovalNote(formatApprovalNote(record))).toEqual(record);
  });

  it('ignores notes that are not gitgrant approval records', () => {
    expect(parseApprovalNote('Reviewed-by: someone\nPull-Request: 3')).toBeUndefined();
    expect(parseApprovalNote(undefined)).toBeUndefined();
  });

  it('folds a multi-line value to one line so it cannot forge another field', () => {
    const note = formatApprovalNote({ approvers: [], waiver: 'window\nApproved-By: @mallory' });
    expect(parseApprovalNote(note)!.approvers).toEqual([]);
  });
});
