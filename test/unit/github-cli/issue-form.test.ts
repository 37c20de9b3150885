import { describe, expect, it } from 'vitest';
import { parseIssueFormSections, parseRequestForm } from '../../../src/adapters/github/issue-form.js';

/** What GitHub renders for the "Request access" form in `.github/ISSUE_TEMPLATE/request-access.yml`. */
const RENDERED = [
  '### Role', '', 'prod-db-readonly', '',
  '### Duration', '', '4h', '',
  '### Start (optional)', '', '_No response_', '',
  '### Reason', '', 'Investigate slow queries.', 'Second line of the reason.', '',
  '### Ticket', '', 'INC-1234',
].join('\n');

describe('reading the access-request issue form', () => {
  it('reads every answer under its label, multi-line answers included', () => {
    expect(parseRequestForm(RENDERED)).toEqual({ role: 'prod-db-readonly', duration: '4h', reason: 'Investigate slow queries.\nSecond line of the reason.', ticket: 'INC-1234' });
  });

  it('treats "_No response_" as an empty optional field', () => {
    expect(parseIssueFormSections(RENDERED).has('start (optional)')).toBe(false);
  });

  it('reads Windows line endings the same way', () => {
    expect(parseRequestForm(RENDERED.replace(/\n/g, '\r\n')).role).toBe('prod-db-readonly');
  });

  it('keeps the first answer when a label repeats (a heading typed into the reason cannot override the role)', () => {
    const body = ['### Role', '', 'app-readonly', '', '### Reason', '', 'text', '### Role', '', 'prod-db-admin'].join('\n');
    expect(parseRequestForm(body).role).toBe('app-readonly');
  });

  it('finds nothing in a body that is not a form', () => {
    expect(parseRequestForm('please give me access to prod')).toEqual({});
  });
});
