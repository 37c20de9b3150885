/**
 * The checks that stand between an incident and a break-glass grant, besides the policy engine's
 * caps: the role allows it, the actor is on its `who` list (teams: active members only), the actor
 * maps to a grantee, and the actor has no open break-glass review (when the policy blocks on it).
 */
import type { Email, GitHubPrincipal, Policy, Role } from '../../model/types.js';
import type { IdentityConfig } from '../../plan/identity.js';
import { parseTeam, type TeamDirectory } from '../teams.js';
import type { BreakGlassReviews } from './break-glass-reviews.js';
import { emailForLogin, unknownLoginHint } from './people.js';

export interface BreakGlassSettings {
  /** Refuse an actor whose earlier break-glass review issue is still open. */
  blockWhileReviewOpen: boolean;
  reviewLabel: string;
}

export const DEFAULT_REVIEW_LABEL = 'break-glass-review';

/** The policy's `breakGlass:` section; blocking is the default, as the seeds ask for a review after every use. */
export function breakGlassSettings(policy: Policy): BreakGlassSettings {
  const raw = (policy.sections.breakGlass ?? {}) as { blockWhileReviewOpen?: unknown; reviewLabel?: unknown };
  return {
    blockWhileReviewOpen: raw.blockWhileReviewOpen !== false,
    reviewLabel: typeof raw.reviewLabel === 'string' && raw.reviewLabel.trim() ? raw.reviewLabel.trim() : DEFAULT_REVIEW_LABEL,
  };
}

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
  settings: BreakGlassSettings;
  teams: TeamDirectory;
  reviews: BreakGlassReviews;
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
  if (input.settings.blockWhileReviewOpen) {
    const open = await input.reviews.openFor(actor);
    for (const issue of open) {
      refusals.push({ summary: `${actor} has an open break-glass review (#${issue.number}: ${issue.title})`, hint: 'the review must be closed before the same person breaks glass again' });
    }
  }
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
