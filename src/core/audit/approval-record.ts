/**
 * What the approval note on a landed commit says, pure: the gate's verdict on the PR that landed it,
 * the PR's own facts and its reviews, turned into the `ApprovalRecord` that `gitgrant audit` reads
 * back from `refs/notes/gitgrant` when it has no token.
 */
import type { GateResult } from '../gate/gate.js';
import type { LandedPullRequest } from '../gate/github-types.js';
import type { Review } from '../gate/github-types.js';
import type { ApprovalRecord, Approver, CountedApproval } from './approval-note.js';
import { compareText } from '../text/compare-text.js';

const handle = (login: string) => `@${login.replace(/^@/, '')}`;

/**
 * Only approvals the gate counted are recorded (a stale or self-given approval never becomes
 * evidence), each person once, dated by the review that counted. Sorted, so the same facts always
 * give the same note and a re-run changes nothing.
 */
export function approvalRecordOf(gate: GateResult, pr: LandedPullRequest, reviews: readonly Review[]): ApprovalRecord {
  const submitted = new Map(reviews.map((r) => [r.id, r.submittedAt]));
  const approvers = new Map<string, Approver>();
  const counts: CountedApproval[] = [];
  for (const subject of gate.subjects) {
    const grant = subject.subject.kind === 'grant' ? subject.subject.grant : 'policy-files';
    for (const level of subject.levels) {
      for (const counted of level.approvers) {
        counts.push({ grant, level: level.name, login: handle(counted.login), via: [...counted.via].sort() });
        const at = submitted.get(counted.reviewId);
        const key = counted.login.toLowerCase();
        if (!approvers.has(key)) approvers.set(key, { login: handle(counted.login), ...(at === undefined ? {} : { at }) });
      }
    }
  }
  const waivers = [...new Set(gate.subjects.flatMap((s) => (s.status === 'waived' && s.waivedBy ? [s.waivedBy.because] : [])))].sort();
  return {
    pr: pr.number,
    ...(pr.openedAt === undefined ? {} : { openedAt: pr.openedAt }),
    author: handle(pr.author),
    approvers: [...approvers.values()].sort((a, b) => compareText(a.login, b.login)),
    ...(counts.length > 0 ? { counted: counts.sort((a, b) => compareText(`${a.grant} ${a.level} ${a.login}`, `${b.grant} ${b.level} ${b.login}`)) } : {}),
    ...(waivers.length > 0 ? { waiver: waivers.join('; ') } : {}),
    ...(pr.mergedBy === undefined ? {} : { mergedBy: handle(pr.mergedBy) }),
  };
}
