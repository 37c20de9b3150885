/**
 * Approvals as the nightly rules need them, pure, from the approval notes in history: by GitHub
 * login for the anomaly rules, by email (through `identities.people.*.github`) for the HR check.
 */
import type { IdentityConfig } from '../model/policy-sections.js';
import { email, type AccessRepo, type Email, type GrantId } from '../model/types.js';
import type { Approvals } from './anomalies.js';
import type { GrantEvent } from './grant-events.js';

const login = (handle: string) => handle.replace(/^@/, '').toLowerCase();

/** Undefined when no grant in history carries an approval note: the rule cannot run. */
export function approvalsByLogin(history: readonly GrantEvent[]): Approvals | undefined {
  const approvals = new Map<GrantId, { requester: string; approvers: string[] }>();
  for (const event of history) {
    if (!event.approval?.author) continue;
    approvals.set(event.grant, { requester: login(event.approval.author), approvers: event.approval.approvers.map((a) => login(a.login)) });
  }
  return approvals.size > 0 ? approvals : undefined;
}

export interface EmailApprovals {
  approvals: Map<GrantId, Email[]>;
  /** Approver logins no person in `identities.people` claims: they cannot be looked up in HR. */
  unmapped: string[];
}

/** The approvers of each grant on main, as HR emails; undefined when history has no approval note. */
export function approvalsByEmail(repo: AccessRepo, history: readonly GrantEvent[], identities: IdentityConfig): EmailApprovals | undefined {
  const latest = new Map<GrantId, GrantEvent>();
  for (const event of history) if (event.approval) latest.set(event.grant, event);
  if (latest.size === 0) return undefined;
  const byLogin = new Map<string, Email>();
  for (const [person, identity] of Object.entries(identities.people)) if (identity.github) byLogin.set(login(identity.github), email(person));
  const approvals = new Map<GrantId, Email[]>();
  const unmapped = new Set<string>();
  for (const grant of repo.grants) {
    const approvers = latest.get(grant.id)?.approval?.approvers ?? [];
    const emails: Email[] = [];
    for (const approver of approvers) {
      const found = byLogin.get(login(approver.login));
      if (found) emails.push(found);
      else unmapped.add(login(approver.login));
    }
    if (emails.length > 0) approvals.set(grant.id, emails);
  }
  return { approvals, unmapped: [...unmapped].sort() };
}
