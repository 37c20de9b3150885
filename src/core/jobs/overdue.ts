/**
 * Failed expiries as the nightly sees them, pure: a grant still on main well after it expired means
 * the sweep has been failing (its own findings live in its run logs), so people are told here.
 */
import { formatInstant } from '../model/instant.js';
import type { AccessRepo, Instant } from '../model/types.js';
import { fingerprint, ownersOf, type Finding } from './findings.js';
import { compareText } from '../text/compare-text.js';

export function overdueExpiries(repo: AccessRepo, now: Instant, graceMinutes: number): Finding[] {
  const limit = now - graceMinutes * 60_000;
  return repo.grants
    .filter((g) => g.expires <= limit)
    .sort((a, b) => compareText(a.id, b.id))
    .map((g) => ({
      kind: 'EXPIRY_OVERDUE',
      source: 'expire',
      fingerprint: fingerprint('EXPIRY_OVERDUE', g.id),
      summary: `${g.id} (${g.grantee}) expired at ${formatInstant(g.expires)} and is still on main`,
      details: ['The expiry sweep has not managed to revoke it; see the expire workflow runs for the failing target. The cloud condition still ends access where the target supports one.'],
      outcome: 'failed',
      role: g.role,
      grants: [g.id],
      notify: ownersOf(repo, g.role),
    }));
}
