/**
 * gitgrant's mark on a GCP binding, and the time window GCP enforces. Pure.
 *
 * Each binding gitgrant writes is a conditional binding of one member: the condition's title is
 * `gitgrant <binding id>` (how we recognise our own bindings), its description names the grants
 * for people, and its expression carries the window so access ends on time even if every workflow
 * is down.
 */
import type { GrantId, Instant } from '../model/types.js';
import type { Window } from '../plan/types.js';

const TITLE_PREFIX = 'gitgrant ';

export function conditionTitle(bindingId: string): string {
  return `${TITLE_PREFIX}${bindingId}`;
}

/** The binding id a condition title carries, or undefined when the binding is not gitgrant's. */
export function bindingIdFromTitle(title: string | null | undefined): string | undefined {
  if (!title?.startsWith(TITLE_PREFIX)) return undefined;
  const id = title.slice(TITLE_PREFIX.length);
  return id === '' ? undefined : id;
}

export function conditionDescription(grants: readonly GrantId[], window: Window): string {
  return `Granted by gitgrant for ${grants.join(', ')}; expires ${formatInstant(window.expires)}`;
}

/** `request.time >= timestamp("<starts>") && request.time < timestamp("<expires>")`, or only the bound that exists. */
export function windowExpression(window: Window): string {
  const before = `request.time < timestamp("${formatInstant(window.expires)}")`;
  if (window.starts === undefined) return before;
  return `request.time >= timestamp("${formatInstant(window.starts)}") && ${before}`;
}

const TIMESTAMP = String.raw`timestamp\("([^"]+)"\)`;
const EXPIRES_ONLY = new RegExp(String.raw`^request\.time < ${TIMESTAMP}$`);
const STARTS_AND_EXPIRES = new RegExp(String.raw`^request\.time >= ${TIMESTAMP} && request\.time < ${TIMESTAMP}$`);

/** The window of an expression gitgrant wrote; undefined for any other expression. */
export function parseWindowExpression(expression: string | null | undefined): Window | undefined {
  if (!expression) return undefined;
  const both = STARTS_AND_EXPIRES.exec(expression);
  if (both) {
    const starts = parseInstant(both[1]!);
    const expires = parseInstant(both[2]!);
    return starts === undefined || expires === undefined ? undefined : { starts, expires };
  }
  const only = EXPIRES_ONLY.exec(expression);
  const expires = only ? parseInstant(only[1]!) : undefined;
  return expires === undefined ? undefined : { expires };
}

/** RFC 3339 in UTC, with milliseconds only when they are not zero: `2026-11-22T18:00:00Z`. */
export function formatInstant(instant: Instant): string {
  return new Date(instant).toISOString().replace(/\.000Z$/, 'Z');
}

const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function parseInstant(text: string): Instant | undefined {
  if (!UTC_TIMESTAMP.test(text)) return undefined;
  const instant = Date.parse(text);
  // Date.parse rolls impossible dates over (Feb 30th); only accept text that formats back to itself.
  return Number.isNaN(instant) || formatInstant(instant) !== text.replace(/\.000Z$/, 'Z') ? undefined : instant;
}
