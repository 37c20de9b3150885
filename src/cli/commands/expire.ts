/** `gitgrant expire [--now T] [--dry-run] [--json]`: the sweep the expire workflow runs every few minutes. */
import { octokitIssueState } from '../../github/issue-state.js';
import { formatInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { planTotals } from '../../plan/diff.js';
import { cloudFromEnv } from '../../providers/cloud.js';
import { plainText } from '../../render/escape.js';
import { dueForRevocation, missingTickets, ticketsToCheck } from '../../lifecycle/expiry.js';
import { gitHubFromEnv } from '../../lifecycle/github-env.js';
import { renderFindingsText } from '../../lifecycle/render.js';
import { sweep } from '../../lifecycle/sweep.js';
import { gitHubTicketSource, lookUpTickets, type TicketStatus } from '../../lifecycle/tickets.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';

export interface ExpireOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
}

export function concurrencyOption(text: string | undefined): number {
  const value = Number(text ?? 8);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--concurrency ${text} is not a positive whole number`);
  return value;
}

/** With `--json`, stdout carries the JSON alone: whatever the finding sources print goes to stderr. */
export function sourceIo(io: CliIo, json: boolean | undefined): CliIo {
  return json ? { ...io, stdout: io.stderr } : io;
}

/** Ticket states of live grants, when GitHub is reachable; a sweep without them still expires on time. */
export async function ticketStates(io: CliIo, tickets: string[], say: (line: string) => void): Promise<Map<string, TicketStatus>> {
  if (tickets.length === 0) return new Map();
  const github = await gitHubFromEnv(io.env);
  if ('missing' in github) {
    say(`tickets not checked (${github.missing}); expiry is unaffected`);
    return new Map();
  }
  return lookUpTickets([gitHubTicketSource(octokitIssueState(github.client), github.repo)], tickets);
}

export async function expireCommand(io: CliIo, options: ExpireOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOption(options.concurrency);
  const say = (line: string) => void (options.json ? undefined : io.stdout(`gitgrant expire: ${plainText(line)}\n`));
  // The sweep acts on whatever grants load: it only ever removes, and only their own bindings.
  const { repo } = loadRepo(root);
  const identities = repo.policy.identities;
  const tickets = await ticketStates(io, ticketsToCheck(repo.grants, now), say);
  const due = dueForRevocation(repo.grants, now, tickets);
  // Reported, not failed: the sweep did its job; the exception issues ask people about these.
  const missing = missingTickets(repo, now, tickets);
  if (due.length === 0) {
    if (options.json) io.stdout(JSON.stringify({ at: formatInstant(now), dryRun: Boolean(options.dryRun), revoked: [], failed: [], findings: missing, commits: [] }, null, 2) + '\n');
    else {
      say(`nothing to revoke at ${formatInstant(now)}`);
      io.stdout(renderFindingsText('expire', missing));
    }
    return EXIT.ok;
  }
  for (const r of due) say(`${options.dryRun ? 'would revoke' : 'revoking'} ${r.grant.id} (${r.grant.grantee}): ${r.reason}`);
  const cloud = cloudFromEnv(io.env, () => now, repo.policy);
  try {
    const result = await sweep({ root, repo, revocations: due, identities, cloud, now, concurrency, dryRun: Boolean(options.dryRun) });
    const totals = planTotals(result.plan);
    if (options.json) {
      io.stdout(JSON.stringify({
        at: formatInstant(now),
        dryRun: Boolean(options.dryRun),
        due: due.map((r) => ({ grant: r.grant.id, action: r.action, reason: r.reason })),
        removals: totals.remove,
        revoked: result.revoked.map((r) => r.grant.id),
        failed: result.failed.map((f) => ({ grant: f.revocation.grant.id, causes: f.causes })),
        findings: [...result.findings, ...missing],
        commits: result.commits,
      }, null, 2) + '\n');
    } else {
      say(`${totals.remove} binding${totals.remove === 1 ? '' : 's'} to remove in ${totals.targets} target${totals.targets === 1 ? '' : 's'}`);
      if (options.dryRun) say('dry run: nothing changed, no file deleted');
      for (const c of result.commits) say(`committed ${c.sha.slice(0, 12)} (${c.action})`);
      io.stdout(renderFindingsText('expire', [...result.findings, ...missing]));
    }
    return result.failed.length > 0 ? EXIT.findings : EXIT.ok;
  } finally {
    await cloud.close();
  }
}
