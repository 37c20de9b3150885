/**
 * `gitgrant verify [--since T] [--record] [--json|--markdown]`: proof that access ended. For every
 * grant whose access ended in the window, reads back what the clouds hold now and evaluates it
 * (src/lifecycle/verify.ts). The window runs from `--since` (default: the end of the last run
 * recorded in evidence/verify/ by the identity this checkout commits as, else 24 hours back) to now. `--record` writes the evidence file and
 * commits it, which is what the nightly workflow does; `audit` reads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readVerifyEvidence } from '../../audit/verify-evidence.js';
import { join } from 'node:path';
import { readHistory } from '../../audit/git-history.js';
import { reconstruct } from '../../audit/lifecycle.js';
import { formatInstant, parseInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { automationOf } from '../load.js';
import type { Instant } from '../../model/types.js';
import { desiredState } from '../../plan/desired.js';
import { cloudFromEnv } from '../../providers/cloud.js';
import { resolveIdentityCenterDirectory } from '../../providers/identity-center-directory.js';
import { verifyReads } from '../../providers/verify-reads.js';
import { plainText } from '../../render/escape.js';
import { runGit } from '../../lifecycle/git-run.js';
import type { SourceRun } from '../../lifecycle/source-run.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import { sortFindings } from '../../lifecycle/findings.js';
import { memoReads, verifyGrants, type GrantProof } from '../../lifecycle/verify.js';
import { endedGrants, endedRepo, grantsEndedIn, type Window } from '../../lifecycle/verify-select.js';
import { EVIDENCE_DIR, evidenceFileName, renderVerifyMarkdown, renderVerifyText, verifyEvidence, verifyFindings } from '../../lifecycle/verify-report.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';

export interface VerifyOptions {
  repo?: string;
  now?: string;
  since?: string;
  json?: boolean;
  markdown?: boolean;
  record?: boolean;
}

const DEFAULT_LOOKBACK_MS = 24 * 60 * 60 * 1000;

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
export function lastRecordedUntil(root: string, now: Instant): Instant | undefined {
  let last: Instant | undefined;
  for (const record of readVerifyEvidence(root, automationOf(root))) {
    const until = parseInstant(record.evidence.until);
    if (until !== undefined && until <= now && (last === undefined || until > last)) last = until;
  }
  return last;
}

export interface VerifyRun extends SourceRun {
  window: Window;
  proofs: GrantProof[];
}

/** Verifies the grants that ended in `window`; the findings are the paths that remain. */
export async function runVerify(io: CliIo, root: string, window: Window): Promise<VerifyRun> {
  const now = window.until;
  const { repo } = loadRepo(root);
  const identities = repo.policy.identities;
  const selected = grantsEndedIn(reconstruct(await readHistory(root)), window);
  if (selected.length === 0) return { source: 'verify', complete: true, findings: [], notes: [], window, proofs: [] };
  const cloud = cloudFromEnv(io.env, () => now, repo.policy);
  const reads = verifyReads(cloud, io.env);
  try {
    const directory = new Map([
      ...(await resolveIdentityCenterDirectory(cloud.aws, endedRepo(repo, selected), identities, now)),
      ...(await resolveIdentityCenterDirectory(cloud.aws, repo, identities, now)),
    ]);
    const ended = endedGrants(selected, repo, identities, directory, now);
    const live = desiredState(repo, now, identities, directory).bindings;
    const proofs = await verifyGrants(ended, live, memoReads(reads), now);
    const unverified = proofs.filter((p) => p.verdict === 'unverified');
    return {
      source: 'verify', complete: unverified.length === 0, findings: sortFindings(verifyFindings(repo, proofs)),
      notes: unverified.map((p) => `${p.grant} could not be verified: ${p.note ?? p.bindings.flatMap((b) => (b.verdict === 'unverified' ? b.checks : [])).join('; ')}`),
      window, proofs,
    };
  } finally {
    await reads.close();
    await cloud.close();
  }
}

/** Writes the evidence file and commits it alone (the nightly workflow pushes it with the rest). */
function record(root: string, run: VerifyRun): string {
  const dir = join(root, EVIDENCE_DIR);
  mkdirSync(dir, { recursive: true });
  const path = `${EVIDENCE_DIR}/${evidenceFileName(run.window.until)}`;
  writeFileSync(join(root, path), JSON.stringify(verifyEvidence(run.window, run.proofs), null, 2) + '\n');
  const paths = run.proofs.filter((p) => p.verdict === 'path-remains').length;
  const subject = `Verify ${run.proofs.length} ended grant${run.proofs.length === 1 ? '' : 's'}: ${paths === 0 ? 'no path remains' : `${paths} with a path remaining`}`;
  runGit(root, ['add', '--', path]);
  runGit(root, ['commit', '-q', '--no-verify', '-F', '-', '--', path], { input: `${subject}\n\nWindow ${formatInstant(run.window.since)} to ${formatInstant(run.window.until)}; evidence in ${path}.\n` });
  return path;
}

export async function verifyCommand(io: CliIo, options: VerifyOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  if (options.json && options.markdown) throw new UsageError('--json and --markdown cannot be combined');
  let since: Instant;
  if (options.since !== undefined) {
    const parsed = parseInstant(options.since);
    if (parsed === undefined) throw new UsageError(`--since ${options.since} is not an instant`, 'write e.g. --since 2026-11-22T03:00:00Z');
    since = parsed;
  } else since = lastRecordedUntil(root, now) ?? now - DEFAULT_LOOKBACK_MS;
  if (since > now) throw new UsageError('--since is after now');
  const run = await runVerify(io, root, { since, until: now });
  const recorded = options.record && run.proofs.length > 0 ? record(root, run) : undefined;
  if (options.json) {
    io.stdout(JSON.stringify({ ...verifyEvidence(run.window, run.proofs), complete: run.complete, findings: run.findings, notes: run.notes, recorded: recorded ?? null }, null, 2) + '\n');
  } else if (options.markdown) {
    io.stdout(renderVerifyMarkdown(run.window, run.proofs));
  } else {
    io.stdout(renderVerifyText(run.window, run.proofs));
    for (const note of run.notes) io.stdout(`gitgrant verify: ${plainText(note)}\n`);
    io.stdout(renderFindingsText('verify', run.findings));
    if (recorded) io.stdout(`gitgrant verify: evidence recorded in ${recorded}\n`);
  }
  return run.findings.length > 0 || !run.complete ? EXIT.findings : EXIT.ok;
}
