/**
 * Merges the records of several HR sources into one person per email. Sources are given in the
 * order the policy lists them: a later source fills gaps an earlier one left, and where two
 * sources disagree the earlier one wins and a warning names both places.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Email } from '../model/types.js';
import { describeOrigin, recordDiagnostic, type HrReadResult, type HrRecord } from './record.js';

const FILLABLE = ['status', 'department', 'title', 'manager', 'employeeNumber'] as const;

function conflict(later: HrRecord, earlier: HrRecord, field: string, before: unknown, decision: string): Diagnostic {
  const here = JSON.stringify(later[field as keyof HrRecord]);
  return recordDiagnostic(
    later.origin,
    'warning',
    'HR_SOURCE_CONFLICT',
    `${later.email}: \`${field}\` is ${here} here but ${JSON.stringify(before)} in ${describeOrigin(earlier.origin)}; ${decision}`,
    'correct the source that is wrong, or drop one of the sources from the policy',
  );
}

/** Folds `later` into `merged` (a copy of the first record seen for this email). */
function fold(merged: HrRecord, first: HrRecord, later: HrRecord, diagnostics: Diagnostic[]): void {
  if (merged.active !== later.active) {
    // Fail closed: if any source says the person is gone, access must not outlive that word.
    diagnostics.push(conflict(later, first, 'active', merged.active, 'treating the person as inactive'));
    merged.active = false;
  }
  for (const field of FILLABLE) {
    const value = later[field];
    if (value === undefined) continue;
    if (merged[field] === undefined) (merged as unknown as Record<string, unknown>)[field] = value;
    else if (merged[field] !== value) diagnostics.push(conflict(later, first, field, merged[field], `using ${JSON.stringify(merged[field])}`));
  }
}

/**
 * One record per email, in first-seen order. A person listed twice in the same source is warned
 * about too (`HR_PERSON_DUPLICATE`): an export with repeated rows is usually a broken export.
 * A record is copied only when a second one for the same person is folded into it: most people
 * appear once, and a large export is mostly those.
 */
export function mergeHrRecords(records: readonly HrRecord[]): HrReadResult {
  const merged = new Map<Email, { first: HrRecord; value: HrRecord }>();
  const diagnostics: Diagnostic[] = [];
  for (const record of records) {
    const seen = merged.get(record.email);
    if (!seen) {
      merged.set(record.email, { first: record, value: record });
      continue;
    }
    if (seen.first.origin.source === record.origin.source) {
      const summary = `${record.email} is listed again; first at ${describeOrigin(seen.first.origin)}`;
      diagnostics.push(recordDiagnostic(record.origin, 'warning', 'HR_PERSON_DUPLICATE', summary, 'remove the repeated row from the export'));
    }
    if (seen.value === seen.first) seen.value = { ...seen.first };
    fold(seen.value, seen.first, record, diagnostics);
  }
  return { records: [...merged.values()].map((entry) => entry.value), diagnostics };
}
