/**
 * The nightly HR check (`gitgrant hr-check`): compares holders and approvers with HR, revokes what
 * the policy says to revoke, and keeps the standing-access pull request in step with HR. The
 * preview (dry run, the exception issues, the monthly report) is given readers only: no cloud, no
 * git commit, no pull request.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { compareWithHr, type HrFinding } from '../core/hr/compare.js';
import type { HrConfig } from '../core/model/policy-sections.js';
import { sectionFailures } from '../core/model/policy.js';
import type { HrReadResult, HrRecord } from '../core/hr/record.js';
import type { AccessRepo, GrantId, Instant } from '../core/model/types.js';
import { approvalsByEmail } from '../core/jobs/approvals.js';
import { sortFindings } from '../core/jobs/findings.js';
import { hrFindings, hrPreviewFindings, hrRevocations } from '../core/jobs/hr-findings.js';
import { withoutGrants } from '../core/jobs/revocation.js';
import { withStandIns, type StandIns } from '../core/plan/stand-in.js';
import { protectionOf } from '../core/jobs/protected-removals.js';
import type { RevocationWrites } from './revoke.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import type { StandingAccessResult } from './standing-access.js';
import { sweep, type RevocationCommitter } from './sweep.js';
import type { HistoryReader, Opened } from './ports.js';

/** The HR sources the policy names (and any the environment adds), read and merged. */
export interface HrRecordsReader {
  read(config: HrConfig): Promise<HrReadResult>;
}

/** The standing-access branch and pull request: pushed, updated or closed to match HR. */
export interface StandingAccessWriter {
  sync(repo: AccessRepo, records: readonly HrRecord[], now: Instant): Promise<StandingAccessResult | undefined>;
}

export interface HrReaders {
  hr: HrRecordsReader;
  history: HistoryReader;
}

export interface HrWriters extends HrReaders {
  openCloud(): Opened<RevocationWrites>;
  commits: RevocationCommitter;
  standing: StandingAccessWriter;
}

export interface HrCheckInput {
  repo: AccessRepo;
  now: Instant;
  /** What loading the repo reported: a policy section that did not load is reported with its own errors (file:line:col). */
  loadDiagnostics?: readonly Diagnostic[];
}

export interface HrCheckApplyInput extends HrCheckInput {
  concurrency: number;
  /** Roles that do not load, with their last version on main that loads: a leaver's grant of one is revoked on its targets. */
  standIns?: StandIns;
}

export interface HrCheckRun extends SourceRun {
  revoked: string[];
  standing?: StandingAccessResult;
  /** The policy's or the HR data's problems (printed by the caller). */
  diagnostics: Diagnostic[];
}

/** `problems`: sections that did not load but left the comparison possible (the run is then incomplete). */
type Compared = { ok: true; records: HrRecord[]; findings: HrFinding[]; notes: string[]; problems: Diagnostic[] } | { ok: false; run: HrCheckRun };

async function compare(readers: HrReaders, { repo, now, loadDiagnostics = [] }: HrCheckInput): Promise<Compared> {
  // Revocations act on HR's sources and actions and on the identities that name each principal:
  // their defaults must never stand in for a section that did not load.
  const refused = dedupe([...sectionFailures(repo.policy, loadDiagnostics, 'hr'), ...sectionFailures(repo.policy, loadDiagnostics, 'identities')]);
  const loaded = refused.length > 0 ? { records: [], diagnostics: [] } : await readers.hr.read(repo.policy.hr);
  const problems = [...refused, ...loaded.diagnostics];
  if (hasErrors(problems)) {
    // Someone missing from unreadable HR data would look like a leaver and lose access for a typo.
    return { ok: false, run: { source: 'hr', complete: false, findings: [], notes: ['HR data could not be read without errors; nothing compared'], revoked: [], diagnostics: problems } };
  }
  // History is read as the policy's automation, as audit reads it; not at all when that section did not load.
  const automation = sectionFailures(repo.policy, loadDiagnostics, 'automation');
  const { history } = automation.length > 0 ? { history: undefined } : readers.history.read(repo.policy.automation);
  const approvals = history ? approvalsByEmail(repo, history.added, repo.policy.identities) : undefined;
  const notes = !history
    ? ['approver checks skipped: the automation section of the policy did not load, so whose commits history can trust is unknown']
    : approvals
      ? approvals.unmapped.map((l) => `approver @${l} is not mapped to a person (identities.people.*.github); their departure cannot be checked`)
      : ['approver checks skipped: no approval notes in history (refs/notes/gitgrant)'];
  const findings = compareWithHr({ repo, records: loaded.records, now, approvals: approvals?.approvals ?? new Map(), actions: repo.policy.hr });
  return { ok: true, records: loaded.records, findings, notes, problems: automation };
}

/** One copy of each diagnostic (two sections can fail for the same file). */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.file, d.start, d.code, d.summary]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Grants of grantees HR lists as people (left, or no longer eligible): never the automation's own access. */
function hrPeopleGrants(findings: readonly HrFinding[]): Set<GrantId> {
  return new Set(findings.filter((f) => f.kind === 'HR_GRANTEE_TERMINATED' || f.kind === 'HR_GRANTEE_INELIGIBLE').flatMap((f) => f.grants));
}

/** What HR calls for now; nothing is revoked, committed or pushed. */
export async function previewHrCheck(readers: HrReaders, input: HrCheckInput): Promise<HrCheckRun> {
  const compared = await compare(readers, input);
  if (!compared.ok) return compared.run;
  return { source: 'hr', complete: compared.problems.length === 0, findings: sortFindings(hrPreviewFindings(compared.findings)), notes: compared.notes, revoked: [], diagnostics: compared.problems };
}

/** Revokes leavers' grants as the policy says, then opens or updates the standing-access pull request. */
export async function hrCheck(writers: HrWriters, input: HrCheckApplyInput): Promise<HrCheckRun> {
  const compared = await compare(writers, input);
  if (!compared.ok) return compared.run;
  const { repo, now } = input;
  const revocations = hrRevocations(repo, compared.findings);
  if (revocations.length === 0) {
    const standing = await writers.standing.sync(repo, compared.records, now);
    return { source: 'hr', complete: compared.problems.length === 0, findings: sortFindings(hrFindings(compared.findings, new Set(), new Set())), notes: compared.notes, revoked: [], ...(standing ? { standing } : {}), diagnostics: compared.problems };
  }
  const cloud = writers.openCloud();
  try {
    const protection = protectionOf(repo.policy, input.loadDiagnostics);
    const result = await sweep({ repo: withStandIns(repo, input.standIns), revocations, identities: repo.policy.identities, cloud, now, concurrency: input.concurrency, commits: writers.commits, protection, leavers: hrPeopleGrants(compared.findings) });
    const revoked = new Set(result.revoked.map((r) => r.grant.id));
    const failed = new Set(result.failed.map((f) => f.revocation.grant.id));
    const findings = sortFindings([...hrFindings(compared.findings, revoked, failed), ...result.findings]);
    const standing = await writers.standing.sync(withoutGrants(repo, revoked), compared.records, now);
    return { source: 'hr', complete: compared.problems.length === 0, findings, notes: compared.notes, revoked: [...revoked].sort(), ...(standing ? { standing } : {}), diagnostics: compared.problems };
  } finally {
    await cloud.close();
  }
}
