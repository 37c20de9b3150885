/**
 * Reads the policy sections from the merged, schema-checked policy data into their types
 * (policy-sections.ts), checking what a schema cannot: real time zones, hours in order, identity
 * templates that make valid principals, one login per person. Each problem points at the value
 * that caused it, so `validate` reports it on the pull request that wrote it. Pure.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  DEFAULT_ANOMALY_CONFIG, DEFAULT_AUTOMATION, DEFAULT_EXCEPTIONS_CONFIG, DEFAULT_HR_CONFIG, DEFAULT_IDENTITIES, DEFAULT_REVIEW_LABEL, DEFAULT_SESSION_NAME,
  expandIdentityTemplate,
  type AnomalyConfig, type ApplySettings, type AutomationIdentity, type AwsSettings, type ExceptionsConfig, type HrConfig, type IdentityConfig, type PersonIdentity,
  type ReconcileSettings,
} from './policy-sections.js';
import { locate, pointer, type SourceMap } from './source-map.js';

/** The sections as written in the policy files, once schemas/policy.schema.json has checked them. */
export interface SectionFields {
  identities?: Partial<Omit<IdentityConfig, 'people'>> & { people?: Record<string, PersonIdentity> };
  aws?: Partial<AwsSettings>;
  hr?: Partial<HrConfig>;
  exceptions?: Partial<ExceptionsConfig>;
  anomalies?: Partial<AnomalyConfig>;
  breakGlass?: { blockWhileReviewOpen?: boolean; reviewLabel?: string; budget?: { total?: string; window?: string } };
  apply?: { protected?: string[] };
  reconcile?: { removeUnmanaged?: boolean };
  automation?: { name: string; email?: string };
}

export interface Sections {
  identities: IdentityConfig;
  aws: AwsSettings;
  hr: HrConfig;
  exceptions: ExceptionsConfig;
  anomalies: AnomalyConfig;
  breakGlassSettings: { blockWhileReviewOpen: boolean; reviewLabel: string };
  apply: ApplySettings;
  reconcile: ReconcileSettings;
  automation: AutomationIdentity;
}

type Report = (path: (string | number)[], code: string, summary: string, hint: string) => void;

/** `refused`: the sections a problem was found in (they hold defaults for what was refused, or what was written). */
export function readSections(fields: SectionFields, sources: Readonly<Record<string, SourceMap>>): { sections: Sections; diagnostics: Diagnostic[]; refused: string[] } {
  const diagnostics: Diagnostic[] = [];
  const refused = new Set<string>();
  const report: Report = (path, code, summary, hint) => {
    refused.add(String(path[0]));
    const source = sources[String(path[0])];
    if (!source) return;
    const span = locate(source, pointer(path));
    diagnostics.push({ severity: 'error', code, summary, hint, file: source.file, start: span.start, end: span.end });
  };
  const aws = fields.aws ?? {};
  const sections: Sections = {
    identities: readIdentities(fields.identities ?? {}, report),
    aws: {
      ...(aws.region ? { region: aws.region } : {}),
      ...(aws.accountRoleName ? { accountRoleName: aws.accountRoleName } : {}),
      ...(aws.identityCenterAccount ? { identityCenterAccount: aws.identityCenterAccount } : {}),
      sessionName: aws.sessionName ?? DEFAULT_SESSION_NAME,
    },
    hr: { ...DEFAULT_HR_CONFIG, ...fields.hr },
    exceptions: { ...DEFAULT_EXCEPTIONS_CONFIG, ...fields.exceptions },
    anomalies: readAnomalies(fields.anomalies ?? {}, report),
    breakGlassSettings: {
      // Blocking is the default: the seeds ask for a review after every use.
      blockWhileReviewOpen: fields.breakGlass?.blockWhileReviewOpen ?? true,
      reviewLabel: fields.breakGlass?.reviewLabel?.trim() || DEFAULT_REVIEW_LABEL,
    },
    apply: { protected: fields.apply?.protected ?? [] },
    reconcile: { removeUnmanaged: fields.reconcile?.removeUnmanaged ?? false },
    automation: fields.automation ? { name: fields.automation.name, ...(fields.automation.email ? { email: fields.automation.email } : {}) } : DEFAULT_AUTOMATION,
  };
  return { sections, diagnostics, refused: [...refused].sort() };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readAnomalies(section: Partial<AnomalyConfig>, report: Report): AnomalyConfig {
  const value: AnomalyConfig = { ...DEFAULT_ANOMALY_CONFIG, ...section };
  const hours = section.workingHours;
  if (!hours) return value;
  let valid = true;
  if (!isTimeZone(hours.timezone)) {
    report(['anomalies', 'workingHours', 'timezone'], 'ANOMALY_CONFIG_INVALID', `unknown time zone \`${hours.timezone}\``, 'use an IANA name such as Europe/London or America/New_York');
    valid = false;
  }
  if (hours.from >= hours.to) {
    report(['anomalies', 'workingHours', 'to'], 'ANOMALY_CONFIG_INVALID', `working hours end (${hours.to}) before they start (${hours.from})`, 'the working day runs from `from` to `to` on the same day');
    valid = false;
  }
  // An off-hours rule on hours that make no sense would flag every grant, or none.
  if (!valid) delete value.workingHours;
  return value;
}

const GCP_MEMBER = /^(user|group|serviceAccount):[^\s:]+@[^\s:]+$/;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const TEMPLATE_FIELDS = /\{(?!email\}|local\})[^}]*\}/;

function readIdentities(raw: NonNullable<SectionFields['identities']>, report: Report): IdentityConfig {
  const config: IdentityConfig = { ...DEFAULT_IDENTITIES, ...raw, people: {} };
  const problem = (path: (string | number)[], summary: string, hint: string) => report(['identities', ...path], 'IDENTITY_INVALID', summary, hint);
  const unknownPlaceholder = (key: keyof Omit<IdentityConfig, 'people'>) => TEMPLATE_FIELDS.test(config[key]);
  for (const key of ['gcp', 'awsIamUser', 'identityCenterUserName'] as const) {
    if (unknownPlaceholder(key)) problem([key], `\`${config[key]}\` uses a placeholder other than {email} or {local}`, 'templates know {email} and {local} (the part before @)');
  }
  if (!unknownPlaceholder('gcp') && !GCP_MEMBER.test(expandIdentityTemplate(config.gcp, 'a@b.c'))) problem(['gcp'], `\`${config.gcp}\` does not make a GCP member`, 'start with user:, group: or serviceAccount:');
  // Otherwise every IAM grant would fail at apply time, one target at a time.
  if (!unknownPlaceholder('awsIamUser') && !IAM_USER_NAME.test(expandIdentityTemplate(config.awsIamUser, 'a@b.c'))) {
    problem(['awsIamUser'], `\`${config.awsIamUser}\` does not make a valid IAM user name`, 'IAM user names use letters, digits and +=,.@_- (at most 64)');
  }
  const byLogin = new Map<string, { login: string; people: string[] }>();
  for (const [person, identity] of Object.entries(raw.people ?? {})) {
    const key = person.trim().toLowerCase();
    // Two entries for one person: the later would silently replace the earlier login, so the
    // grantee could approve under the login that lost.
    if (config.people[key]) {
      report(['identities', 'people', person], 'IDENTITY_PERSON_DUPLICATE', `${key} is listed twice (the addresses differ only in case or spaces)`, 'keep one entry per person');
    }
    config.people[key] = identity;
    if (identity.github !== undefined) {
      const login = identity.github.replace(/^@/, '').toLowerCase();
      const entry = byLogin.get(login) ?? { login, people: [] };
      entry.people.push(key);
      byLogin.set(login, entry);
    }
    if (identity.gcp !== undefined && !GCP_MEMBER.test(identity.gcp)) problem(['people', person, 'gcp'], `\`${identity.gcp}\` is not a GCP member`, 'write user:name@domain, group:... or serviceAccount:...');
    if (identity.awsIamUser !== undefined && !IAM_USER_NAME.test(identity.awsIamUser)) problem(['people', person, 'awsIamUser'], `\`${identity.awsIamUser}\` is not a valid IAM user name`, 'IAM user names use letters, digits and +=,.@_- (at most 64)');
  }
  // One login for two people: an approval under it could be either, and either could be the grantee.
  for (const { login, people } of byLogin.values()) {
    if (people.length < 2) continue;
    const last = Object.keys(raw.people ?? {}).find((p) => p.trim().toLowerCase() === people.at(-1))!;
    report(['identities', 'people', last, 'github'], 'IDENTITY_LOGIN_SHARED', `GitHub login \`${login}\` is mapped to ${people.length} people (${[...people].sort().join(', ')})`, 'each person has their own GitHub login; fix the wrong entry');
  }
  return config;
}
