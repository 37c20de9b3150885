/**
 * `gitgrant rejudge [--since SHA] [--dry-run]`: before apply, judge again the pull requests that
 * landed `SHA..HEAD` (first parent) as they landed, and take back, in one automation commit, the
 * grants whose approval did not hold. The use case is app/rejudge.ts; the judge is the gate's, as
 * `record-approvals` runs it (rules of the commit before, at the landing instant).
 */
import { rejudgeLandings, type JudgedLanding, type RejudgeAdapters } from '../../app/rejudge.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { commitTakeBack, grantsAtHead, landedRange } from '../../adapters/git/landed-range.js';
import { landingPullRequests } from '../../adapters/github/record-approvals-github.js';
import type { GitHubClient } from '../../adapters/github/client.js';
import { plainText } from '../../core/render/escape.js';
import { githubClient, githubRepo } from '../support/github-session.js';
import { git } from '../support/git.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { judgeLanded } from '../support/judge-pr.js';
import { automationOf } from '../support/load.js';
import { nowOption, repoOption } from '../support/options.js';

export interface RejudgeOptions {
  since?: string;
  repo?: string;
  now?: string;
  dryRun?: boolean;
}

const NO_COMMIT = /^0{40}$/;

export async function rejudgeCommand(io: CliIo, options: RejudgeOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const since = sinceOf(root, options.since);
  const commits = landedRange(root, since);

  // Connected on first use: without a token or a repository every landing is unjudged, and taken back.
  let client: Promise<GitHubClient> | undefined;
  const octokit = () => (client ??= githubClient(io));
  const adapters: RejudgeAdapters = {
    landingPullRequests: async (sha) => landingPullRequests(await octokit(), githubRepo(io, root), sha),
    // The judge record-approvals uses: rules and HR of the commit before, at the landing instant.
    judge: (number, landed) => judgeLanded(io, root, number, landed),
    automation: () => automationOf(root),
  };
  const result = await rejudgeLandings(commits, grantsAtHead(root), adapters);

  for (const landing of result.landings) io.stdout(`rejudge: ${describe(landing)}\n`);
  if (result.landings.length === 0) io.stdout(`rejudge: no commit in ${since === undefined ? 'HEAD' : `${since.slice(0, 12)}..HEAD`} changes access\n`);
  if (result.takeBack.length === 0) {
    io.stdout('rejudge: every grant that landed holds its approval; nothing taken back\n');
    return EXIT.ok;
  }
  for (const t of result.takeBack) io.stdout(`rejudge: taking back ${plainText(t.grant)}: ${plainText(t.reason)}\n`);
  if (options.dryRun) {
    io.stdout('rejudge: dry run, nothing committed\n');
    return EXIT.findings;
  }
  const grants = new Map(loadRepo(root).repo.grants.map((g) => [g.id as string, g]));
  const sha = commitTakeBack(root, result.takeBack, grants, now);
  io.stdout(`rejudge: committed ${sha.slice(0, 12)}: ${result.takeBack.length} grant file${result.takeBack.length === 1 ? '' : 's'} deleted; apply runs on it, and the push lands it on main\n`);
  // A finding: someone merged what the gate, judged at merge, does not pass.
  return EXIT.findings;
}

function sinceOf(root: string, since: string | undefined): string | undefined {
  // A push that created the branch has no "before": judge HEAD alone.
  if (since === undefined || since === '' || NO_COMMIT.test(since)) return undefined;
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${since}^{commit}`]).trim();
  } catch {
    throw new UsageError(`--since ${since} is not a commit in this repository`, 'check out with fetch-depth: 0, and pass the commit main was at before the push');
  }
}

function describe(landing: JudgedLanding): string {
  const who = landing.pr !== undefined ? `PR #${landing.pr}` : landing.commits.map((c) => c.slice(0, 12)).join(', ');
  const what = landing.grants.length > 0 ? ` (${landing.grants.map(plainText).join(', ')})` : '';
  const v = landing.verdict;
  switch (v.kind) {
    case 'passed': return `${who}: the gate passes as merged${what}`;
    case 'failed': return `${who}: the gate FAILS as merged${what}: ${v.reasons.map(plainText).join('; ')}`;
    case 'own-commit': return `${who}: gitgrant's own ${v.action} commit, not judged`;
    case 'no-grants': return `${who}: adds or changes no grant, nothing to judge`;
    case 'no-pull-request': return `${who}: pushed without a pull request${what}`;
    case 'unjudged': return `${who}: could not be judged${what}: ${plainText(v.cause)}`;
  }
}
