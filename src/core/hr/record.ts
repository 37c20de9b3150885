/**
 * One person as HR sees them, normalised the same way whichever source they came from, so the
 * comparison never has to know whether a fact came from a JSON export, a CSV file or SCIM.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { email, type Email } from '../model/types.js';

/** Where a record was read, for diagnostics and for the merge's conflict warnings. */
export interface HrOrigin {
  /** The configured source's name, e.g. `hr/people.csv` or `scim:https://scim.example.com/scim/v2`. */
  source: string;
  /** Repo-relative file, for file sources. */
  file?: string;
  /** 1-based line of the record in `file`. */
  line?: number;
  /** A source-specific handle when there is no file, e.g. the SCIM user id. */
  ref?: string;
}

export interface HrRecord {
  email: Email;
  /** False for anyone HR no longer counts as working here (terminated, inactive, suspended). */
  active: boolean;
  /** Lower-case employment status as HR wrote it (`active`, `leave`, `terminated`), when it did. */
  status?: string;
  department?: string;
  title?: string;
  manager?: Email;
  employeeNumber?: string;
  origin: HrOrigin;
}

export interface HrReadResult {
  records: HrRecord[];
  diagnostics: Diagnostic[];
}

export interface FileSourceName {
  /** Repo-relative path, used in diagnostics. */
  file: string;
  /** The source's name in merge warnings; defaults to the file. */
  source?: string;
}

/** The fields a source may supply, before normalisation. */
export interface HrFields {
  email?: unknown;
  active?: unknown;
  status?: unknown;
  department?: unknown;
  title?: unknown;
  manager?: unknown;
  employeeNumber?: unknown;
}

/** Statuses that mean the person has left or may not work, when the source gives no `active` flag. */
const INACTIVE_STATUSES = new Set(['terminated', 'inactive', 'suspended']);

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** ASCII text is its own NFC form; asking ICU costs more than the rest of reading a field. */
const ASCII = /^[\x00-\x7f]*$/;

/** `text.normalize('NFC')`, skipped for ASCII: an HR export has tens of thousands of fields, almost all ASCII. */
function nfc(text: string): string {
  return ASCII.test(text) ? text : text.normalize('NFC');
}

/** Lower-case NFC email, or undefined when the text is not an email address. */
export function normaliseEmail(raw: string): Email | undefined {
  const value = nfc(raw.trim()).toLowerCase();
  return EMAIL_SHAPE.test(value) ? email(value) : undefined;
}

/** Whether a row's raw email names one of `emails`, read as `normaliseEmail` reads it. */
export function namesOneOf(raw: unknown, emails: ReadonlySet<Email>): boolean {
  if (typeof raw !== 'string') return false;
  const normalised = normaliseEmail(raw);
  return normalised !== undefined && emails.has(normalised);
}

/** The status eligibility rules compare against: HR's own word, or one derived from `active`. */
export function employmentStatus(record: HrRecord): string {
  return record.status ?? (record.active ? 'active' : 'inactive');
}

/** Whether HR says the person no longer works here. */
export function hasLeft(record: HrRecord): boolean {
  return !record.active || record.status === 'terminated';
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

type Parsed<T> = { ok: true; value: T | undefined } | { ok: false; problem: string };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function parseText(name: string, value: unknown): Parsed<string> {
  if (isBlank(value)) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value: nfc(value.trim()) };
  if (typeof value === 'number') return { ok: true, value: String(value) };
  return { ok: false, problem: `\`${name}\` must be text` };
}

function parseActive(value: unknown): Parsed<boolean> {
  if (isBlank(value)) return { ok: true, value: undefined };
  if (typeof value === 'boolean') return { ok: true, value };
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return { ok: false, problem: `\`active\` must be true or false, not "${String(value)}"` };
}

function parseEmail(name: string, value: unknown): Parsed<Email> {
  const text = parseText(name, value);
  if (!text.ok || text.value === undefined) return text as Parsed<Email>;
  const normalised = normaliseEmail(text.value);
  return normalised ? { ok: true, value: normalised } : { ok: false, problem: `\`${name}\` is not an email address: "${text.value}"` };
}

/**
 * Builds a record from raw fields, or says what is wrong with them. A row must name the person
 * and say whether they work here (`active` or `status`): guessing either would let a typo grant
 * or revoke access.
 */
export function recordFromFields(fields: HrFields, origin: HrOrigin): { record: HrRecord } | { problem: string } {
  const problems: string[] = [];
  const take = <T>(parsed: Parsed<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    problems.push(parsed.problem);
    return undefined;
  };
  const person = take(parseEmail('email', fields.email));
  const active = take(parseActive(fields.active));
  const status = take(parseText('status', fields.status))?.toLowerCase();
  const department = take(parseText('department', fields.department));
  const title = take(parseText('title', fields.title));
  const manager = take(parseEmail('manager', fields.manager));
  const employeeNumber = take(parseText('employeeNumber', fields.employeeNumber));
  if (isBlank(fields.email)) problems.push('`email` is missing');
  if (isBlank(fields.active) && isBlank(fields.status)) {
    problems.push('neither `active` nor `status` is given, so it is unknown whether this person works here');
  }
  if (problems.length > 0 || person === undefined) return { problem: problems.join('; ') };

  const record: HrRecord = { email: person, active: active ?? !INACTIVE_STATUSES.has(status!), origin };
  if (status !== undefined) record.status = status;
  if (department !== undefined) record.department = department;
  if (title !== undefined) record.title = title;
  if (manager !== undefined) record.manager = manager;
  if (employeeNumber !== undefined) record.employeeNumber = employeeNumber;
  return { record };
}

/** Human name of a record's place: `hr/people.csv:12` or `scim:… user 2819c223`. */
export function describeOrigin(origin: HrOrigin): string {
  if (origin.file) return origin.line ? `${origin.file}:${origin.line}` : origin.file;
  return origin.ref ? `${origin.source} (${origin.ref})` : origin.source;
}

/** A diagnostic about one record, placed at its line when it has one. */
export function recordDiagnostic(
  origin: HrOrigin,
  severity: Diagnostic['severity'],
  code: string,
  summary: string,
  hint?: string,
): Diagnostic {
  const diagnostic: Diagnostic = { severity, code, summary, hint };
  if (origin.file) {
    const start = { line: origin.line ?? 1, col: 1 };
    Object.assign(diagnostic, { file: origin.file, start, end: start });
  } else if (origin.ref) {
    diagnostic.summary = `${origin.source} ${origin.ref}: ${summary}`;
  }
  return diagnostic;
}

const ROW_INVALID_HINT = 'fix the row in the HR export; until then this person counts as unknown to HR';

/** Adds the person built from `fields` to `into`, or a diagnostic saying what is wrong with the row. */
export function addPerson(into: HrReadResult, fields: HrFields, origin: HrOrigin): void {
  const built = recordFromFields(fields, origin);
  if ('record' in built) into.records.push(built.record);
  else addRowProblem(into, origin, built.problem);
}

export function addRowProblem(into: HrReadResult, origin: HrOrigin, summary: string): void {
  into.diagnostics.push(recordDiagnostic(origin, 'error', 'HR_ROW_INVALID', summary, ROW_INVALID_HINT));
}

/** The result of a file nobody can read person by person: one error, no records. */
export function unreadableFile(origin: HrOrigin, summary: string, hint: string): HrReadResult {
  return { records: [], diagnostics: [recordDiagnostic(origin, 'error', 'HR_FILE_INVALID', summary, hint)] };
}
