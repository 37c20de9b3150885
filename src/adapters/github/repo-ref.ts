/**
 * GitHub repository and issue references: `owner/repo`, `#123`, `owner/repo#123`. One pattern for
 * a repository's full name, used wherever one is read (GITHUB_REPOSITORY, the origin remote, a
 * grant's ticket). Pure.
 */
import type { IssueRef, RepoRef } from '../../core/gate/github-types.js';

/** `owner/repo`: an owner is letters, digits and dashes; a repository name adds `_` and `.`. */
const FULL_NAME = '([A-Za-z0-9-]+)/([A-Za-z0-9_.-]+)';
const REPO_REF = new RegExp(`^${FULL_NAME}$`);
const ISSUE_REF = new RegExp(`^(?:${FULL_NAME})?#([1-9][0-9]*)$`);

export function parseRepoRef(fullName: string | undefined): RepoRef | undefined {
  const match = REPO_REF.exec(fullName?.trim() ?? '');
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

/** `https://github.com/o/r(.git)`, `git@github.com:o/r(.git)` or `ssh://git@host/o/r`; undefined for anything else. */
export function repoRefFromRemoteUrl(url: string): RepoRef | undefined {
  const match = /^(?:https?:\/\/[^/]+\/|ssh:\/\/[^/]+\/|[^@\s]+@[^:\s]+:)([^/\s]+\/[^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match ? parseRepoRef(match[1]) : undefined;
}

/** `#123` (in `home`) or `owner/repo#123`; undefined when the ticket is not a GitHub issue. */
export function parseIssueRef(ticket: string, home: RepoRef): IssueRef | undefined {
  const match = ISSUE_REF.exec(ticket.trim());
  if (!match) return undefined;
  const number = Number(match[3]);
  return match[1] && match[2] ? { owner: match[1], repo: match[2], number } : { ...home, number };
}
