/** `gitgrant expire [--now T] [--dry-run] [--json]`: the sweep the expire workflow runs every few minutes. */
import { formatInstant } from '../../core/model/instant.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { plainText } from '../../core/render/escape.js';
import { renderFindingsText } from '../../core/jobs/render.js';
import { expire, previewExpiry } from '../../app/expire.js';
import { lastLoadingRoles } from '../../app/broken-roles.js';
import { standInNotes, withStandIns } from '../../core/plan/stand-in.js';
import { protectionOf } from '../../core/jobs/protected-removals.js';
import { EXIT, type CliIo } from '../support/io.js';
import { cloudReader, cloudWriter, revocationCommitter, ticketReader } from '../support/job-adapters.js';
import { concurrencyOption, nowOption, repoOption } from '../support/options.js';

export interface ExpireOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

export async function expireCommand(io: CliIo, options: ExpireOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOption(options.concurrency);
  const dryRun = Boolean(options.dryRun);
  const say = (line: string) => void (options.json ? undefined : io.stdout(`gitgrant expire: ${plainText(line)}\n`));
  const loaded = loadRepo(root);
  // A role that does not load: its grants are revoked on the targets of its last version on main that loads.
  const standIns = lastLoadingRoles(root, loaded.repo, loaded.diagnostics);
  const repo = withStandIns(loaded.repo, standIns);
  for (const note of standInNotes(standIns)) say(note);
  // A removal that could take a protected principal's access is held (protected-removals.ts).
  const input = { repo, now, concurrency, protection: protectionOf(repo.policy, loaded.diagnostics) };
  const tickets = ticketReader(io.env);
  // Dry run: the preview is given the cloud to read and no committer, so it cannot change anything.
  const run = dryRun
    ? await previewExpiry({ tickets, openCloud: () => cloudReader(io.env, now, repo.policy) }, input)
    : await expire({ tickets, openCloud: () => cloudWriter(io.env, now, repo.policy), commits: revocationCommitter(root) }, input);
  for (const note of run.notes) say(note);
  if (run.due.length === 0) {
    if (options.json) io.stdout(JSON.stringify({ at: formatInstant(now), dryRun, revoked: [], failed: [], findings: run.findings, commits: [] }, null, 2) + '\n');
    else {
      say(`nothing to revoke at ${formatInstant(now)}`);
      io.stdout(renderFindingsText('expire', run.findings));
    }
    return EXIT.ok;
  }
  if (options.json) {
    io.stdout(JSON.stringify({
      at: formatInstant(now),
      dryRun,
      due: run.due.map((r) => ({ grant: r.grant.id, action: r.action, reason: r.reason })),
      removals: run.removals,
      revoked: run.revoked.map((r) => r.grant.id),
      failed: run.failed.map((f) => ({ grant: f.revocation.grant.id, causes: f.causes })),
      findings: run.findings,
      commits: run.commits,
    }, null, 2) + '\n');
  } else {
    for (const r of run.due) say(`${dryRun ? 'would revoke' : 'revoking'} ${r.grant.id} (${r.grant.grantee}): ${r.reason}`);
    say(`${run.removals} binding${run.removals === 1 ? '' : 's'} to remove in ${run.targets} target${run.targets === 1 ? '' : 's'}`);
    if (dryRun) for (const f of run.failed) say(`would keep ${f.revocation.grant.id}: ${f.causes.join('; ')}`);
    if (dryRun) say('dry run: nothing changed, no file deleted');
    for (const c of run.commits) say(`committed ${c.sha.slice(0, 12)} (${c.action})`);
    io.stdout(renderFindingsText('expire', run.findings));
  }
  return run.failed.length > 0 ? EXIT.findings : EXIT.ok;
}
