/** Team membership, as the gate needs it: only *active* members count, pending invitations do not. */
import type { GitHubClient } from './client.js';

export interface TeamDirectory {
  /** Is `login` an active member of `team` (`@org/team` or `org/team`)? */
  isActiveMember(login: string, team: string): Promise<boolean>;
}

export interface TeamName {
  org: string;
  slug: string;
}

/** `@org/team` or `org/team` → its parts; undefined for anything else (e.g. a `@login`). */
export function parseTeam(principal: string): TeamName | undefined {
  const match = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+)$/.exec(principal);
  return match ? { org: match[1]!, slug: match[2]! } : undefined;
}

/** Answers are cached for the life of the directory: one instance per run. */
export function octokitTeamDirectory(octokit: GitHubClient): TeamDirectory {
  const cache = new Map<string, Promise<boolean>>();
  return {
    isActiveMember(login, team) {
      const name = parseTeam(team);
      if (!name) throw new Error(`Not a team: ${JSON.stringify(team)}. Fix: pass a team as @org/team.`);
      const key = `${name.org}/${name.slug}/${login}`.toLowerCase();
      let answer = cache.get(key);
      if (!answer) {
        answer = lookUpMembership(octokit, name, login);
        cache.set(key, answer);
      }
      return answer;
    },
  };
}

async function lookUpMembership(octokit: GitHubClient, team: TeamName, login: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org: team.org, team_slug: team.slug, username: login });
    return data.state === 'active';
  } catch (error) {
    // 404 is GitHub's answer for "not a member"; anything else (auth, outage) must not read as "no".
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
