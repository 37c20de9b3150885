/** `gitgrant hr-check [--dry-run] [--json]`: the nightly comparison of holders with HR, and the standing-access PR. */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { octokitPullRequestOpener } from '../../github/pull-request-opener.js';
import { compareWithHr } from '../../hr/compare.js';
import { readHrConfig } from '../../hr/config.js';
import { loadHrRecords } from '../../hr/load.js';
import type { HrRecord } from '../../hr/record.js';
import { planStandingAccess } from '../../hr/standing.js';
import { formatInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import type { AccessRepo, Instant } from '../../model/types.js';
import { identityConfig } from '../../plan/identity.js';
import { cloudFromEnv } from '../../providers/cloud.js';
import { plainText } from '../../render/escape.js';
import { sortFindings } from '../../lifecycle/findings.js';
import { approvalsByEmail } from '../../lifecycle/approvals.js';
import { gitHubFromEnv } from '../../lifecycle/github-env.js';
import { hrFindings, hrRevocations, withEnvScimSource } from '../../lifecycle/hr-findings.js';
import { runGit } from '../../lifecycle/git-run.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { changeSummary, commitStandingChange, pushStandingBranch, remoteBranchSummary, STANDING_BRANCH, type StandingChange } from '../../lifecycle/standing-branch.js';
import { STANDING_PR_TITLE, standingPullRequestBody } from '../../lifecycle/standing-pr.js';
import { withoutGrants } from '../../lifecycle/revocation.js';
import { sweep } from '../../lifecycle/sweep.js';
import { formatCommitMessage } from '../../lifecycle/trailers.js';
import { EXIT, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';
import { historyOf } from './anomalies.js';
import { concurrencyOption, sourceIo } from './expire.js';

export interface HrCheckOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

export interface HrCheckRun extends SourceRun {
  revoked: string[];
  standing?: { branch: string; pullRequest?: number; created?: boolean; unchanged: boolean; files: string[] };
}

/** Compares holders with HR; unless `dryRun`, revokes leavers' grants and opens or updates the standing-access PR. */
export async function runHrCheck(io: CliIo, root: string, now: Instant, options: { dryRun: boolean; concurrency: number }): Promise<HrCheckRun> {
  const { repo } = loadRepo(root);
  const read = readHrConfig(repo.policy.sections.hr, repo.policy.sources.hr);
  const config = withEnvScimSource(read.value, io.env);
  const loaded = await loadHrRecords(config, { repoRoot: root, env: io.env });
  const problems = [...read.diagnostics, ...loaded.diagnostics];
  if (hasErrors(problems)) {
    printDiagnostics(io, problems);
    // Someone missing from unreadable HR data would look like a leaver and lose access for a typo.
    return { source: 'hr', complete: false, findings: [], notes: ['HR data could not be read without errors; nothing compared'], revoked: [] };
  }
  const { history } = historyOf(root);
  const identities = identityConfig(repo.policy).config;
  const approvals = approvalsByEmail(repo, history.added, identities);
  const notes = approvals
    ? approvals.unmapped.map((l) => `approver @${l} is not mapped to a person (identities.people.*.github); their departure cannot be checked`)
    : ['approver checks skipped: no approval notes in history (refs/notes/gitgrant)'];
  const compared = compareWithHr({ repo, records: loaded.records, now, approvals: approvals?.approvals ?? new Map(), actions: config });
  const revocations = hrRevocations(repo, compared);
  if (options.dryRun || revocations.length === 0) {
    const result: HrCheckRun = { source: 'hr', complete: true, findings: sortFindings(hrFindings(compared, new Set(), new Set())), notes, revoked: [] };
    if (!options.dryRun) result.standing = await standingAccess(io, root, repo, loaded.records, now);
    return result;
  }
  const cloud = cloudFromEnv(io.env, io.now);
  try {
    const result = await sweep({ root, repo, revocations, identities, cloud, now, concurrency: options.concurrency, dryRun: false });
    const revoked = new Set(result.revoked.map((r) => r.grant.id));
    const failed = new Set(result.failed.map((f) => f.revocation.grant.id));
    const findings = sortFindings([...hrFindings(compared, revoked, failed), ...result.findings]);
    const standing = await standingAccess(io, root, withoutGrants(repo, revoked), loaded.records, now);
    return { source: 'hr', complete: true, findings, notes, revoked: [...revoked].sort(), standing };
  } finally {
    await cloud.close();
  }
}

/** One branch and one PR for standing access; nothing at all when the branch already says the same. */
async function standingAccess(io: CliIo, root: string, repo: AccessRepo, records: readonly HrRecord[], now: Instant): Promise<HrCheckRun['standing']> {
  const plan = planStandingAccess({ repo, records, now });
  const change: StandingChange = { add: plan.add, remove: plan.remove };
  const files = changeSummary(change, new Set(repo.grants.map((g) => g.id)));
  if (files.length === 0) return undefined;
  const base = runGit(root, ['rev-parse', 'HEAD']).trim();
  if (JSON.stringify(remoteBranchSummary(root, io.env, base)) === JSON.stringify(files)) return { branch: STANDING_BRANCH, unchanged: true, files };
  const grants = [
    ...plan.add.map((f) => ({ grant: f.path, role: f.path.split('/')[1]!, grantee: /^grantee: (.*)$/m.exec(f.content)?.[1] ?? '' })),
    ...plan.remove.map((p) => ({ grant: p, role: p.split('/')[1]!, grantee: repo.grants.find((g) => g.id === p)?.grantee ?? '', reason: 'no longer matches the role\'s standing HR attributes' })),
  ];
  const message = formatCommitMessage(`Standing access from HR: ${plan.add.length} added or renewed, ${plan.remove.length} removed`, { action: 'standing', grants });
  pushStandingBranch(root, io.env, commitStandingChange(root, base, change, message));
  const github = await gitHubFromEnv(io.env);
  if ('missing' in github) return { branch: STANDING_BRANCH, unchanged: false, files };
  const baseBranch = runGit(root, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
  const pr = await octokitPullRequestOpener(github.client, github.repo).openOrUpdate({ head: STANDING_BRANCH, base: baseBranch === 'HEAD' ? 'main' : baseBranch, title: STANDING_PR_TITLE, body: standingPullRequestBody(change) });
  return { branch: STANDING_BRANCH, pullRequest: pr.number, created: pr.created, unchanged: false, files };
}

export async function hrCheckCommand(io: CliIo, options: HrCheckOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const run = await runHrCheck(sourceIo(io, options.json), root, now, { dryRun: Boolean(options.dryRun), concurrency: concurrencyOption(options.concurrency) });
  if (options.json) {
    io.stdout(JSON.stringify({ at: formatInstant(now), dryRun: Boolean(options.dryRun), ...run }, null, 2) + '\n');
  } else {
    for (const note of run.notes) io.stdout(`gitgrant hr-check: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('hr-check', run.findings));
    if (run.revoked.length > 0) io.stdout(`gitgrant hr-check: revoked ${run.revoked.join(', ')}\n`);
    const s = run.standing;
    if (s) io.stdout(`gitgrant hr-check: standing access: ${s.unchanged ? `branch ${s.branch} already proposes these ${s.files.length} changes; nothing pushed` : `branch ${s.branch} pushed with ${s.files.length} changes${s.pullRequest ? `, pull request #${s.pullRequest} ${s.created ? 'opened' : 'updated'}` : ' (no pull request: GitHub is not configured)'}`}\n`);
    io.stdout(`gitgrant hr-check: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
