/** `gitgrant comment --pr N`: the one gitgrant comment on the PR, created or edited in place. */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { renderPrComment } from '../../github/commands/pr-comment.js';
import { octokitCommentPoster } from '../../github/comments.js';
import { renderPlanMarkdown } from '../../plan/render.js';
import { buildPlan } from '../planning.js';
import { EXIT, type CliIo } from '../io.js';
import { gatePr, reportingGitHubErrors, type PrOptions } from './gate.js';

export function commentCommand(io: CliIo, options: PrOptions): Promise<number> {
  return reportingGitHubErrors(() => comment(io, options));
}

async function comment(io: CliIo, options: PrOptions): Promise<number> {
  const { run, root, now, octokit, github } = await gatePr(io, options);
  const planned = await buildPlan(io, root, now, { offline: true, concurrency: 1 });
  const planMarkdown = hasErrors(planned.findings) ? undefined : renderPlanMarkdown(planned.plan);
  const body = renderPrComment({ grants: run.changedGrants, findings: run.findings, gate: run.result, ...(planMarkdown ? { planMarkdown } : {}) });
  const posted = await octokitCommentPoster(octokit, github).upsert(run.pr.number, body);
  io.stdout(`gitgrant comment: PR #${run.pr.number}: comment ${posted.id} ${posted.action}\n`);
  return EXIT.ok;
}
