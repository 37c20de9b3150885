/**
 * Reads an HR export in CSV with a header row. Pure: the caller reads the file. Quoting, embedded
 * newlines and BOMs are csv-parse's job; this module maps columns to fields and places problems
 * on the line the person starts on.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { HR_COLUMNS, type HrColumn } from '../../core/model/policy-sections.js';
import type { Email } from '../../core/model/types.js';
import { addPerson, addRowProblem, namesOneOf, unreadableFile, type FileSourceName, type HrFields, type HrReadResult } from '../../core/hr/record.js';

export type CsvColumns = Partial<Record<HrColumn, string>>;

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/** csv-parse reports the line a record ends on; a quoted field may span several. */
function startLine(row: ParsedRow): number {
  const newlines = row.record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
  return row.info.lines - newlines;
}

const headerKey = (name: string) => name.trim().toLowerCase();

/** Field → column index, or the problems with the header. */
function mapHeader(header: string[], columns: CsvColumns): { indexes: Map<HrColumn, number> } | { problems: string[] } {
  const positions = new Map(header.map((name, index) => [headerKey(name), index] as const));
  const indexes = new Map<HrColumn, number>();
  const problems: string[] = [];
  for (const field of HR_COLUMNS) {
    const column = columns[field] ?? field;
    const index = positions.get(headerKey(column));
    if (index !== undefined) indexes.set(field, index);
    else if (field === 'email' || columns[field] !== undefined) problems.push(`no column "${column}" for \`${field}\``);
  }
  if (!indexes.has('active') && !indexes.has('status')) problems.push('no `active` or `status` column, so nobody can be known to work here');
  return problems.length > 0 ? { problems } : { indexes };
}

/** `only`: build and check the rows of these people alone (see `HrLoadOptions.only`). */
export function readCsvHr(text: string, name: FileSourceName, columns: CsvColumns = {}, only?: ReadonlySet<Email>): HrReadResult {
  const { file } = name;
  const source = name.source ?? file;
  const fileProblem = (line: number, summary: string, hint: string) => unreadableFile({ source, file, line }, summary, hint);

  let rows: ParsedRow[];
  try {
    // One line ending for all: csv-parse counts a CRLF inside a quoted field as two lines.
    rows = parse(text.replace(/\r\n?/g, '\n'), { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as ParsedRow[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' ? error.lines : 1;
    return fileProblem(line, `not valid CSV: ${error.message}`, 'check the quoting around this line, or export the HR data again');
  }
  const [header, ...people] = rows;
  if (!header) return fileProblem(1, 'the file is empty; expected a header row', `start with a header such as ${HR_COLUMNS.join(',')}`);
  const mapped = mapHeader(header.record, columns);
  if ('problems' in mapped) {
    return fileProblem(startLine(header), `header: ${mapped.problems.join('; ')}`, 'rename the column, or map it under `columns:` in the hr source');
  }

  const result: HrReadResult = { records: [], diagnostics: [] };
  const email = mapped.indexes.get('email');
  for (const row of people) {
    if (only && !namesOneOf(email === undefined ? undefined : row.record[email], only)) continue;
    const origin = { source, file, line: startLine(row) };
    if (row.record.length !== header.record.length) {
      addRowProblem(result, origin, `row has ${row.record.length} fields; the header has ${header.record.length}`);
      continue;
    }
    const fields: HrFields = {};
    for (const [field, index] of mapped.indexes) fields[field] = row.record[index];
    addPerson(result, fields, origin);
  }
  return result;
}
