import { describe, expect, it } from 'vitest';
import { personLines, readJsonHr } from '../../../src/adapters/hr/json-source.js';
import { hrFixture } from '../../support/hr-fixtures.js';

const read = (name: string) => readJsonHr(hrFixture(name), { file: `hr/${name}` });

describe('the JSON HR reader', () => {
  it('normalises every person of an array export', () => {
    const { records, diagnostics } = read('people.json');
    expect(diagnostics).toEqual([]);
    expect(records.map((r) => [r.email, r.active, r.status, r.origin.line])).toEqual([
      ['alice@example.com', true, 'active', 2],
      ['bob@example.com', false, 'terminated', 11],
      ['carol@example.com', true, 'leave', 12],
    ]);
    expect(records[0]).toMatchObject({
      department: 'Engineering',
      title: 'Site Reliability Engineer',
      manager: 'carol@example.com',
      employeeNumber: '1001',
      origin: { source: 'hr/people.json', file: 'hr/people.json' },
    });
  });

  it('gives each record a plain origin: a copy, JSON or a structured clone has its line and nothing more', () => {
    const { records } = read('people.json');
    const bob = records[1]!;
    const expected = { source: 'hr/people.json', file: 'hr/people.json', line: 11 };
    expect(JSON.parse(JSON.stringify(bob.origin))).toEqual(expected);
    expect(structuredClone(bob.origin)).toEqual(expected);
    expect({ ...bob.origin }).toEqual(expected);
  });

  it('normalises text to NFC whether HR wrote it composed or decomposed', () => {
    const decomposed = 'Jose\u0301@example.com';
    const { records } = readJsonHr(JSON.stringify([{ email: ` ${decomposed} `, active: true, department: 'Inge\u0301nierie' }]), { file: 'hr/people.json' });
    expect([records[0]?.email, records[0]?.department]).toEqual(['jos\u00e9@example.com', 'Ing\u00e9nierie']);
  });

  it('reads the people array of a wrapped export and words for active', () => {
    const { records, diagnostics } = read('people-wrapped.json');
    expect(diagnostics).toEqual([]);
    expect(records.map((r) => [r.email, r.active, r.origin.line])).toEqual([
      ['dave@example.com', true, 4],
      ['erin@example.com', false, 5],
    ]);
  });

  it('reports each broken person on the line it starts and keeps the good ones', () => {
    const { records, diagnostics } = read('broken-rows.json');
    expect(records.map((r) => r.email)).toEqual(['alice@example.com']);
    expect(diagnostics.map((d) => [d.code, d.file, d.start?.line, d.summary])).toEqual([
      ['HR_ROW_INVALID', 'hr/broken-rows.json', 3, '`email` is not an email address: "not-an-email"'],
      ['HR_ROW_INVALID', 'hr/broken-rows.json', 4, 'each person must be a JSON object'],
      ['HR_ROW_INVALID', 'hr/broken-rows.json', 5, 'neither `active` nor `status` is given, so it is unknown whether this person works here'],
      ['HR_ROW_INVALID', 'hr/broken-rows.json', 6, '`active` must be true or false, not "maybe"'],
      ['HR_ROW_INVALID', 'hr/broken-rows.json', 10, '`email` is missing'],
    ]);
    expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('reports a file that is not JSON once, at the line of the syntax error', () => {
    const { records, diagnostics } = read('not-json.json');
    expect(records).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'HR_FILE_INVALID', file: 'hr/not-json.json', start: { line: 3 } });
  });

  it('refuses JSON that holds no people array', () => {
    const { diagnostics } = readJsonHr('{"staff": []}', { file: 'hr/x.json' });
    expect(diagnostics.map((d) => d.code)).toEqual(['HR_FILE_INVALID']);
  });

  it('finds the starting line of each person even when strings hold brackets and commas', () => {
    const text = '{"meta": {"people": "x"}, "people": [\n {"a": "[,{"},\n\n {"b": ["]", 1]}, 7\n]}';
    expect(personLines(text)).toEqual([2, 4, 4]);
  });
});
