/**
 * The organisation the GitHub command tests share: who is who on GitHub, in which team, and the
 * policy that maps their emails to logins. Each test adds the roles and grants it is about.
 */
import { aPolicy, aRole } from '../../support/builders/model.js';

/** email → GitHub login, written into the policy's identities section. */
export const PEOPLE: Record<string, string> = {
  'alice@example.com': 'alice',
  'bob@example.com': 'bob',
  'carol@example.com': 'carol',
  'olga@example.com': 'olga',
};

export const TEAMS = {
  appOwners: 'acme/app-owners',
  dbOwners: 'acme/db-owners',
  security: 'acme/security',
  directors: 'acme/directors',
  vp: 'acme/vp',
  oncall: 'acme/oncall',
};

export const at = (team: string) => `@${team}`;

export function accessPolicy() {
  return aPolicy()
    .withSection('owners', [at(TEAMS.security)])
    .escalatingAbove('72h', 'vp-approval', at(TEAMS.vp))
    .withSection('identities', { people: Object.fromEntries(Object.entries(PEOPLE).map(([email, github]) => [email, { github }])) });
}

/** The default role of the builders, approved by one app owner. */
export const appReadonly = () => aRole('app-readonly').ownedBy(at(TEAMS.appOwners)).withApprovals({ name: 'owners', count: 1, from: [at(TEAMS.appOwners)] });
