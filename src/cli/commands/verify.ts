/**
 * `gitgrant verify [--since T] [--record] [--json|--markdown]`: proof that access ended. For every
 * grant whose access ended in the window, reads back what the clouds hold now and evaluates it
 * (src/app/verify.ts). The window runs from `--since` (default: the end of the last run recorded in
 * evidence/verify/ by the identity this checkout commits as, else 24 hours back) to now. `--record`
 * writes the evidence file and commits it, which is what the nightly workflow does; `audit` reads it.
 */
import { loadRepo } from '../../adapters/fs/load-repo.js';
import type { Instant } from '../../core/model/types.js';
import { plainText } from '../../core/render/escape.js';
import { renderFindingsText } from '../../core/jobs/render.js';
import { renderVerifyMarkdown, renderVerifyText, verifyEvidence } from '../../core/jobs/verify-report.js';
import { DEFAULT_LOOKBACK_MS, lastRecordedUntil, recordVerification, verify } from '../../app/verify.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { evidenceReader, evidenceWriter, verifyReaders } from '../support/job-adapters.js';
import { instantOption, nowOption, repoOption } from '../support/options.js';

export interface VerifyOptions {
  repo?: string;
  now?: string;
  since?: string;
  json?: boolean;
  markdown?: boolean;
  record?: boolean;
}

export async function verifyCommand(io: CliIo, options: VerifyOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  if (options.json && options.markdown) throw new UsageError('--json and --markdown cannot be combined');
  const since: Instant = options.since !== undefined ? instantOption('since', options.since) : (lastRecordedUntil(evidenceReader(root), now) ?? now - DEFAULT_LOOKBACK_MS);
  if (since > now) throw new UsageError('--since is after now');
  const { repo } = loadRepo(root);
  const run = await verify(verifyReaders(io.env, root, now, repo.policy), { repo, window: { since, until: now } });
  const recorded = options.record && run.proofs.length > 0 ? recordVerification(evidenceWriter(root), run) : undefined;
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
