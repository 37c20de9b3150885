/**
 * Proof that access ended (`gitgrant verify`): for every grant whose access ended in the window,
 * reads back what the clouds hold now and evaluates it (src/lifecycle/verify.ts). Reads only;
 * recording the evidence is a separate step given the one writer it needs.
 */
import type { EvidenceRecord } from '../adapters/git/verify-evidence.js';
import type { Reconstruction } from '../core/audit/lifecycle-types.js';
import { formatInstant, parseInstant } from '../core/model/instant.js';
import type { AccessRepo, Instant } from '../core/model/types.js';
import { desiredState, type IdentityCenterDirectory } from '../core/plan/desired.js';
import type { IdentityConfig } from '../core/model/policy-sections.js';
import { sortFindings } from '../core/jobs/findings.js';
import type { SourceRun } from '../core/jobs/source-run.js';
import { memoReads, verifyGrants, type GrantProof, type VerifyReads } from '../core/jobs/verify.js';
import { EVIDENCE_DIR, evidenceFileName, verifyEvidence, verifyFindings } from '../core/jobs/verify-report.js';
import { endedGrants, endedRepo, grantsEndedIn, type Window } from '../core/jobs/verify-select.js';
import type { Opened } from './ports.js';

export interface VerifyCloud extends VerifyReads {
  directory(repo: AccessRepo, identities: IdentityConfig, now: Instant): Promise<IdentityCenterDirectory>;
}

export interface VerifyReaders {
  /** The repo's lifecycle reconstructed from git history. */
  reconstruction(): Promise<Reconstruction>;
  openCloud(): Opened<VerifyCloud>;
}

/** The evidence files the automation committed. */
export interface EvidenceReader {
  records(): EvidenceRecord[];
}

/** Writes one evidence file and commits it alone. */
export interface EvidenceWriter {
  commit(path: string, text: string, message: string): void;
}

export interface VerifyInput {
  repo: AccessRepo;
  window: Window;
}

export interface VerifyRun extends SourceRun {
  window: Window;
  proofs: GrantProof[];
}

/** Without `--since`: one day back, unless the automation recorded a later window. */
export const DEFAULT_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * The window `exceptions` verifies: one nightly run and an hour's slack. An issue about a grant
 * that leaves it is closed, which is right for live sessions (none outlives 12 hours); a hand-made
 * path that stays is still reported by reconcile.
 */
export const VERIFY_EXCEPTIONS_LOOKBACK_MS = 25 * 60 * 60 * 1000;

/**
 * The end of the newest window recorded before `now` by the automation (evidence counts only when
 * the automation's identity committed it on main's first-parent line). An evidence file anyone else
 * added, say in a merged pull request, cannot move the window forward and so hide grants.
 */
export function lastRecordedUntil(evidence: EvidenceReader, now: Instant): Instant | undefined {
  let last: Instant | undefined;
  for (const record of evidence.records()) {
    const until = parseInstant(record.evidence.until);
    if (until !== undefined && until <= now && (last === undefined || until > last)) last = until;
  }
  return last;
}

/** Verifies the grants that ended in the window; the findings are the paths that remain. */
export async function verify(readers: VerifyReaders, { repo, window }: VerifyInput): Promise<VerifyRun> {
  const now = window.until;
  const identities = repo.policy.identities;
  const selected = grantsEndedIn(await readers.reconstruction(), window);
  if (selected.length === 0) return { source: 'verify', complete: true, findings: [], notes: [], window, proofs: [] };
  const cloud = readers.openCloud();
  try {
    const directory = new Map([
      ...(await cloud.directory(endedRepo(repo, selected), identities, now)),
      ...(await cloud.directory(repo, identities, now)),
    ]);
    const ended = endedGrants(selected, repo, identities, directory, now);
    const live = desiredState(repo, now, identities, directory).bindings;
    const proofs = await verifyGrants(ended, live, memoReads(cloud), now);
    const unverified = proofs.filter((p) => p.verdict === 'unverified');
    return {
      source: 'verify', complete: unverified.length === 0, findings: sortFindings(verifyFindings(repo, proofs)),
      notes: unverified.map((p) => `${p.grant} could not be verified: ${p.note ?? p.bindings.flatMap((b) => (b.verdict === 'unverified' ? b.checks : [])).join('; ')}`),
      window, proofs,
    };
  } finally {
    await cloud.close();
  }
}

/** Writes the evidence file and commits it alone (the nightly workflow pushes it with the rest); returns its path. */
export function recordVerification(writer: EvidenceWriter, run: VerifyRun): string {
  const path = `${EVIDENCE_DIR}/${evidenceFileName(run.window.until)}`;
  const paths = run.proofs.filter((p) => p.verdict === 'path-remains').length;
  const subject = `Verify ${run.proofs.length} ended grant${run.proofs.length === 1 ? '' : 's'}: ${paths === 0 ? 'no path remains' : `${paths} with a path remaining`}`;
  writer.commit(path, JSON.stringify(verifyEvidence(run.window, run.proofs), null, 2) + '\n', `${subject}\n\nWindow ${formatInstant(run.window.since)} to ${formatInstant(run.window.until)}; evidence in ${path}.\n`);
  return path;
}
