/**
 * HR at request time: a grant asked for someone HR marks as gone (terminated, inactive) or does not
 * know is refused (or warned about, per `hr.atRequest`) by `validate`, `new-grant`, `request` and
 * the gate, instead of waiting for the nightly comparison to revoke it after it was applied. Pure:
 * the HR records, and which sources could not be read here, are inputs.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer } from '../model/source-map.js';
import type { Email, Grant, Instant } from '../model/types.js';
import type { HrAtRequest } from '../model/policy-sections.js';
import { employmentStatus, hasLeft, type HrRecord } from './record.js';

/** What is known about HR where the check runs. */
export interface HrAtRequestView {
  mode: HrAtRequest;
  /** Merged records of every source that could be read. */
  records: readonly HrRecord[];
  /** Names of the sources that were read, for messages (`hr/people.json`). */
  read: readonly string[];
  /**
   * Sources that cannot be read where this runs (a SCIM source without its token, as in a pull
   * request check, which has no secrets). Someone missing from the sources that were read may be
   * in these, so "unknown to HR" is not claimed; "gone" still is, as any source saying so wins.
   */
  unread: readonly string[];
  /** The HR data had errors (a broken row): someone missing may be missing because of them. */
  hadErrors: boolean;
}

export const HR_AT_REQUEST_CODES = {
  left: 'GRANT_GRANTEE_LEFT',
  unknown: 'GRANT_GRANTEE_NOT_IN_HR',
  unchecked: 'GRANT_GRANTEE_HR_UNCHECKED',
} as const;

/**
 * Findings for `grants`, the grants being requested (added or changed), placed at each one's
 * `grantee:`. Grants that ended before `now` are left alone: nothing is being requested.
 */
export function checkGranteesAtRequest(grants: readonly Grant[], view: HrAtRequestView, now: Instant): Diagnostic[] {
  const people = new Map<Email, HrRecord>(view.records.map((r) => [r.email, r]));
  const severity = view.mode === 'refuse' ? 'error' : 'warning';
  const sources = view.read.join(', ') || 'no source';
  const diagnostics: Diagnostic[] = [];
  for (const grant of grants) {
    if (grant.expires <= now) continue;
    const record = people.get(grant.grantee);
    const at = (code: string, summary: string, hint: string, level: Diagnostic['severity'] = severity) => {
      const span = locate(grant.source, pointer(['grantee']));
      diagnostics.push({ severity: level, code, summary, hint, file: grant.source.file, start: span.start, end: span.end });
    };
    if (record && hasLeft(record)) {
      at(
        HR_AT_REQUEST_CODES.left,
        `${grant.grantee} is ${employmentStatus(record)} in HR (${record.origin.file ?? record.origin.source}); access cannot be requested for them`,
        'check the grantee; if HR is wrong, correct the HR record first',
      );
    } else if (!record && view.unread.length === 0) {
      const broken = view.hadErrors ? '; the HR data also has read errors (see above), which may be why' : '';
      at(HR_AT_REQUEST_CODES.unknown, `${grant.grantee} is not in the HR data (${sources})${broken}`, 'check the address (HR knows people by their work email), or wait until HR lists the person');
    } else if (!record) {
      // Fail closed only where the data is: the sources that were not read here are checked where
      // they can be (the gate with the token, the nightly run).
      at(
        HR_AT_REQUEST_CODES.unchecked,
        `${grant.grantee} is not in the HR sources read here (${sources}); ${view.unread.join(', ')} could not be read here`,
        'the gate checks again where every HR source can be read; the nightly hr-check revokes access HR does not back',
        'notice',
      );
    }
  }
  return diagnostics;
}
