/** Renders `access-at` as text for people or JSON for scripts. Pure. */
import { plainText } from '../render/escape.js';
import type { Instant } from '../model/types.js';
import type { HeldAccess } from './access-at.js';
import { time } from './events.js';

export function renderAccessText(at: Instant, held: readonly HeldAccess[]): string {
  const people = new Set(held.map((h) => h.grantee)).size;
  const lines = [`Access at ${time(at)}: ${held.length} grant(s), ${people} person(s)`];
  for (const h of held) {
    lines.push(`${plainText(h.grantee)}  ${plainText(h.role)}${h.breakGlass ? '  (break-glass)' : ''}  ${plainText(h.grant)}  since ${time(h.since)}`);
    if (h.roleMissing) lines.push('  no cloud access: the role was not defined (or did not load) at that time');
    for (const t of h.targets) lines.push(`  ${plainText(t.target)}  until ${t.until === undefined ? 'unknown' : time(t.until)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderAccessJson(at: Instant, held: readonly HeldAccess[]): string {
  return JSON.stringify({ at: time(at), access: held.map((h) => ({ ...h, since: time(h.since), targets: h.targets.map((t) => ({ ...t, until: t.until === undefined ? null : time(t.until) })) })) }, null, 2) + '\n';
}
