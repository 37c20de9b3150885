/** `gitgrant comment --pr N`: the one gitgrant comment on the PR, created or edited in place. */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { renderPrComment } from '../../github/pr-comment.js';
import { octokitCommentPoster } from '../../github/comments.js';
import { renderPlanMarkdown } from '../../plan/render.js';
import { buildPlan, offlinePlanOf } from '../planning.js';
import { EXIT, type CliIo } from '../io.js';
import { judgePr, reportingGitHubErrors, type PrOptions } from './gate.js';

export function commentCommand(io: CliIo, options: PrOptions): Promise<number> {
  return reportingGitHubErrors(() => comment(io, options));
}

async function comment(io: CliIo, options: PrOptions): Promise<number> {
  const gated = await judgePr(io, options);
  if (!gated) {
    io.stdout(`gitgrant comment: no open pull request has head ${options.headSha}; nothing to comment on\n`);
    return EXIT.ok;
  }
  const { run, root, now, octokit, github } = gated;
  let planMarkdown: string | undefined;
  if (options.headSha === undefined) {
    const planned = await buildPlan(io, root, now, { offline: true, concurrency: 1 });
    planMarkdown = hasErrors(planned.findings) ? undefined : renderPlanMarkdown(planned.plan);
  } else if (!hasErrors(run.findings)) {
    // The PR read from git objects: plan what the judged repo asks for, offline, as buildPlan does.
    planMarkdown = renderPlanMarkdown(offlinePlanOf(gated.judged.repo, now));
  }
  const body = renderPrComment({ grants: run.changedGrants, findings: run.findings, gate: run.result, ...(planMarkdown ? { planMarkdown } : {}) });
  const posted = await octokitCommentPoster(octokit, github).upsert(run.pr.number, body);
  io.stdout(`gitgrant comment: PR #${run.pr.number}: comment ${posted.id} ${posted.action}\n`);
  return EXIT.ok;
}
