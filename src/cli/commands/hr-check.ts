/** `gitgrant hr-check [--dry-run] [--json]`: the nightly comparison of holders with HR, and the standing-access PR. */
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { compareWithHr } from '../../hr/compare.js';
import { loadHrRecords } from '../../hr/load.js';
import { formatInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { sectionFailures } from '../../model/policy.js';
import type { Instant } from '../../model/types.js';
import { cloudFromEnv } from '../../providers/cloud.js';
import { plainText } from '../../render/escape.js';
import { sortFindings } from '../../lifecycle/findings.js';
import { approvalsByEmail } from '../../lifecycle/approvals.js';
import { hrFindings, hrRevocations, withEnvScimSource } from '../../lifecycle/hr-findings.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { syncStandingAccess, type StandingAccessResult } from '../../lifecycle/standing-access.js';
import { withoutGrants } from '../../lifecycle/revocation.js';
import { sweep } from '../../lifecycle/sweep.js';
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
  standing?: StandingAccessResult;
}

/** Compares holders with HR; unless `dryRun`, revokes leavers' grants and opens or updates the standing-access PR. */
export async function runHrCheck(io: CliIo, root: string, now: Instant, options: { dryRun: boolean; concurrency: number }): Promise<HrCheckRun> {
  const { repo, diagnostics } = loadRepo(root);
  const refused = sectionFailures(repo.policy, diagnostics, 'hr');
  const config = withEnvScimSource(repo.policy.hr, io.env);
  const loaded = refused.length > 0 ? { records: [], diagnostics: [] } : await loadHrRecords(config, { repoRoot: root, env: io.env });
  const problems = [...refused, ...loaded.diagnostics];
  if (hasErrors(problems)) {
    printDiagnostics(io, problems);
    // Someone missing from unreadable HR data would look like a leaver and lose access for a typo.
    return { source: 'hr', complete: false, findings: [], notes: ['HR data could not be read without errors; nothing compared'], revoked: [] };
  }
  const { history } = historyOf(root);
  const identities = repo.policy.identities;
  const approvals = approvalsByEmail(repo, history.added, identities);
  const notes = approvals
    ? approvals.unmapped.map((l) => `approver @${l} is not mapped to a person (identities.people.*.github); their departure cannot be checked`)
    : ['approver checks skipped: no approval notes in history (refs/notes/gitgrant)'];
  const compared = compareWithHr({ repo, records: loaded.records, now, approvals: approvals?.approvals ?? new Map(), actions: config });
  const revocations = hrRevocations(repo, compared);
  if (options.dryRun || revocations.length === 0) {
    const result: HrCheckRun = { source: 'hr', complete: true, findings: sortFindings(hrFindings(compared, new Set(), new Set())), notes, revoked: [] };
    if (!options.dryRun) result.standing = await syncStandingAccess(io.env, root, repo, loaded.records, now);
    return result;
  }
  const cloud = cloudFromEnv(io.env, () => now, repo.policy);
  try {
    const result = await sweep({ root, repo, revocations, identities, cloud, now, concurrency: options.concurrency, dryRun: false });
    const revoked = new Set(result.revoked.map((r) => r.grant.id));
    const failed = new Set(result.failed.map((f) => f.revocation.grant.id));
    const findings = sortFindings([...hrFindings(compared, revoked, failed), ...result.findings]);
    const standing = await syncStandingAccess(io.env, root, withoutGrants(repo, revoked), loaded.records, now);
    return { source: 'hr', complete: true, findings, notes, revoked: [...revoked].sort(), standing };
  } finally {
    await cloud.close();
  }
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
    if (s) io.stdout(`gitgrant hr-check: standing access: ${standingText(s)}\n`);
    io.stdout(`gitgrant hr-check: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}

function standingText(s: StandingAccessResult): string {
  if (s.closed) return `HR calls for no change; pull request #${s.pullRequest} closed and branch ${s.branch} deleted`;
  if (s.unchanged) return `branch ${s.branch} already proposes these ${s.files.length} changes; nothing pushed`;
  const pr = s.pullRequest ? `, pull request #${s.pullRequest} ${s.created ? 'opened' : 'updated'}` : ' (no pull request: GitHub is not configured)';
  return `branch ${s.branch} pushed with ${s.files.length} changes${pr}`;
}
