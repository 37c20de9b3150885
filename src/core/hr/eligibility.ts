/**
 * Whether a person's HR attributes match a role's `eligible` (or `standing`) attributes. Values are
 * compared case-insensitively: HR systems and role authors rarely agree on capitals.
 */
import type { Eligibility } from '../model/types.js';
import { employmentStatus, type HrRecord } from './record.js';

export type EligibilityAttribute = 'department' | 'title' | 'employmentStatus';

export interface EligibilityMismatch {
  attribute: EligibilityAttribute;
  /** The values the role accepts, as the role wrote them. */
  expected: string[];
  /** The person's value, absent when HR has none. */
  actual?: string;
}

const fold = (value: string) => value.normalize('NFC').trim().toLowerCase();

/** Folded accepted values, computed once per role rather than once per grant. */
const folded = new WeakMap<string[], Set<string>>();

function accepts(values: string[], actual: string | undefined): boolean {
  let set = folded.get(values);
  if (!set) {
    set = new Set(values.map(fold));
    folded.set(values, set);
  }
  return actual !== undefined && set.has(fold(actual));
}

/** Every attribute the person fails; empty when they are eligible. An empty list in the role accepts nobody. */
export function eligibilityMismatches(record: HrRecord, eligibility: Eligibility): EligibilityMismatch[] {
  const checks: [EligibilityAttribute, string[] | undefined, string | undefined][] = [
    ['department', eligibility.departments, record.department],
    ['title', eligibility.titles, record.title],
    ['employmentStatus', eligibility.employmentStatus, employmentStatus(record)],
  ];
  const mismatches: EligibilityMismatch[] = [];
  for (const [attribute, expected, actual] of checks) {
    if (expected && !accepts(expected, actual)) mismatches.push(actual === undefined ? { attribute, expected } : { attribute, expected, actual });
  }
  return mismatches;
}

export function describeMismatch(mismatch: EligibilityMismatch): string {
  const actual = mismatch.actual === undefined ? 'missing' : `"${mismatch.actual}"`;
  return `${mismatch.attribute} is ${actual}, not one of ${mismatch.expected.map((v) => `"${v}"`).join(', ')}`;
}
