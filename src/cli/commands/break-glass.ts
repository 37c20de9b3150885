/**
 * `gitgrant break-glass --role R --duration D --reason T --incident I --actor LOGIN`: checks, opens
 * the review issue, writes and commits the grant naming that issue (the workflow pushes it), applies
 * it, and notifies. Exit 0 granted, 1 refused or failed, 2 usage.
 */
import { basename } from 'node:path';
import { GitHistoryError, readHistory } from '../../adapters/git/history.js';
import { reconstruct } from '../../core/audit/lifecycle.js';
import { breakGlassUses } from '../../core/jobs/break-glass-budget.js';
import { runGit } from '../../adapters/git/plumbing.js';
import { octokitBreakGlassReviews } from '../../adapters/github/break-glass-reviews.js';
import type { TrackedIssue } from '../../adapters/github/issues.js';
import { reviewIssue, slackMessage, type BreakGlassEvent } from '../../adapters/github/break-glass-notice.js';
import { checkBreakGlass, type Refusal } from '../../app/break-glass-checks.js';
import { postSlackWebhook } from '../../adapters/notify/slack-webhook.js';
import { octokitTeamDirectory } from '../../adapters/github/teams.js';
import { formatCommitMessage } from '../../core/audit/trailers.js';
import { formatDuration } from '../../core/model/duration.js';
import { formatInstant } from '../../core/model/instant.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { ticketRequired } from '../../core/model/policy.js';
import type { Email, Grant, Instant, RoleName } from '../../core/model/types.js';
import { plainText } from '../../core/render/escape.js';
import { git } from '../support/git.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../support/io.js';
import { durationOption, nowOption, repoOption } from '../support/options.js';
import { githubClient, githubRepo, reportingGitHubErrors } from '../support/github-session.js';
import { draftGrant, writeDraft, type GrantDraft } from '../../app/draft-grant.js';
import { runApply } from '../support/planning.js';

export interface BreakGlassOptions {
  role: string;
  duration: string;
  reason: string;
  incident: string;
  actor: string;
  repo?: string;
  now?: string;
  /** `--no-apply` sets false: commit only, and let the apply workflow land it. */
  apply?: boolean;
  /** The removal guard of the apply it runs; default DEFAULT_MAX_REMOVALS. */
  maxRemovals?: string;
  /** Check and show what would be committed and applied; write nothing, anywhere. */
  dryRun?: boolean;
}

export function breakGlassCommand(io: CliIo, options: BreakGlassOptions): Promise<number> {
  return reportingGitHubErrors(() => breakGlass(io, options));
}

async function breakGlass(io: CliIo, options: BreakGlassOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const duration = durationOption('duration', options.duration);
  const actor = options.actor.replace(/^@/, '').trim();
  if (!actor) throw new UsageError('--actor is empty', 'pass the GitHub login of the person breaking glass');
  const { repo } = loadRepo(root);
  const role = repo.roles.get(options.role as RoleName);
  if (!role) throw new UsageError(`there is no role ${options.role}`, `known roles: ${[...repo.roles.keys()].sort().join(', ')}`);

  const github = githubRepo(io, root);
  const octokit = await githubClient(io);
  const settings = repo.policy.breakGlass;
  const reviews = octokitBreakGlassReviews(octokit, github, settings.reviewLabel);
  const identities = repo.policy.identities;
  const check = await checkBreakGlass({
    role, actor, identities, settings, teams: octokitTeamDirectory(octokit), reviews,
    policyOwners: repo.policy.owners, automation: repo.policy.automation.name, budget: settings.budget, now, duration,
    uses: (grantee) => usesOnRecord(root, grantee, repo.grants, now, repo.policy.automation),
  });

  const refusals: Refusal[] = [...check.refusals];
  const expires = now + duration;
  const ticketNeeded = ticketRequired(repo.policy, role);
  const draft = check.grantee && draftGrant(repo, role, { grantee: check.grantee, reason: options.reason, ...(ticketNeeded ? { ticket: options.incident } : {}), expires, breakGlass: true, incident: options.incident }, now);
  for (const problem of draft ? draft.problems : []) refusals.push({ summary: problem, hint: 'the grant must pass the same validation as any other' });
  if (refusals.length > 0 || !draft || !check.grantee) {
    for (const r of refusals) io.stdout(`gitgrant break-glass: refused: ${plainText(r.summary)} (hint: ${plainText(r.hint)})\n`);
    return EXIT.findings;
  }

  if (options.dryRun) return dryRun(io, options, root, now, draft);

  const event: BreakGlassEvent = {
    actor, grantee: check.grantee, role: role.name, path: draft.path, duration, expires, reason: options.reason, incident: options.incident,
    notify: role.breakGlass?.notify ?? [], applied: 'pending',
  };
  // The review issue first, so the grant's own commit can name it: a trailer only the automation
  // writes binds the use to its review, where a marker in the body could be moved by anyone with
  // write access. No issue, no grant: a use that lands without its review could never be reviewed.
  const review = await openReview(() => reviews.open(actor, basename(draft.path, '.yaml'), reviewIssue(event)));
  io.stdout(`gitgrant break-glass: review issue #${review.number} opened\n`);

  writeDraft(root, draft);
  const message = formatCommitMessage(`Break glass: ${actor} takes ${role.name} for ${options.incident}`, {
    action: 'break-glass',
    grants: [{ grant: draft.path, role: role.name, grantee: check.grantee, incident: options.incident, reason: options.reason, requestedBy: actor, review: review.number }],
  });
  git(root, ['add', '--', draft.path]);
  // Dated by the clock the grant was computed with, so the record says when the use began.
  const date = formatInstant(now);
  runGit(root, ['commit', '-q', '-m', message, '--', draft.path], { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  const commit = git(root, ['rev-parse', 'HEAD']).trim();
  io.stdout(`gitgrant break-glass: ${actor} (eligible as ${check.eligibleVia}) gets ${role.name} for ${formatDuration(duration)}: committed ${draft.path} (${commit.slice(0, 12)})\n`);

  const applied = options.apply === false ? 'not-applied' : await applyNow(io, options, root, now);
  const landed: BreakGlassEvent = { ...event, commit, applied };
  // Security must hear what happened, including a failed apply; the binding is already in the commit.
  try {
    await reviews.update(review, reviewIssue(landed));
  } catch (error) {
    io.stdout(`gitgrant break-glass: warning: could not write the commit and status into review issue #${review.number}: ${plainText(errorText(error))}\n`);
  }
  const webhook = io.env.GITGRANT_SLACK_WEBHOOK_URL?.trim();
  if (webhook) {
    const posted = await postSlackWebhook(webhook, slackMessage(landed, review.url));
    io.stdout(posted.ok ? 'gitgrant break-glass: Slack notified\n' : `gitgrant break-glass: warning: Slack notification failed: ${posted.cause}\n`);
  }
  return applied === 'apply-failed' ? EXIT.findings : EXIT.ok;
}

async function openReview(open: () => Promise<TrackedIssue>): Promise<TrackedIssue> {
  try {
    return await open();
  } catch (error) {
    throw new CommandFailure(
      `cannot open the break-glass review issue, so nothing was committed or applied: ${errorText(error)}`,
      'retry when GitHub answers again (a use is committed only with its review issue); the workflow\'s app token needs issues: write',
    );
  }
}

function errorText(error: unknown): string {
  const { status, message } = error as { status?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof status === 'number' ? `GitHub answered ${status}: ${text}` : text;
}

/** The grantee's break-glass uses: main's history (all of it: a shallow clone is refused) and the grant files now. */
async function usesOnRecord(root: string, grantee: Email, current: readonly Grant[], now: Instant, automation: AutomationIdentity) {
  try {
    return breakGlassUses(grantee, reconstruct(await readHistory(root), new Map(), automation).grants, current, now);
  } catch (error) {
    // Without the record the budget cannot be judged: refuse rather than guess.
    if (error instanceof GitHistoryError) throw new CommandFailure(`cannot read the break-glass record: ${error.message}`, error.hint);
    throw error;
  }
}

/**
 * The apply of the whole repo, through the same use case and guards as `gitgrant apply`: a checkout
 * that would also remove other people's access beyond the removal limit, or a protected principal's,
 * is stopped before any change. Dispatching break-glass is the confirmation apply asks for outside CI.
 */
async function applyNow(io: CliIo, options: BreakGlassOptions, root: string, now: Instant): Promise<BreakGlassEvent['applied']> {
  try {
    const code = await runApply(io, { prefix: 'gitgrant break-glass', root, now, concurrency: 8, dryRun: false, ...maxRemovalsOf(options) });
    return code === EXIT.ok ? 'applied' : 'apply-failed';
  } catch (error) {
    io.stdout(`gitgrant break-glass: apply failed: ${plainText(error instanceof Error ? error.message : String(error))}\n`);
    return 'apply-failed';
  }
}

/** `--dry-run`: the grant it would commit and the plan it would apply (read from the cloud, guards checked); nothing written. */
async function dryRun(io: CliIo, options: BreakGlassOptions, root: string, now: Instant, draft: GrantDraft): Promise<number> {
  io.stdout(`gitgrant break-glass: dry run: would commit ${draft.path}:\n`);
  for (const line of draft.text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)) io.stdout(`  ${plainText(line)}\n`);
  if (options.apply === false) {
    io.stdout('gitgrant break-glass: dry run: would not apply (--no-apply); nothing committed, no review issue opened\n');
    return EXIT.ok;
  }
  const code = await runApply(io, { prefix: 'gitgrant break-glass', root, now, concurrency: 8, dryRun: true, pending: [{ path: draft.path, text: draft.text }], ...maxRemovalsOf(options) });
  io.stdout('gitgrant break-glass: dry run: nothing committed, applied or notified; no review issue opened\n');
  return code;
}

/** Break-glass applies unattended, so its removal guard is on unless raised: the apply workflow's limit. */
const DEFAULT_MAX_REMOVALS = '10%';

function maxRemovalsOf(options: BreakGlassOptions): { maxRemovals: string } {
  return { maxRemovals: options.maxRemovals ?? DEFAULT_MAX_REMOVALS };
}
