/** Which GitHub repository a command works on: `GITHUB_REPOSITORY` in Actions, else the `origin` remote. */
import type { RepoRef } from './types.js';

export function parseRepoRef(fullName: string | undefined): RepoRef | undefined {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName?.trim() ?? '');
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

/** `https://github.com/o/r(.git)`, `git@github.com:o/r(.git)` or `ssh://git@host/o/r`; undefined for anything else. */
export function repoRefFromRemoteUrl(url: string): RepoRef | undefined {
  const match = /^(?:https?:\/\/[^/]+\/|ssh:\/\/[^/]+\/|[^@\s]+@[^:\s]+:)([^/\s]+\/[^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match ? parseRepoRef(match[1]) : undefined;
}
