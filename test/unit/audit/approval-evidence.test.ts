import { describe, expect, it } from 'vitest';
import { formatApprovalNote, type ApprovalRecord } from '../../../src/core/audit/approval-note.js';
import { approvalEvidence, approvalRecordPath, formatRecordCommitMessage, parseRecordCommitMessage } from '../../../src/core/audit/approval-evidence.js';
import { reconstruct } from '../../../src/core/audit/lifecycle.js';
import { formatCommitMessage } from '../../../src/core/audit/trailers.js';
import { DEFAULT_AUTOMATION } from '../../../src/core/model/policy-sections.js';
import { instant } from '../../support/builders/model.js';
import { AUTOMATION, HistoryBuilder } from '../../support/builders/history.js';

const sha = (n: number) => `${String(n).padStart(4, '0')}${'c'.repeat(36)}`;
const CAROL: ApprovalRecord = { pr: 1, author: '@alice', approvers: [{ login: '@carol', at: instant('2026-11-01T09:50:00Z') }], mergedBy: '@carol' };
const BOB: ApprovalRecord = { ...CAROL, approvers: [{ login: '@bob' }] };
const grantAt = (h: HistoryBuilder, n: number) => [{ status: 'A' as const, path: `grants/app-readonly/alice-${n}.yaml`, newBlob: h.grant(`b${n}`, { expires: '2026-11-09T12:00:00Z' }) }];
const recordFile = (landed: string) => [{ status: 'A' as const, path: approvalRecordPath(landed, instant('2026-11-01T10:00:00Z')), newBlob: 'r' }];

describe('the approval record on main', () => {
  it('reads back what it wrote, and names the landed commit in full', () => {
    const message = formatRecordCommitMessage(sha(0), CAROL);
    expect(message.split('\n').slice(0, 4)).toEqual([`Record approvals of PR #1 that landed ${sha(0).slice(0, 12)}`, '', 'Gitgrant-Record: approval', `Landed-Commit: ${sha(0)}`]);
    expect(parseRecordCommitMessage(message)).toEqual({ landed: sha(0), record: CAROL });
    expect(approvalRecordPath(sha(0), instant('2026-11-01T10:00:00Z'))).toBe(`approvals/2026-11/${sha(0)}.txt`);
  });

  it('is no record without a full landed commit, or in a paragraph other than the last', () => {
    expect(parseRecordCommitMessage(formatRecordCommitMessage(sha(0), CAROL).replace(sha(0), 'abc123'))).toBeUndefined();
    expect(parseRecordCommitMessage(`${formatRecordCommitMessage(sha(0), CAROL)}\nSigned-off-by: x\n\nlater paragraph`)).toBeUndefined();
  });

  it('counts only when the automation committed it; the latest record of a commit wins', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', grantAt(h, 0), { notes: formatApprovalNote(CAROL) })
      .commit('2026-11-01T10:01:00Z', formatRecordCommitMessage(sha(0), BOB), recordFile(sha(0)), { committer: AUTOMATION })
      .commit('2026-11-01T10:02:00Z', formatRecordCommitMessage(sha(0), CAROL), recordFile(sha(0)), { committer: AUTOMATION })
      .commit('2026-11-01T11:00:00Z', formatRecordCommitMessage(sha(0), BOB), recordFile(sha(0)));
    const evidence = approvalEvidence(h.build().commits, DEFAULT_AUTOMATION);
    expect(evidence.of(h.build().commits[0]!)).toEqual({ source: 'record', record: CAROL });
    expect(evidence.tampered).toEqual([expect.objectContaining({ kind: 'forged-record', commit: sha(3), claimed: ['@bob'] })]);
  });

  it('does not take the record from the automation\'s lifecycle commits, whose trailers are another record', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', formatCommitMessage('Expire 1 grant', { action: 'expire', grants: [{ grant: 'grants/x/y.yaml', role: 'x', grantee: 'a@example.com', reason: `Gitgrant-Record: approval Landed-Commit: ${sha(0)}` }] }), [], { committer: AUTOMATION });
    expect(approvalEvidence(h.build().commits, DEFAULT_AUTOMATION).tampered).toEqual([]);
    expect(parseRecordCommitMessage(h.build().commits[0]!.message)).toBeUndefined();
  });

  it('takes the pull request number from the record, not from a note, for a rebase merge without one in its subject', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request alice', grantAt(h, 0), { notes: formatApprovalNote({ ...CAROL, pr: 99 }) })
      .commit('2026-11-01T10:01:00Z', formatRecordCommitMessage(sha(0), CAROL), recordFile(sha(0)), { committer: AUTOMATION });
    const history = reconstruct(h.build());
    expect(history.grants[0]!.requested.pr).toBe(1);
    expect(history.grants[0]!.approval).toMatchObject({ source: 'record', approvers: [{ login: '@carol' }] });
    expect(history.tamperedApprovals).toEqual([expect.objectContaining({ kind: 'differs', commit: sha(0), pr: 1 })]);
  });

  it('never asks GitHub about the PR a note names once main has records, when the note has none', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', grantAt(h, 0))
      .commit('2026-11-01T10:01:00Z', formatRecordCommitMessage(sha(0), CAROL), recordFile(sha(0)), { committer: AUTOMATION })
      .commit('2026-11-01T11:00:00Z', 'Request alice', grantAt(h, 2), { notes: formatApprovalNote({ ...CAROL, pr: 1 }) });
    const history = reconstruct(h.build(), new Map([[1, CAROL]]));
    expect(history.grants[1]!.requested.pr).toBeUndefined();
    expect(history.grants[1]!.approval.source).toBe('unrecorded');
    expect(history.tamperedApprovals).toEqual([expect.objectContaining({ kind: 'no-record', commit: sha(2) })]);
  });

  it('shows an older note unverified, and does not let the PR it names pull in that PR\'s reviews from GitHub', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request alice', grantAt(h, 0), { notes: formatApprovalNote({ ...BOB, pr: 7 }) });
    const history = reconstruct(h.build(), new Map([[7, CAROL]]));
    expect(history.grants[0]!.requested.pr).toBe(7);
    expect(history.grants[0]!.approval).toMatchObject({ source: 'note', approvers: [{ login: '@bob' }] });
    expect(history.tamperedApprovals).toEqual([]);
  });
});
