/**
 * How a grantee (an email, the HR key) becomes each cloud's principal. Convention by default,
 * overridable per person in the policy's `identities` section:
 *
 *   identities:
 *     gcp: 'user:{email}'                  # or group:{email}, serviceAccount:{local}@proj.iam.gserviceaccount.com
 *     awsIamUser: '{email}'                # the IAM user name in each account
 *     identityCenterUserName: '{email}'    # the Identity Store UserName (looked up to a user id)
 *     people:
 *       alice@example.com: { gcp: 'user:alice@acme.example', awsIamUser: alice, github: alice-gh }
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer } from '../model/source-map.js';
import type { Email, Policy } from '../model/types.js';

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
  people: Record<string, PersonIdentity>;
}

export const DEFAULT_IDENTITIES: IdentityConfig = {
  gcp: 'user:{email}',
  awsIamUser: '{email}',
  identityCenterUserName: '{email}',
  people: {},
};

const GCP_MEMBER = /^(user|group|serviceAccount):[^\s:]+@[^\s:]+$/;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const TEMPLATE_FIELDS = /\{(?!email\}|local\})[^}]*\}/;

export function identityConfig(policy: Policy): { config: IdentityConfig; diagnostics: Diagnostic[] } {
  const raw = (policy.sections.identities ?? {}) as Partial<IdentityConfig>;
  const config: IdentityConfig = { ...DEFAULT_IDENTITIES, ...raw, people: {} };
  const diagnostics: Diagnostic[] = [];
  const source = policy.sources.identities;
  const problem = (path: (string | number)[], summary: string, hint: string) => {
    if (!source) return;
    const span = locate(source, pointer(['identities', ...path]));
    diagnostics.push({ severity: 'error', code: 'IDENTITY_INVALID', summary, hint, file: source.file, start: span.start, end: span.end });
  };
  const unknownPlaceholder = (key: keyof Omit<IdentityConfig, 'people'>) => TEMPLATE_FIELDS.test(config[key]);
  for (const key of ['gcp', 'awsIamUser', 'identityCenterUserName'] as const) {
    if (unknownPlaceholder(key)) problem([key], `\`${config[key]}\` uses a placeholder other than {email} or {local}`, 'templates know {email} and {local} (the part before @)');
  }
  if (!unknownPlaceholder('gcp') && !GCP_MEMBER.test(expand(config.gcp, 'a@b.c'))) problem(['gcp'], `\`${config.gcp}\` does not make a GCP member`, 'start with user:, group: or serviceAccount:');
  // Otherwise every IAM grant would fail at apply time, one target at a time.
  if (!unknownPlaceholder('awsIamUser') && !IAM_USER_NAME.test(expand(config.awsIamUser, 'a@b.c'))) {
    problem(['awsIamUser'], `\`${config.awsIamUser}\` does not make a valid IAM user name`, 'IAM user names use letters, digits and +=,.@_- (at most 64)');
  }
  const byLogin = new Map<string, { login: string; people: string[] }>();
  for (const [person, identity] of Object.entries(raw.people ?? {})) {
    const key = person.trim().toLowerCase();
    // Two entries for one person: the later would silently replace the earlier login, so the
    // grantee could approve under the login that lost.
    if (config.people[key]) {
      const summary = `${key} is listed twice (the addresses differ only in case or spaces)`;
      if (source) {
        const span = locate(source, pointer(['identities', 'people', person]));
        diagnostics.push({ severity: 'error', code: 'IDENTITY_PERSON_DUPLICATE', summary, hint: 'keep one entry per person', file: source.file, start: span.start, end: span.end });
      }
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
    if (source) {
      const span = locate(source, pointer(['identities', 'people', last, 'github']));
      diagnostics.push({
        severity: 'error',
        code: 'IDENTITY_LOGIN_SHARED',
        summary: `GitHub login \`${login}\` is mapped to ${people.length} people (${[...people].sort().join(', ')})`,
        hint: 'each person has their own GitHub login; fix the wrong entry',
        file: source.file,
        start: span.start,
        end: span.end,
      });
    }
  }
  return { config, diagnostics };
}

function expand(template: string, email: string): string {
  return template.replace(/\{email\}/g, email).replace(/\{local\}/g, email.split('@')[0] ?? email);
}

export function gcpMember(config: IdentityConfig, grantee: Email): string {
  return config.people[grantee]?.gcp ?? expand(config.gcp, grantee);
}

export function awsIamUserArn(config: IdentityConfig, grantee: Email, account: string): string {
  return `arn:aws:iam::${account}:user/${config.people[grantee]?.awsIamUser ?? expand(config.awsIamUser, grantee)}`;
}

export function identityCenterUserName(config: IdentityConfig, grantee: Email): string {
  return config.people[grantee]?.identityCenterUserName ?? expand(config.identityCenterUserName, grantee);
}

export function githubLogin(config: IdentityConfig, grantee: Email): string | undefined {
  return config.people[grantee]?.github;
}
