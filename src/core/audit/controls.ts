/**
 * The controls of the access procedure (seed 001, section 5) and which events of the audit trail
 * evidence each. One table: the report, the dashboard and the policy documents read the same rows.
 */
import type { EndKind } from './lifecycle-types.js';
import type { AuditEvent, EventKind } from './events.js';

export interface Control {
  framework: string;
  reference: string;
  title: string;
  /** Sections of the procedure (seed 001) that implement it. */
  sections: string;
  /** What gitgrant does that meets it, in one sentence. */
  how: string;
  kinds: readonly EventKind[];
  /** For `ended` events: which endings count (all when absent). */
  endKinds?: readonly EndKind[];
  /** Which figures of the period to state as facts. */
  facts: readonly FactName[];
}

export type FactName =
  | 'requests' | 'approvals' | 'unrecorded' | 'selfApprovals' | 'extensions' | 'ended' | 'expired' | 'early'
  | 'hr' | 'ticket' | 'breakGlass' | 'longest' | 'grantees' | 'roleChanges' | 'exceptions' | 'verified';

const HITRUST = 'HITRUST CSF v11.2.0';
const SOC2 = 'SOC 2 Trust Services Criteria';
const HIPAA = 'HIPAA Security Rule';
const NIST = 'NIST Cybersecurity Framework';

export const CONTROLS: readonly Control[] = [
  {
    framework: HITRUST, reference: '11.a', title: 'User Access Management', sections: '4.1, 4.3',
    how: 'Access is granted only by a reviewed pull request adding a grant file, and removed when the file is deleted; verify reads the cloud back to prove it ended.',
    kinds: ['requested', 'approved', 'unrecorded-approval', 'ended', 'verified'], facts: ['requests', 'approvals', 'unrecorded', 'ended', 'verified'],
  },
  {
    framework: HITRUST, reference: '11.d', title: 'User Access Review', sections: '4.3, 4.5',
    how: 'Holders are compared nightly with HR data and ticket state; exceptions revoke access or open an issue.',
    kinds: ['ended', 'verified'], endKinds: ['revoked-hr', 'revoked-ticket', 'revoked'], facts: ['hr', 'ticket', 'early', 'exceptions', 'verified'],
  },
  {
    framework: HITRUST, reference: '11.f', title: 'Privileged Access Management', sections: '4.2, 4.6',
    how: 'Every grant is time-boxed; the deadline is written into the cloud policy, the sweep removes what is left, and verify proves from the cloud that access ended.',
    kinds: ['requested', 'break-glass', 'ended', 'verified'], endKinds: ['expired', 'break-glass-ended'], facts: ['requests', 'longest', 'expired', 'breakGlass', 'verified'],
  },
  {
    framework: HITRUST, reference: '02.b', title: 'Information Security Roles and Responsibilities', sections: '4.1',
    how: 'Roles, their owners (the approvers) and their cloud permissions are files changed only by reviewed pull requests.',
    kinds: ['role-changed'], facts: ['roleChanges'],
  },
  {
    framework: SOC2, reference: 'CC6.1', title: 'Logical Access Security', sections: 'All',
    how: 'Cloud access exists only as the union of active grant files; everything else is reported as drift.',
    kinds: ['requested', 'break-glass', 'ended'], facts: ['requests', 'grantees', 'ended', 'breakGlass'],
  },
  {
    framework: SOC2, reference: 'CC6.2', title: 'Access Management', sections: '4.3',
    how: 'Registration and authorisation are the grant PR and its approvals; removal is the file\'s deletion, proven in the cloud by verify.',
    kinds: ['requested', 'approved', 'unrecorded-approval', 'ended', 'verified'], facts: ['requests', 'approvals', 'unrecorded', 'ended', 'verified'],
  },
  {
    framework: HIPAA, reference: '45 CFR § 164.308(a)(4)', title: 'Information Access Management', sections: '4.1-4.6',
    how: 'Access is authorised per request by the role owners, and every change to it (extension) is authorised again.',
    kinds: ['approved', 'unrecorded-approval', 'changed'], facts: ['approvals', 'unrecorded', 'extensions'],
  },
  {
    framework: NIST, reference: 'PR.AC-4', title: 'Access Permissions Management', sections: '4.3',
    how: 'Least privilege and separation of duties: roles map to specific permissions, and no one approves their own request.',
    kinds: ['approved', 'changed'], facts: ['approvals', 'selfApprovals', 'extensions'],
  },
  {
    framework: NIST, reference: 'PR.AC-6', title: 'Identity and Credential Management', sections: '4.2',
    how: 'Every grant names one person by their HR primary key (email), mapped to each cloud\'s identity; no shared accounts.',
    kinds: ['requested', 'ended'], endKinds: ['revoked-hr'], facts: ['grantees', 'hr'],
  },
];

export function controlName(control: Control): string {
  return `${control.framework} ${control.reference} - ${control.title}`;
}

export function evidences(control: Control, event: AuditEvent): boolean {
  if (!control.kinds.includes(event.kind)) return false;
  if (event.kind !== 'ended' || !control.endKinds) return true;
  return control.endKinds.includes(event.endKind as EndKind);
}
