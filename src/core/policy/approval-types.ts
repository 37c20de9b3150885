/**
 * The approval requirement of one grant: computed once, by `approvalRequirement()` in the policy
 * engine, and consumed by the PR gate, apply, expiry and audit. Nothing else re-derives it.
 */
import type { Email, GitHubPrincipal, GrantId, Instant } from '../model/types.js';

/** Where a rule was written, so people can find it. */
export interface RuleSource {
  file: string;
  line: number;
}

export interface RequiredLevel {
  /** e.g. `owners`, `security`, or an escalation's name such as `vp-approval`. */
  name: string;
  /** How many distinct approvers from `from` this level needs. */
  count: number;
  /** GitHub users (`@login`) and teams (`@org/team`) whose members may approve this level. */
  from: GitHubPrincipal[];
  /** Why this level applies, in words: `role prod-db-admin, approval level 2` or `escalation ...`. */
  because: string;
  kind: 'role' | 'escalation' | 'policy-owners';
  source?: RuleSource;
}

export interface Waiver {
  kind: 'auto-approve-window' | 'auto-approve-requester' | 'exempt';
  /** e.g. `role dev-sandbox auto-approves Mon-Fri 09:00-17:00 Europe/London`. */
  because: string;
  /** For windows: the clock that decided: the instant, the time zone and the local time there. */
  clock?: { at: Instant; timezone: string; local: string };
  source?: RuleSource;
}

export interface ApprovalRequirement {
  grant: GrantId;
  /** Every level must be met; an empty list with no waiver cannot happen (roles need >= 1 level). */
  levels: RequiredLevel[];
  /** When set, no human approval is needed, and `levels` lists what would have been needed. */
  waivedBy?: Waiver;
  /**
   * An exempt or auto-approve list that names the grantee or the requester but does not waive this
   * grant, because they are not the same person: the lists waive approval only for the listed
   * person's own access. Or an auto-approval window open now whose maxDuration the grant's stretch
   * of continuous access passes. Shown by `explain` and the gate so nobody wonders why it did not apply.
   */
  notWaived?: { kind: 'exempt' | 'auto-approve-requester' | 'auto-approve-window'; because: string };
  /** Never count as approvers of this grant: the grantee and the requester. */
  cannotApprove: { grantee: Email; requester?: string };
}

/** What is known about the request, in a PR: who opened it and when it is being evaluated. */
export interface RequestContext {
  /** GitHub login of the PR author (without `@`). */
  author?: string;
  /**
   * The person who asked, by email: the author mapped through `identities.people` (for the app's
   * PRs from an issue, the author). Absent when the login maps to nobody or to more than
   * one person; then no exempt or auto-approve list can waive approval.
   */
  requester?: Email;
  /** The instant the request is judged at (PR event time, or `now`). */
  at: Instant;
}
