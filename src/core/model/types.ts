/**
 * The domain model of an access repository, as loaded from YAML. Every identifier has its own
 * branded type so a grantee can never be passed where a role name is expected.
 */
import type {
  AnomalyConfig, ApplySettings, AutomationIdentity, AwsSettings, BreakGlassPolicy, ExceptionsConfig, HrConfig, IdentityConfig, ReconcileSettings,
} from './policy-sections.js';
import type { SourceMap } from './source-map.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Repo-relative path of a grant file, e.g. `grants/prod-db-readonly/alice-inc-1234.yaml`. */
export type GrantId = Brand<string, 'GrantId'>;
export type RoleName = Brand<string, 'RoleName'>;
/** Normalised (lower-case, NFC) email: the HR primary key of a person. */
export type Email = Brand<string, 'Email'>;
/** A GitHub principal as written in owners/approvals: `@login` or `@org/team`. */
export type GitHubPrincipal = Brand<string, 'GitHubPrincipal'>;

export const grantId = (path: string) => path as GrantId;
export const roleName = (name: string) => name as RoleName;
export const email = (value: string) => value as Email;
export const gitHubPrincipal = (value: string) => value as GitHubPrincipal;

/** Milliseconds since the epoch. Durations are in milliseconds too. */
export type Instant = number;
export type Millis = number;

export interface Grant {
  id: GrantId;
  /** The folder under grants/: the role this grant is for. */
  role: RoleName;
  grantee: Email;
  reason: string;
  ticket?: string;
  /** Absent: the grant starts when it is merged (treated as "already started"). */
  starts?: Instant;
  expires: Instant;
  breakGlass: boolean;
  /** Incident reference for break-glass grants. */
  incident?: string;
  /** Written by the HR standing-access job; such grants are renewed, not requested. */
  standing: boolean;
  source: SourceMap;
}

export type PermissionLevel = 'ReadOnly' | 'ReadWrite' | 'Admin';

export interface ApprovalLevel {
  name: string;
  count: number;
  from: GitHubPrincipal[];
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface AutoApproveWindow {
  days: Weekday[];
  /** HH:MM local time in `timezone`, inclusive. */
  from: string;
  /** HH:MM local time in `timezone`, exclusive. */
  to: string;
  timezone: string;
  /** Longest grant the window approves on its own. */
  maxDuration?: Millis;
}

export interface AutoApprove {
  windows: AutoApproveWindow[];
  /** Requesters (grantee emails or `@login`s) whose requests are approved automatically. */
  requesters: string[];
}

export interface Eligibility {
  departments?: string[];
  titles?: string[];
  employmentStatus?: string[];
}

export interface BreakGlassSettings {
  allowed: boolean;
  maxDuration?: Millis;
  /** Who may break glass: GitHub teams or users. */
  who: GitHubPrincipal[];
  /** Who is told when glass is broken. */
  notify: GitHubPrincipal[];
}

export interface AwsIamTarget {
  kind: 'aws';
  account: string;
  strategy: 'iam';
  /** The role the grantee may assume while the grant is active. */
  roleName: string;
}

export interface AwsIdentityCenterTarget {
  kind: 'aws';
  account: string;
  strategy: 'identity-center';
  instanceArn: string;
  permissionSetArn: string;
  /** The permission set's session duration: the most access can outlive the sweep by. */
  sessionDuration?: Millis;
}

export type AwsTarget = AwsIamTarget | AwsIdentityCenterTarget;

export interface GcpTarget {
  kind: 'gcp';
  /** `projects/<id>`, `folders/<n>` or `organizations/<n>`. */
  resource: string;
  role: string;
}

export type Target = AwsTarget | GcpTarget;

export interface Role {
  name: RoleName;
  description: string;
  owners: GitHubPrincipal[];
  permissionLevel?: PermissionLevel;
  /** Production roles need a ticket when the policy says `tickets.required: production`. */
  production: boolean;
  defaultDuration?: Millis;
  maxDuration?: Millis;
  approvals: ApprovalLevel[];
  autoApprove?: AutoApprove;
  exempt: string[];
  eligible?: Eligibility;
  /** Standing access derived from HR attributes (lifecycle). */
  standing?: Eligibility;
  exclusive: boolean;
  breakGlass?: BreakGlassSettings;
  targets: Target[];
  source: SourceMap;
}

export interface Escalation {
  name: string;
  /** Applies when a grant lasts longer than this. */
  aboveDuration: Millis;
  approvals: ApprovalLevel;
}

export interface CustomRule {
  id: string;
  /** A CEL expression that must be true for the grant to be allowed. */
  expression: string;
  message: string;
  severity: 'error' | 'warning';
}

/** At most `total` break-glass time per person within any `window` (policy `breakGlass.budget`). */
export interface BreakGlassBudget {
  total: Millis;
  window: Millis;
}

export type TicketRequirement = 'always' | 'production' | 'never';

export interface Policy {
  owners: GitHubPrincipal[];
  durations: {
    default: Millis;
    max: Millis;
    breakGlassMax: Millis;
  };
  escalations: Escalation[];
  tickets: { required: TicketRequirement; pattern?: string };
  reasons: { minLength: number };
  allowDuplicateGrants: boolean;
  /** Email domains a grantee may have; absent: any. */
  grantDomains?: string[];
  rules: CustomRule[];
  breakGlass: BreakGlassPolicy;
  identities: IdentityConfig;
  aws: AwsSettings;
  hr: HrConfig;
  exceptions: ExceptionsConfig;
  anomalies: AnomalyConfig;
  apply: ApplySettings;
  reconcile: ReconcileSettings;
  automation: AutomationIdentity;
  /**
   * Sections that may not hold what the files say, because a file that sets them (`'*'`: a file
   * that did not even parse, which may set any) did not load, or a value in them was refused. They
   * hold defaults or what was written; read them with `sectionFailures` before acting on them.
   */
  refused: readonly { section: string; file: string }[];
  /** Which file each top-level key came from, for diagnostics. */
  sources: Record<string, SourceMap>;
}

export interface AccessRepo {
  policy: Policy;
  roles: Map<RoleName, Role>;
  grants: Grant[];
}
