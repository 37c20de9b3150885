/**
 * The checks that stand between an incident and a break-glass grant, besides the policy engine's
 * caps: the role allows it, the actor is on its `who` list (teams: active members only), the actor
 * maps to a grantee, the use fits the person's break-glass budget, and every earlier use of theirs
 * has been reviewed (when the policy blocks on it): its review issue closed as completed by a
 * policy owner other than the actor. Which issue reviews which use is what the automation's commit
 * says (`Break-Glass-Review: #N`), not what an issue body says.
 */
import { judgeBudget, type BreakGlassUse } from '../core/jobs/break-glass-budget.js';
import { formatDuration } from '../core/model/duration.js';
import { formatInstant } from '../core/model/instant.js';
import type { BreakGlassPolicy, IdentityConfig } from '../core/model/policy-sections.js';
import type { BreakGlassBudget, Email, GitHubPrincipal, Instant, Millis, Role } from '../core/model/types.js';
import { parseTeam, type TeamDirectory } from '../adapters/github/teams.js';
import { reviewKey, type BreakGlassReviews, type ReviewIssue } from '../adapters/github/break-glass-reviews.js';
import { emailForLogin, unknownLoginHint } from './people.js';

export interface Refusal {
  summary: string;
  hint: string;
}

export interface BreakGlassCheck {
  refusals: Refusal[];
  grantee?: Email;
  /** The `who` entry that made the actor eligible. */
  eligibleVia?: GitHubPrincipal;
}

export interface BreakGlassCheckInput {
  role: Role;
  actor: string;
  identities: IdentityConfig;
  /** The policy's `breakGlass:` settings (blocking while a review is open is the default). */
  settings: Pick<BreakGlassPolicy, 'blockWhileReviewOpen' | 'reviewLabel'>;
  teams: TeamDirectory;
  reviews: BreakGlassReviews;
  /** The policy's owners: only they (other than the actor) can complete a review. */
  policyOwners: readonly GitHubPrincipal[];
  /** The App's bot login (policy `automation.name`): a review issue must have been opened by it. */
  automation: string;
  budget: BreakGlassBudget;
  now: Instant;
  duration: Millis;
  /** The grantee's break-glass uses on record (history of main and the grant files now). */
  uses(grantee: Email): Promise<BreakGlassUse[]>;
}

export async function checkBreakGlass(input: BreakGlassCheckInput): Promise<BreakGlassCheck> {
  const { role, actor } = input;
  const refusals: Refusal[] = [];
  if (!role.breakGlass?.allowed) {
    return { refusals: [{ summary: `role ${role.name} does not allow break-glass`, hint: 'request it with a pull request, or ask security to allow break-glass on the role' }] };
  }
  const eligibleVia = await eligibility(actor, role.breakGlass.who, input.teams);
  if (!eligibleVia) {
    refusals.push({ summary: `${actor} may not break glass on ${role.name}`, hint: `break-glass is for active members of ${role.breakGlass.who.join(', ') || '(nobody)'}` });
  }
  const grantee = emailForLogin(input.identities, actor);
  if (!grantee) refusals.push({ summary: `GitHub user ${actor} is not mapped to a grantee email`, hint: unknownLoginHint(actor) });
  const uses = grantee ? await input.uses(grantee) : [];
  if (grantee) {
    const refusal = budgetRefusal(grantee, uses, input.budget, input.now, input.duration);
    if (refusal) refusals.push(refusal);
  }
  if (input.settings.blockWhileReviewOpen) refusals.push(...(await reviewRefusals(input, uses)));
  return { refusals, ...(grantee ? { grantee } : {}), ...(eligibleVia ? { eligibleVia } : {}) };
}

async function eligibility(actor: string, who: readonly GitHubPrincipal[], teams: TeamDirectory): Promise<GitHubPrincipal | undefined> {
  const login = actor.replace(/^@/, '').toLowerCase();
  const user = who.find((p) => !parseTeam(p) && p.replace(/^@/, '').toLowerCase() === login);
  if (user) return user;
  for (const principal of who) {
    // Sequential on purpose: the first team that answers yes is enough, and most lists are short.
    if (parseTeam(principal) && (await teams.isActiveMember(actor, principal))) return principal;
  }
  return undefined;
}

function budgetRefusal(grantee: Email, uses: readonly BreakGlassUse[], budget: BreakGlassBudget, now: Instant, duration: Millis): Refusal | undefined {
  const decision = judgeBudget(uses, budget, now, duration);
  if (decision.allowed) return undefined;
  const per = `${formatDuration(budget.total)} break-glass budget per ${formatDuration(budget.window)}`;
  const when = decision.fitsAt === undefined
    ? `a ${formatDuration(duration)} use never fits it`
    : `a ${formatDuration(duration)} use fits again from ${formatInstant(decision.fitsAt)}`;
  return {
    summary: `${grantee} has used ${formatDuration(decision.used)} of the ${per} (${formatDuration(decision.left)} left); ${when}`,
    hint: 'ask the role\'s owners for a normal grant with a pull request; the budget is `breakGlass.budget` in policies/',
  };
}

/**
 * A review is done only when it is closed as completed by a policy owner who is not the actor:
 * closing your own review, or having a non-owner close it, or closing it as not planned, leaves it
 * blocking.
 *
 * Which issue reviews which use: for a use the automation made since the `Break-Glass-Review`
 * trailer exists, the issue its commit names, read by number; a marker in any other issue's body
 * counts for nothing, since anyone with write access can move it. Uses from before the trailer keep
 * the older rule: an issue whose hidden marker names the use and that was opened after the use
 * began. Either way, every use the automation made within the budget's window must have its review,
 * and every open or not-yet-completed issue carrying one of the actor's markers blocks too (removing
 * a label or a marker hides nothing; adding one only blocks its owner's next use).
 */
/** The review issue is opened right before the break-glass commit; this allows for clocks that differ. */
const REVIEW_CLOCK_SKEW_MS = 10 * 60 * 1000;

async function reviewRefusals(input: BreakGlassCheckInput, uses: readonly BreakGlassUse[]): Promise<Refusal[]> {
  const { actor } = input;
  const owners = input.policyOwners.join(', ') || '(none)';
  const refusals: Refusal[] = [];
  const bound = uses.filter((u) => u.byAutomation && u.review !== undefined);
  const boundNumbers = new Set(bound.map((u) => u.review));
  const reviews = await input.reviews.of(actor);
  // Bound reviews are judged below, by number; this is every other issue that carries the actor's marker.
  for (const issue of reviews) if (!boundNumbers.has(issue.number)) refusals.push(...(await stateRefusals(issue, input, owners)));

  const since = input.now - input.budget.window;
  const lostHint = (n: number) => `a policy owner (${owners}) finds out what happened to #${n} and reviews the use from its grant commit; the block lifts once the use is older than the ${formatDuration(input.budget.window)} budget window`;
  const judged = new Set<number>();
  for (const use of bound) {
    const n = use.review!;
    const inWindow = use.until > since;
    const issue = await input.reviews.get(n);
    const what = `${actor}'s break-glass use ${use.grant} (from ${formatInstant(use.from)})`;
    if (!issue) {
      if (inWindow) refusals.push({ summary: `${what} names review issue #${n} in its commit, but the repository has no such issue`, hint: lostHint(n) });
      continue;
    }
    // The automation opens the review just before it commits the use: an issue anyone else opened,
    // or one older than the use, cannot be its review (however the commit came to name it).
    if (!sameLogin(issue.openedBy, input.automation)) {
      if (inWindow) refusals.push({ summary: `${what} names review issue #${n}, which ${issue.openedBy || 'an account GitHub does not name'} opened, not the automation (${input.automation})`, hint: lostHint(n) });
      continue;
    }
    if (issue.createdAt < use.from - REVIEW_CLOCK_SKEW_MS) {
      if (inWindow) refusals.push({ summary: `${what} names review issue #${n}, which was opened before the use began`, hint: lostHint(n) });
      continue;
    }
    if (judged.has(n)) continue;
    judged.add(n);
    refusals.push(...(await stateRefusals(issue, input, owners)));
  }

  for (const use of uses) {
    if (!use.byAutomation || use.review !== undefined || use.until <= since) continue;
    const name = use.grant.slice(use.grant.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
    // A use from before the trailer: the marker in a body can be edited by anyone with write access,
    // so it alone cannot tie an issue to a use: the issue must also have been opened after the use
    // began (GitHub's own timestamp), or an old issue a policy owner once closed could be re-marked.
    if (reviews.some((r) => r.key === reviewKey(name) && r.createdAt >= use.from - REVIEW_CLOCK_SKEW_MS)) continue;
    refusals.push({
      summary: `${actor}'s break-glass use ${use.grant} (from ${formatInstant(use.from)}) has no review issue labelled ${input.settings.reviewLabel}`,
      hint: `its issue may have lost its label or its hidden marker: a policy owner (${owners}) restores them and closes it as completed once reviewed`,
    });
  }
  return refusals;
}

/** What keeps one review issue from counting as done: open, closed by the wrong person, or not as completed. */
async function stateRefusals(issue: Omit<ReviewIssue, 'key'>, input: BreakGlassCheckInput, owners: string): Promise<Refusal[]> {
  const { actor } = input;
  const label = `#${issue.number} (${issue.title})`;
  const completeHint = `a policy owner (${owners}) other than ${actor} reviews the use, then reopens the issue and closes it as completed`;
  if (issue.state === 'open') {
    return [{ summary: `${actor} has an open break-glass review (#${issue.number}: ${issue.title})`, hint: `the review must be closed as completed by a policy owner (${owners}) other than ${actor} before ${actor} breaks glass again` }];
  }
  if (!(await isReviewer(issue, input))) {
    return [{ summary: `${actor}'s break-glass review ${label} was closed by ${issue.closedBy ?? 'an account GitHub does not name'}, not by a policy owner other than ${actor}`, hint: completeHint }];
  }
  if (issue.stateReason !== 'completed') {
    return [{ summary: `${actor}'s break-glass review ${label} was closed as ${issue.stateReason ?? 'no reason'}, not as completed`, hint: completeHint }];
  }
  return [];
}

function sameLogin(a: string, b: string): boolean {
  return a.replace(/^@/, '').toLowerCase() === b.replace(/^@/, '').toLowerCase();
}

async function isReviewer(issue: Omit<ReviewIssue, 'key'>, input: BreakGlassCheckInput): Promise<boolean> {
  const login = issue.closedBy?.replace(/^@/, '').toLowerCase();
  if (!login || login === input.actor.replace(/^@/, '').toLowerCase()) return false;
  for (const owner of input.policyOwners) {
    if (!parseTeam(owner)) {
      if (owner.replace(/^@/, '').toLowerCase() === login) return true;
    } else if (await input.teams.isActiveMember(login, owner)) {
      return true;
    }
  }
  return false;
}
