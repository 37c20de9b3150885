/**
 * GitHub logins back to grantees: the identities section maps an email to a login
 * (`identities.people.<email>.github`); break-glass and issue requests need the reverse.
 */
import type { IdentityConfig } from '../core/model/policy-sections.js';
import { email, type Email } from '../core/model/types.js';

/** Undefined when nobody, or more than one person, has this login: a guess would grant the wrong person. */
export function emailForLogin(config: IdentityConfig, login: string): Email | undefined {
  const key = login.replace(/^@/, '').toLowerCase();
  const matches = Object.entries(config.people).filter(([, person]) => person.github?.replace(/^@/, '').toLowerCase() === key);
  return matches.length === 1 ? email(matches[0]![0]) : undefined;
}

export function unknownLoginHint(login: string): string {
  return `add \`identities: { people: { you@example.com: { github: ${login} } } }\` to a file under policies/ (security owns it)`;
}
