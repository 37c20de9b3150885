import { describe, expect, it } from 'vitest';
import { checkGranteesAtRequest, type HrAtRequestView } from '../../../src/core/hr/at-request.js';
import { aGrant, aPerson, HOUR, NOW } from '../../support/builders/hr.js';

const view = (fields: Partial<HrAtRequestView> = {}): HrAtRequestView => ({
  mode: 'refuse',
  records: [aPerson('alice@example.com'), aPerson('tom@example.com', { active: false, status: 'terminated' }), aPerson('ines@example.com', { active: false, status: undefined })],
  read: ['hr/people.json'],
  unread: [],
  hadErrors: false,
  ...fields,
});
const codes = (grants: Parameters<typeof checkGranteesAtRequest>[0], v = view()) => checkGranteesAtRequest(grants, v, NOW).map((d) => [d.file, d.severity, d.code]);

describe('HR at request time', () => {
  it('lets a grant for an active employee through', () => {
    expect(codes([aGrant('db', 'alice@example.com')])).toEqual([]);
  });

  it('refuses a grant for someone terminated or inactive, saying what HR says', () => {
    const found = checkGranteesAtRequest([aGrant('db', 'tom@example.com'), aGrant('db', 'ines@example.com')], view(), NOW);
    expect(found.map((d) => [d.severity, d.code, d.summary])).toEqual([
      ['error', 'GRANT_GRANTEE_LEFT', 'tom@example.com is terminated in HR (hr/people.json); access cannot be requested for them'],
      ['error', 'GRANT_GRANTEE_LEFT', 'ines@example.com is inactive in HR (hr/people.json); access cannot be requested for them'],
    ]);
  });

  it('refuses a grant for someone HR does not know', () => {
    expect(codes([aGrant('db', 'zoe@example.com')])).toEqual([['grants/db/zoe.yaml', 'error', 'GRANT_GRANTEE_NOT_IN_HR']]);
  });

  it('warns instead with atRequest: warn', () => {
    expect(codes([aGrant('db', 'tom@example.com'), aGrant('db', 'zoe@example.com')], view({ mode: 'warn' }))).toEqual([
      ['grants/db/tom.yaml', 'warning', 'GRANT_GRANTEE_LEFT'],
      ['grants/db/zoe.yaml', 'warning', 'GRANT_GRANTEE_NOT_IN_HR'],
    ]);
  });

  it('does not call someone unknown when a source could not be read here, but still refuses a leaver', () => {
    const partial = view({ unread: ['scim:https://hr.example.com/scim/v2'] });
    expect(codes([aGrant('db', 'zoe@example.com'), aGrant('db', 'tom@example.com')], partial)).toEqual([
      ['grants/db/zoe.yaml', 'notice', 'GRANT_GRANTEE_HR_UNCHECKED'],
      ['grants/db/tom.yaml', 'error', 'GRANT_GRANTEE_LEFT'],
    ]);
  });

  it('says when read errors may be why someone is missing', () => {
    const [found] = checkGranteesAtRequest([aGrant('db', 'zoe@example.com')], view({ hadErrors: true }), NOW);
    expect(found!.summary).toContain('the HR data also has read errors (see above), which may be why');
  });

  it('leaves grants that have already ended alone: nothing is being requested', () => {
    expect(codes([aGrant('db', 'tom@example.com', { starts: NOW - 3 * HOUR, expires: NOW - HOUR })])).toEqual([]);
  });
});
