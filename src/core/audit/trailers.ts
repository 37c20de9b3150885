/**
 * The machine-readable part of the commits gitgrant's automation makes (expiry, revocations,
 * break-glass, standing access). Written by lifecycle and break-glass, read by audit: one format,
 * git trailers, so `git log --format=%(trailers)` and `git interpret-trailers` read it too.
 *
 *   Expire 2 grants: alice@example.com prod-db-readonly, bob@example.com prod-db-admin
 *
 *   Gitgrant-Action: expire
 *   Grant: grants/prod-db-readonly/alice-inc-1234.yaml
 *   Role: prod-db-readonly
 *   Grantee: alice@example.com
 *   Expired-At: 2026-11-22T18:00:00Z
 *   Revoked-At: 2026-11-22T18:04:12Z
 *   Grant: grants/prod-db-admin/bob-chg-1.yaml
 *   ...
 *
 * A commit carries one action; each grant's block starts with `Grant:`. A break-glass grant's block
 * also names its review issue, `Break-Glass-Review: #123`: the workflow opens the issue first, so
 * the binding of a use to its review is written by the automation alone, never by an issue body.
 */
import { formatInstant, parseInstant } from '../model/instant.js';
import type { Instant } from '../model/types.js';

export type LifecycleAction =
  | 'expire'            // past `expires`, revoked by the sweep
  | 'revoke-ticket'     // its ticket was closed
  | 'revoke-hr'         // HR says the grantee left or is unknown
  | 'revoke'            // early revocation requested with `gitgrant revoke`
  | 'break-glass'       // written straight to main by the break-glass workflow
  | 'standing';         // maintained by the HR standing-access job

export interface GrantTrailer {
  grant: string;
  role: string;
  grantee: string;
  expiredAt?: Instant;
  revokedAt?: Instant;
  /** Why, for people (the HR finding, the closed ticket, the incident). */
  reason?: string;
  incident?: string;
  requestedBy?: string;
  /** Break-glass: the number of the review issue the automation opened for this use. */
  review?: number;
}

export interface LifecycleCommit {
  action: LifecycleAction;
  grants: GrantTrailer[];
}

const ACTIONS: readonly LifecycleAction[] = ['expire', 'revoke-ticket', 'revoke-hr', 'revoke', 'break-glass', 'standing'];

/** Trailer values are one line each; anything a user wrote is folded to one line. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

export function formatTrailers(commit: LifecycleCommit): string {
  const lines = [`Gitgrant-Action: ${commit.action}`];
  for (const g of commit.grants) {
    lines.push(`Grant: ${oneLine(g.grant)}`, `Role: ${oneLine(g.role)}`, `Grantee: ${oneLine(g.grantee)}`);
    if (g.expiredAt !== undefined) lines.push(`Expired-At: ${formatInstant(g.expiredAt)}`);
    if (g.revokedAt !== undefined) lines.push(`Revoked-At: ${formatInstant(g.revokedAt)}`);
    if (g.incident !== undefined) lines.push(`Incident: ${oneLine(g.incident)}`);
    if (g.requestedBy !== undefined) lines.push(`Requested-By: ${oneLine(g.requestedBy)}`);
    if (g.reason !== undefined) lines.push(`Reason: ${oneLine(g.reason)}`);
    if (g.review !== undefined) lines.push(`Break-Glass-Review: #${g.review}`);
  }
  return lines.join('\n');
}

/** A full commit message: subject, blank line, optional body, blank line, trailers. */
export function formatCommitMessage(subject: string, commit: LifecycleCommit, body?: string): string {
  return [oneLine(subject), '', ...(body ? [body.trim(), ''] : []), formatTrailers(commit), ''].join('\n');
}

/**
 * Reads the trailers of a commit message (the last paragraph). Undefined for commits that are not
 * gitgrant's, including history older than the tool.
 */
export function parseTrailers(message: string): LifecycleCommit | undefined {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const pairs = last.split('\n').map((line) => /^([A-Za-z-]+):\s?(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  const action = pairs.find((m) => m[1] === 'Gitgrant-Action')?.[2] as LifecycleAction | undefined;
  if (!action || !ACTIONS.includes(action)) return undefined;
  const grants: GrantTrailer[] = [];
  for (const [, key, value] of pairs) {
    if (key === 'Grant') {
      grants.push({ grant: value!, role: '', grantee: '' });
      continue;
    }
    const current = grants[grants.length - 1];
    if (!current) continue;
    if (key === 'Role') current.role = value!;
    else if (key === 'Grantee') current.grantee = value!;
    else if (key === 'Expired-At') current.expiredAt = parseInstant(value!);
    else if (key === 'Revoked-At') current.revokedAt = parseInstant(value!);
    else if (key === 'Incident') current.incident = value!;
    else if (key === 'Requested-By') current.requestedBy = value!;
    else if (key === 'Reason') current.reason = value!;
    else if (key === 'Break-Glass-Review' && /^#[1-9][0-9]{0,9}$/.test(value!)) current.review = Number(value!.slice(1));
  }
  return { action, grants };
}
