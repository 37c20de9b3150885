/** `gitgrant comment --pr N`: the one gitgrant comment on the PR, created or edited in place (app/comment.ts). */
import { commentOnPullRequest, type OfflinePlanner } from '../../app/comment.js';
import { hasErrors } from '../../core/diagnostics/diagnostic.js';
import { octokitCommentPoster } from '../../adapters/github/comments.js';
import { reportingGitHubErrors } from '../support/github-session.js';
import { EXIT, type CliIo } from '../support/io.js';
import { judgePr, type JudgedPr, type PrOptions } from '../support/judge-pr.js';
import { buildPlan, offlinePlanOf } from '../support/planning.js';

export function commentCommand(io: CliIo, options: PrOptions): Promise<number> {
  return reportingGitHubErrors(async () => {
    const judged = await judgePr(io, options);
    if (!judged) {
      io.stdout(`gitgrant comment: no open pull request has head ${options.headSha}; nothing to comment on\n`);
      return EXIT.ok;
    }
    const posted = await commentOnPullRequest(judged, planner(io, judged, options), octokitCommentPoster(judged.octokit, judged.github));
    io.stdout(`gitgrant comment: PR #${posted.pr}: comment ${posted.id} ${posted.action}\n`);
    return EXIT.ok;
  });
}

/** A checkout plans its working tree; a PR read from git objects plans what the judged repo asks for. */
function planner(io: CliIo, judged: JudgedPr, options: PrOptions): OfflinePlanner {
  if (options.headSha === undefined) {
    return async () => {
      const planned = await buildPlan(io, judged.root, judged.now, { offline: true, concurrency: 1 });
      return hasErrors(planned.findings) ? undefined : planned.plan;
    };
  }
  return async () => (hasErrors(judged.run.findings) ? undefined : offlinePlanOf(judged.judged.repo, judged.now));
}
