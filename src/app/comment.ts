/**
 * The one gitgrant comment on a pull request: what is requested, the validation findings, the
 * gate's approval table and the offline plan, created or edited in place.
 */
import type { CommentPoster } from '../adapters/github/comments.js';
import { renderPrComment } from '../adapters/github/pr-comment.js';
import { renderPlanMarkdown } from '../core/plan/render.js';
import type { Plan } from '../core/plan/types.js';
import type { Judgement } from './gate.js';

/** The offline plan of what the PR asks for; undefined when the files it is planned from do not validate (a broken PR shows its errors, not a plan). */
export type OfflinePlanner = () => Promise<Plan | undefined>;

export interface PostedComment {
  pr: number;
  id: number;
  action: string;
}

export async function commentOnPullRequest(judgement: Judgement, planner: OfflinePlanner, comments: Pick<CommentPoster, 'upsert'>): Promise<PostedComment> {
  const { run } = judgement;
  const plan = await planner();
  const body = renderPrComment({ grants: run.changedGrants, findings: run.findings, gate: run.result, ...(plan ? { planMarkdown: renderPlanMarkdown(plan) } : {}) });
  const posted = await comments.upsert(run.pr.number, body);
  return { pr: run.pr.number, id: posted.id, action: posted.action };
}
