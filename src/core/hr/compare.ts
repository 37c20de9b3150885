/**
 * The nightly HR comparison: who holds or approved access that HR says they should not. Pure and
 * deterministic: time is an input, records are indexed by email once, and findings come out
 * sorted, so 50,000 people against 10,000 grants is one pass over each.
 *
 * Run it only on HR data read without errors: a person missing because their row was broken
 * would otherwise be reported as unknown to HR, and lose access for a typo.
 */
import { createHash } from 'node:crypto';
import type { AccessRepo, Email, GitHubPrincipal, Grant, GrantId, Instant, Role, RoleName } from '../model/types.js';
import { DEFAULT_HR_CONFIG, type HrAction, type HrConfig } from '../model/policy-sections.js';
import { describeMismatch, eligibilityMismatches } from './eligibility.js';
import { employmentStatus, hasLeft, type HrRecord } from './record.js';
import { compareText } from '../text/compare-text.js';

export type HrFindingKind = 'HR_GRANTEE_TERMINATED' | 'HR_GRANTEE_UNKNOWN' | 'HR_GRANTEE_INELIGIBLE' | 'HR_APPROVER_LEFT';

export interface HrFinding {
  kind: HrFindingKind;
  /** sha256 of kind, role and person: the same situation on another night has the same fingerprint. */
  fingerprint: string;
  action: HrAction;
  role: RoleName;
  /** The grantee, or for HR_APPROVER_LEFT the approver who left. */
  person: Email;
  /** The grants concerned, sorted. */
  grants: GrantId[];
  /** One line for people; plain text, to be escaped by whoever renders it. */
  summary: string;
  /** Who must act: the role's owners (the policy's owners when the role is missing). */
  notify: GitHubPrincipal[];
}

export type HrActions = Pick<HrConfig, 'onTerminated' | 'onIneligible' | 'onApproverLeft'>;

export interface CompareInput {
  repo: AccessRepo;
  /** Merged HR records, one per email. */
  records: readonly HrRecord[];
  now: Instant;
  /** Approver emails of each active grant (GitHub logins already mapped to emails). */
  approvals: ReadonlyMap<GrantId, readonly Email[]>;
  /** What to do on each kind of finding; the defaults when absent. */
  actions?: HrActions;
}

const KIND_ORDER: HrFindingKind[] = ['HR_GRANTEE_TERMINATED', 'HR_GRANTEE_UNKNOWN', 'HR_GRANTEE_INELIGIBLE', 'HR_APPROVER_LEFT'];

export function findingFingerprint(kind: HrFindingKind, role: RoleName, person: Email): string {
  return createHash('sha256').update(`${kind}\n${role}\n${person}`).digest('hex');
}

/** Grants that give access now or will: scheduled grants of a leaver matter as much as current ones. */
function isLive(grant: Grant, now: Instant): boolean {
  return grant.expires > now;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function leftBecause(record: HrRecord | undefined): string {
  return record ? `is ${employmentStatus(record)} in HR` : 'is not in the HR data';
}

interface Draft {
  kind: HrFindingKind;
  role: RoleName;
  person: Email;
  grants: GrantId[];
  describe: (grants: GrantId[]) => string;
}

/** Collects one finding per (kind, role, person), with every grant it concerns. */
class Findings {
  private readonly drafts = new Map<string, Draft>();

  add(kind: HrFindingKind, role: RoleName, person: Email, grant: GrantId, describe: Draft['describe']): void {
    const key = `${kind}\n${role}\n${person}`;
    const draft = this.drafts.get(key);
    if (draft) draft.grants.push(grant);
    else this.drafts.set(key, { kind, role, person, grants: [grant], describe });
  }

  finish(repo: AccessRepo, actions: HrActions): HrFinding[] {
    const actionOf: Record<HrFindingKind, HrAction> = {
      HR_GRANTEE_TERMINATED: actions.onTerminated,
      HR_GRANTEE_UNKNOWN: actions.onTerminated,
      HR_GRANTEE_INELIGIBLE: actions.onIneligible,
      HR_APPROVER_LEFT: actions.onApproverLeft,
    };
    return [...this.drafts.values()]
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareText(a.role, b.role) || compareText(a.person, b.person))
      .map((draft) => {
        const grants = [...draft.grants].sort();
        return {
          kind: draft.kind,
          fingerprint: findingFingerprint(draft.kind, draft.role, draft.person),
          action: actionOf[draft.kind],
          role: draft.role,
          person: draft.person,
          grants,
          summary: draft.describe(grants),
          notify: notifyFor(repo, repo.roles.get(draft.role)),
        };
      });
  }
}

function notifyFor(repo: AccessRepo, role: Role | undefined): GitHubPrincipal[] {
  const owners = role && role.owners.length > 0 ? role.owners : repo.policy.owners;
  return [...new Set(owners)].sort();
}

function checkGrantee(grant: Grant, record: HrRecord | undefined, role: Role | undefined, findings: Findings): void {
  if (!record || hasLeft(record)) {
    const kind = record ? 'HR_GRANTEE_TERMINATED' : 'HR_GRANTEE_UNKNOWN';
    findings.add(kind, grant.role, grant.grantee, grant.id, (grants) =>
      `${grant.grantee} ${leftBecause(record)} but holds ${plural(grants.length, 'grant')} for role ${grant.role}`,
    );
    return;
  }
  if (!role?.eligible) return;
  const mismatches = eligibilityMismatches(record, role.eligible);
  if (mismatches.length === 0) return;
  findings.add('HR_GRANTEE_INELIGIBLE', grant.role, grant.grantee, grant.id, (grants) =>
    `${grant.grantee} is no longer eligible for role ${grant.role} (${mismatches.map(describeMismatch).join('; ')}) but holds ${plural(grants.length, 'grant')}`,
  );
}

export function compareWithHr(input: CompareInput): HrFinding[] {
  const { repo, now, approvals } = input;
  const people = new Map<Email, HrRecord>();
  for (const record of input.records) people.set(record.email, record);
  const findings = new Findings();
  const grantsById = new Map<GrantId, Grant>();

  for (const grant of repo.grants) {
    if (!isLive(grant, now)) continue;
    grantsById.set(grant.id, grant);
    checkGrantee(grant, people.get(grant.grantee), repo.roles.get(grant.role), findings);
  }

  for (const [id, approvers] of approvals) {
    const grant = grantsById.get(id);
    if (!grant) continue;
    for (const approver of new Set(approvers)) {
      const record = people.get(approver);
      if (record && !hasLeft(record)) continue;
      findings.add('HR_APPROVER_LEFT', grant.role, approver, grant.id, (grants) =>
        `${approver} approved ${plural(grants.length, 'live grant')} for role ${grant.role} and ${leftBecause(record)}`,
      );
    }
  }
  return findings.finish(repo, input.actions ?? DEFAULT_HR_CONFIG);
}
