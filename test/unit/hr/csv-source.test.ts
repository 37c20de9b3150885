import { describe, expect, it } from 'vitest';
import { readCsvHr } from '../../../src/adapters/hr/csv-source.js';
import { hrFixture } from '../../support/hr-fixtures.js';
import { email } from '../../../src/core/model/types.js';

const read = (name: string, columns = {}) => readCsvHr(hrFixture(name), { file: `hr/${name}` }, columns);

describe('the CSV HR reader', () => {
  it('reads quoted fields, CRLF line ends, a BOM and blank lines', () => {
    const { records, diagnostics } = read('people.csv');
    expect(diagnostics).toEqual([]);
    expect(records.map((r) => [r.email, r.active, r.status, r.origin.line])).toEqual([
      ['alice@example.com', true, 'active', 2],
      ['bob@example.com', false, 'terminated', 4],
      ['carol@example.com', true, 'leave', 5],
    ]);
    expect(records[0]).toMatchObject({ title: 'Site Reliability Engineer, Platform', manager: 'carol@example.com' });
    expect(records[1]?.title).toBeUndefined();
    expect(records[2]?.title).toBe('Engineering\nManager');
  });

  it('with `only`, builds the rows of those people alone, at their lines, and checks no other row', () => {
    const only = new Set([email('carol@example.com')]);
    expect(readCsvHr(hrFixture('people.csv'), { file: 'hr/people.csv' }, {}, only).records.map((r) => [r.email, r.origin.line])).toEqual([['carol@example.com', 5]]);
    expect(readCsvHr(hrFixture('broken-rows.csv'), { file: 'hr/broken-rows.csv' }, {}, new Set([email('alice@example.com')]))).toMatchObject({ records: [{ email: 'alice@example.com' }], diagnostics: [] });
  });

  it('reports broken rows at the line each row starts', () => {
    const { records, diagnostics } = read('broken-rows.csv');
    expect(records.map((r) => r.email)).toEqual(['alice@example.com']);
    expect(diagnostics.map((d) => [d.code, d.start?.line, d.summary])).toEqual([
      ['HR_ROW_INVALID', 3, 'row has 2 fields; the header has 3'],
      ['HR_ROW_INVALID', 4, '`email` is not an email address: "not-an-email"'],
      ['HR_ROW_INVALID', 5, '`email` is not an email address: "multi\nline@example.com"; `active` must be true or false, not "perhaps"'],
      ['HR_ROW_INVALID', 7, '`email` is missing'],
    ]);
  });

  it('maps columns named differently through `columns`', () => {
    const { records, diagnostics } = read('custom-columns.csv', { email: 'Work Email', status: 'Employment Status', department: 'dept' });
    expect(diagnostics).toEqual([]);
    expect(records).toEqual([
      {
        email: 'dave@example.com',
        active: true,
        status: 'active',
        department: 'Finance',
        origin: { source: 'hr/custom-columns.csv', file: 'hr/custom-columns.csv', line: 2 },
      },
    ]);
  });

  it('refuses a header without an email column, naming the column it looked for', () => {
    const { records, diagnostics } = read('no-email-column.csv');
    expect(records).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'HR_FILE_INVALID', start: { line: 1 } });
    expect(diagnostics[0]?.summary).toContain('no column "email" for `email`');
  });

  it('refuses a configured column the header lacks', () => {
    const { diagnostics } = read('people.csv', { title: 'Job Title' });
    expect(diagnostics.map((d) => d.summary)).toEqual(['header: no column "Job Title" for `title`']);
  });

  it('reports an unclosed quote as one file error instead of reading half the people', () => {
    const { records, diagnostics } = read('unclosed-quote.csv');
    expect(records).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['HR_FILE_INVALID']);
    expect(diagnostics[0]?.start?.line).toBeGreaterThanOrEqual(3);
  });
});
