/** Writes grant files the way people write them: schema comment first, keys in a readable order. */
import { stringify } from 'yaml';
import { formatInstant } from './instant.js';
import type { Instant } from './types.js';

export interface GrantFileFields {
  grantee: string;
  reason: string;
  ticket?: string;
  starts?: Instant;
  expires: Instant;
  breakGlass?: boolean;
  incident?: string;
  standing?: boolean;
}

export const GRANT_SCHEMA_COMMENT = '# yaml-language-server: $schema=../../schemas/grant.schema.json';

export function renderGrantFile(fields: GrantFileFields): string {
  const ordered: Record<string, unknown> = { grantee: fields.grantee, reason: fields.reason };
  if (fields.ticket !== undefined) ordered.ticket = fields.ticket;
  if (fields.starts !== undefined) ordered.starts = formatInstant(fields.starts);
  ordered.expires = formatInstant(fields.expires);
  if (fields.breakGlass) ordered.breakGlass = true;
  if (fields.incident !== undefined) ordered.incident = fields.incident;
  if (fields.standing) ordered.standing = true;
  return `${GRANT_SCHEMA_COMMENT}\n${stringify(ordered, { version: '1.2', lineWidth: 0 })}`;
}

/** `alice-inc-1234.yaml`: the grantee's local part and the ticket (or a date), safe as a file name. */
export function grantFileName(grantee: string, ticket: string | undefined, at: Instant): string {
  const local = grantee.split('@')[0] ?? 'grant';
  const suffix = ticket ?? formatInstant(at).slice(0, 16).replace(/[-:T]/g, '');
  return `${slug(local)}-${slug(suffix)}.yaml`;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'grant';
}
