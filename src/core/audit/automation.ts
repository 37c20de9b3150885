/**
 * Whose lifecycle trailers count. Pure.
 *
 * Author and committer are whatever the person making a commit says, and a pull request's own
 * commits reach main through merges, so trailers in a message prove nothing by themselves. What a
 * person cannot do, when the ruleset forbids direct pushes to main to everyone but the gitgrant
 * App (its only bypass actor), is put a commit of their own on main's first-parent line: every
 * first-parent commit is either the App's push or a merge GitHub made (merge commit, squash or
 * rebase, all committed by GitHub). So the rule is: **trailers count only on a first-parent
 * commit of main whose committer is the automation's identity**. Anything else that carries them
 * is a person's change, dated by its commit, and reported.
 */
import type { AutomationIdentity } from '../model/policy-sections.js';
import type { LifecycleAction } from './trailers.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function isAutomationCommitter(identity: AutomationIdentity, committerName: string, committerEmail: string): boolean {
  if (committerName !== identity.name) return false;
  if (identity.email !== undefined) return committerEmail.toLowerCase() === identity.email.toLowerCase();
  return new RegExp(`^[0-9]+\\+${escapeRegExp(identity.name)}@users\\.noreply\\.github\\.com$`, 'i').test(committerEmail);
}

/** A commit carrying gitgrant's trailers that the automation did not make: a finding, and a human change. */
export interface ForgedTrailers {
  commit: string;
  /** When it landed (its committer date; for a side-branch commit, what its committer claimed). */
  at: number;
  /** `Name <email>` of the committer. */
  committer: string;
  action: LifecycleAction;
  why: string;
}

/** Standing-access commits reach main through a reviewed pull request by design; their trailers claim nothing. */
export function trailersClaimSomething(action: LifecycleAction): boolean {
  return action !== 'standing';
}

export function notAutomationReason(identity: AutomationIdentity, committer: string, onFirstParent: boolean): string {
  if (!onFirstParent) return 'not on main\'s first-parent line: it reached main through a merge, so a person made it whatever its author says';
  return `committed by ${committer}, not by the automation (${identity.email ? `${identity.name} <${identity.email}>` : identity.name})`;
}
