import { describe, expect, it } from 'vitest';
import { mergeHrRecords } from '../../../src/core/hr/merge.js';
import { aPerson } from '../../support/builders/hr.js';

const fromJson = (address: string, line: number, fields = {}) =>
  aPerson(address, { ...fields, origin: { source: 'hr/people.json', file: 'hr/people.json', line } });
const fromScim = (address: string, fields = {}) =>
  aPerson(address, { status: undefined, ...fields, origin: { source: 'scim:https://scim.example.com', ref: 'user 42' } });

describe('merging HR sources by email', () => {
  it('lets a later source fill the gaps an earlier one left, without warnings', () => {
    const { records, diagnostics } = mergeHrRecords([
      fromJson('alice@example.com', 2, { department: 'Engineering' }),
      fromScim('alice@example.com', { title: 'SRE', department: 'Engineering' }),
      fromScim('bob@example.com'),
    ]);
    expect(diagnostics).toEqual([]);
    expect(records.map((r) => [r.email, r.department, r.title, r.status])).toEqual([
      ['alice@example.com', 'Engineering', 'SRE', 'active'],
      ['bob@example.com', undefined, undefined, undefined],
    ]);
  });

  it('keeps the earlier value when sources disagree, and warns at the later place', () => {
    const { records, diagnostics } = mergeHrRecords([
      fromJson('alice@example.com', 7, { department: 'Engineering' }),
      fromScim('alice@example.com', { department: 'Finance' }),
    ]);
    expect(records[0]?.department).toBe('Engineering');
    expect(diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'HR_SOURCE_CONFLICT',
        summary:
          'scim:https://scim.example.com user 42: alice@example.com: `department` is "Finance" here but "Engineering" in hr/people.json:7; using "Engineering"',
        hint: 'correct the source that is wrong, or drop one of the sources from the policy',
      },
    ]);
  });

  it('treats a person as gone when any source says so', () => {
    const { records, diagnostics } = mergeHrRecords([fromJson('bob@example.com', 3), fromScim('bob@example.com', { active: false })]);
    expect(records[0]?.active).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.summary])).toEqual([
      ['HR_SOURCE_CONFLICT', 'scim:https://scim.example.com user 42: bob@example.com: `active` is false here but true in hr/people.json:3; treating the person as inactive'],
    ]);
  });

  it('warns about a person listed twice in one source, at the second line', () => {
    const { records, diagnostics } = mergeHrRecords([fromJson('carol@example.com', 2), fromJson('carol@example.com', 9)]);
    expect(records).toHaveLength(1);
    expect(diagnostics).toMatchObject([
      { severity: 'warning', code: 'HR_PERSON_DUPLICATE', file: 'hr/people.json', start: { line: 9 }, summary: 'carol@example.com is listed again; first at hr/people.json:2' },
    ]);
  });

  it('leaves the records it was given as they were, when it folds a later one into the first', () => {
    const first = fromJson('bob@example.com', 3);
    const { records } = mergeHrRecords([first, fromScim('bob@example.com', { active: false, title: 'SRE' })]);
    expect([records[0]?.active, records[0]?.title]).toEqual([false, 'SRE']);
    expect([first.active, first.title]).toEqual([true, undefined]);
  });
});
