/**
 * `gitgrant gate --pr N [--base-ref REF]`: exits 0 only when every approval is present.
 * `gitgrant gate --head-sha SHA [--head-repo O/R] --post-check`: the required check, from the trusted
 * workflow: judges the PR head read from git objects (never checked out) and posts the verdict as
 * the `gitgrant gate` check run on that exact commit. The decision is `app/gate.ts`.
 */
import { FILES_INVALID, PROTECTED_BRANCH, postSharedHead, postVerdict, SharedHead } from '../../app/gate.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { GATE_CHECK_NAME, octokitCheckRunPoster } from '../../adapters/github/check-runs.js';
import { renderGateText } from '../../core/gate/gate-render.js';
import { githubClient, githubRepo, reportingGitHubErrors } from '../support/github-session.js';
import { EXIT, type CliIo } from '../support/io.js';
import { judgePr, type PrOptions } from '../support/judge-pr.js';
import { repoOption } from '../support/options.js';

export async function gateCommand(io: CliIo, options: PrOptions): Promise<number> {
  let judged;
  try {
    judged = await reportingGitHubErrors(() => judgePr(io, options));
  } catch (error) {
    if (error instanceof SharedHead) return sharedHead(io, options, error);
    throw error;
  }
  if (!judged) {
    io.stdout(`gate: no open pull request into ${PROTECTED_BRANCH} has head ${options.headSha}; nothing to judge\n`);
    return EXIT.ok;
  }
  const { run, judgedSha, passed } = judged;
  for (const d of run.findings) io.stdout(formatDiagnostic(d) + '\n');
  io.stdout(renderGateText(run.result));
  for (const reason of judged.reasons) io.stdout(`gate: FAILED: ${reason}${reason === FILES_INVALID ? ' (see above)' : ''}\n`);
  if (options.postCheck) {
    const posted = await reportingGitHubErrors(() => postVerdict(judged, octokitCheckRunPoster(judged.octokit, judged.github)));
    io.stdout(`gate: posted check "${GATE_CHECK_NAME}" (${passed ? 'success' : 'failure'}) on ${judgedSha.slice(0, 12)}: ${posted.url}\n`);
  }
  return passed ? EXIT.ok : EXIT.findings;
}

/** Several open PRs at the judged head: fail, and fail the check on that commit so no earlier pass stands. */
async function sharedHead(io: CliIo, options: PrOptions, shared: SharedHead): Promise<number> {
  io.stdout(`gate: FAILED: ${shared.message}\nhint: ${shared.hint ?? ''}\n`);
  if (options.postCheck) {
    const github = githubRepo(io, repoOption(io, options.repo));
    const octokit = await githubClient(io);
    const posted = await reportingGitHubErrors(() => postSharedHead(shared, octokitCheckRunPoster(octokit, github)));
    io.stdout(`gate: posted check "${GATE_CHECK_NAME}" (failure) on ${shared.headSha.slice(0, 12)}: ${posted.url}\n`);
  }
  return EXIT.findings;
}
