/**
 * The typed sections of the policy (everything under policies/ besides the caps and rules in
 * types.ts) and their defaults. Their shapes are checked by schemas/policy.schema.json (and its
 * fragments), each object with `additionalProperties: false`, so a misspelt key fails `validate`
 * at its line; what a schema cannot say (a real time zone, hours in order, identity templates) is
 * checked when the sections are read (policy-section-checks.ts). Consumers read these values and
 * never the YAML.
 */
import type { BreakGlassBudget, Weekday } from './types.js';

// --- identities: how a grantee's email becomes each cloud's principal -------------------------

export interface PersonIdentity {
  gcp?: string;
  awsIamUser?: string;
  identityCenterUserName?: string;
  github?: string;
}

export interface IdentityConfig {
  gcp: string;
  awsIamUser: string;
  identityCenterUserName: string;
  /** Keyed by normalised (trimmed, lower-case) email. */
  people: Record<string, PersonIdentity>;
}

export const DEFAULT_IDENTITIES: IdentityConfig = {
  gcp: 'user:{email}',
  awsIamUser: '{email}',
  identityCenterUserName: '{email}',
  people: {},
};

/** A template's `{email}` and `{local}` (the part before @) filled in for one person. */
export function expandIdentityTemplate(template: string, email: string): string {
  return template.replace(/\{email\}/g, email).replace(/\{local\}/g, email.split('@')[0] ?? email);
}

// --- aws: how gitgrant reaches the AWS accounts -----------------------------------------------

export interface AwsSettings {
  region?: string;
  accountRoleName?: string;
  identityCenterAccount?: string;
  /** The RoleSessionName, so CloudTrail shows gitgrant's calls as gitgrant's. */
  sessionName: string;
}

export const DEFAULT_SESSION_NAME = 'gitgrant';

// --- hr: where HR data comes from and what to do on each finding ------------------------------

export type HrAction = 'revoke' | 'report';

/** What `validate`, `new-grant`, `request` and the gate do with a grant for someone HR marks as gone or does not know. */
export type HrAtRequest = 'refuse' | 'warn';

/** The fields a CSV source maps from its own column names (schemas/fragments/hr.schema.json lists the same). */
export const HR_COLUMNS = ['email', 'active', 'status', 'department', 'title', 'manager', 'employeeNumber'] as const;
export type HrColumn = (typeof HR_COLUMNS)[number];

interface SourceCommon {
  /** A short name for diagnostics and merge warnings; defaults to the path or URL. */
  name?: string;
}

export interface JsonSourceConfig extends SourceCommon {
  kind: 'json';
  /** Repo-relative path. */
  path: string;
}

export interface CsvSourceConfig extends SourceCommon {
  kind: 'csv';
  path: string;
  /** Column header for each field, when it is not the field's own name. */
  columns?: Partial<Record<HrColumn, string>>;
}

export interface ScimSourceConfig extends SourceCommon {
  kind: 'scim';
  /** Base URL of the SCIM 2.0 service, e.g. `https://scim.example.com/scim/v2`. */
  url: string;
  /** The environment variable holding the bearer token: tokens never live in the repo. */
  tokenEnv: string;
  pageSize?: number;
  timeoutSeconds?: number;
}

export type HrSourceConfig = JsonSourceConfig | CsvSourceConfig | ScimSourceConfig;

export interface HrConfig {
  /** Empty: no HR source is configured, and nothing is compared with HR. */
  sources: HrSourceConfig[];
  onTerminated: HrAction;
  onIneligible: HrAction;
  onApproverLeft: HrAction;
  atRequest: HrAtRequest;
}

/** Defaults: a leaver loses access at once; softer findings go to people first. */
export const DEFAULT_HR_CONFIG: HrConfig = {
  sources: [],
  onTerminated: 'revoke',
  onIneligible: 'report',
  onApproverLeft: 'report',
  atRequest: 'refuse',
};

// --- exceptions: the exception issues ---------------------------------------------------------

export interface ExceptionsConfig {
  /** Every exception issue carries it; kinds add `exception:<kind>`. */
  label: string;
  /** An expired grant still on main after this long is overdue. */
  expiryGraceMinutes: number;
}

export const DEFAULT_EXCEPTIONS_CONFIG: ExceptionsConfig = { label: 'gitgrant-exception', expiryGraceMinutes: 60 };

// --- anomalies: thresholds of the exception-based monitoring rules ----------------------------

export interface WorkingHours {
  timezone: string;
  days: Weekday[];
  /** HH:MM, inclusive. */
  from: string;
  /** HH:MM, exclusive. */
  to: string;
}

export interface AnomalyConfig {
  /** Grants started within this many days are looked at. */
  lookbackDays: number;
  /** The same person taking the same role this often within `days`. */
  repeatedUse: { count: number; days: number };
  /** Absent: the off-hours rule does not run. */
  workingHours?: WorkingHours;
  approverConcentration: { share: number; minimum: number };
}

export const DEFAULT_ANOMALY_CONFIG: AnomalyConfig = {
  lookbackDays: 30,
  repeatedUse: { count: 3, days: 30 },
  approverConcentration: { share: 0.8, minimum: 5 },
};

// --- breakGlass (policy-wide), apply, reconcile, automation -----------------------------------

export interface BreakGlassPolicy {
  budget: BreakGlassBudget;
  /** Refuse an actor whose earlier break-glass review issue is still open. */
  blockWhileReviewOpen: boolean;
  /** Label of the post-incident review issues. */
  reviewLabel: string;
}

export const DEFAULT_REVIEW_LABEL = 'break-glass-review';

export interface ApplySettings {
  /** Principals a plan may never remove (the automation's own access). */
  protected: string[];
}

export interface ReconcileSettings {
  /** Set by a policy that hopes reconcile removes access gitgrant did not make: it only reports it. */
  removeUnmanaged: boolean;
}

/** The git identity the workflows give the App's commits (`git config user.name/user.email`). */
export interface AutomationIdentity {
  /** `<app-slug>[bot]`. */
  name: string;
  /** Exact email; unset: GitHub's noreply address of the bot user, `<id>+<name>@users.noreply.github.com`. */
  email?: string;
}

/** The App the setup guide creates is called gitgrant. */
export const DEFAULT_AUTOMATION: AutomationIdentity = { name: 'gitgrant[bot]' };

/** The sections a job may depend on; see `sectionFailures` in policy.ts. */
export type PolicySection = 'identities' | 'aws' | 'hr' | 'exceptions' | 'anomalies' | 'breakGlass' | 'apply' | 'reconcile' | 'automation';
