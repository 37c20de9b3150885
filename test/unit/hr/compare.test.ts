import { describe, expect, it } from 'vitest';
import { compareWithHr, findingFingerprint, type CompareInput } from '../../../src/core/hr/compare.js';
import { email, grantId, roleName, type GrantId, type Email } from '../../../src/core/model/types.js';
import { aGrant, aPerson, aRepo, aRole, HOUR, NOW } from '../../support/builders/hr.js';

const dbRole = aRole('prod-db-readonly', { owners: ['@acme/dba', '@acme/db-owners'], eligible: { departments: ['Engineering'], employmentStatus: ['active'] } });
const noApprovals = new Map<GrantId, Email[]>();

function compare(input: Partial<CompareInput> & Pick<CompareInput, 'repo' | 'records'>) {
  return compareWithHr({ now: NOW, approvals: noApprovals, ...input });
}

describe('comparing grants with HR data', () => {
  it('finds nothing when every grantee and approver is an eligible, active employee', () => {
    const repo = aRepo([dbRole], [aGrant('prod-db-readonly', 'alice@example.com')]);
    const records = [aPerson('alice@example.com', { department: 'engineering' }), aPerson('carol@example.com')];
    const approvals = new Map([[grantId('grants/prod-db-readonly/alice.yaml'), [email('carol@example.com')]]]);
    expect(compare({ repo, records, approvals })).toEqual([]);
  });

  it('asks to revoke the grants of a terminated grantee and tells the role owners', () => {
    const repo = aRepo([dbRole], [
      aGrant('prod-db-readonly', 'bob@example.com', { name: 'bob-inc-2' }),
      aGrant('prod-db-readonly', 'bob@example.com', { name: 'bob-inc-1' }),
    ]);
    const records = [aPerson('bob@example.com', { active: false, status: 'terminated', department: 'Engineering' })];
    expect(compare({ repo, records })).toEqual([
      {
        kind: 'HR_GRANTEE_TERMINATED',
        fingerprint: findingFingerprint('HR_GRANTEE_TERMINATED', roleName('prod-db-readonly'), email('bob@example.com')),
        action: 'revoke',
        role: 'prod-db-readonly',
        person: 'bob@example.com',
        grants: ['grants/prod-db-readonly/bob-inc-1.yaml', 'grants/prod-db-readonly/bob-inc-2.yaml'],
        summary: 'bob@example.com is terminated in HR but holds 2 grants for role prod-db-readonly',
        notify: ['@acme/db-owners', '@acme/dba'],
      },
    ]);
  });

  it('counts an inactive grantee without a status as terminated', () => {
    const repo = aRepo([dbRole], [aGrant('prod-db-readonly', 'bob@example.com')]);
    const [finding] = compare({ repo, records: [aPerson('bob@example.com', { active: false, status: undefined })] });
    expect(finding).toMatchObject({ kind: 'HR_GRANTEE_TERMINATED', summary: 'bob@example.com is inactive in HR but holds 1 grant for role prod-db-readonly' });
  });

  it('treats a grantee HR does not know like a terminated one, and only reports when the policy says so', () => {
    const repo = aRepo([dbRole], [aGrant('prod-db-readonly', 'mallory@example.com')]);
    const actions = { onTerminated: 'report', onIneligible: 'report', onApproverLeft: 'report' } as const;
    expect(compare({ repo, records: [], actions })).toMatchObject([
      { kind: 'HR_GRANTEE_UNKNOWN', action: 'report', person: 'mallory@example.com', summary: 'mallory@example.com is not in the HR data but holds 1 grant for role prod-db-readonly' },
    ]);
  });

  it('reports a grantee whose department or status no longer matches the role, saying which', () => {
    const repo = aRepo([dbRole], [aGrant('prod-db-readonly', 'dave@example.com')]);
    const records = [aPerson('dave@example.com', { status: 'leave', department: 'Finance' })];
    expect(compare({ repo, records })).toMatchObject([
      {
        kind: 'HR_GRANTEE_INELIGIBLE',
        action: 'report',
        summary:
          'dave@example.com is no longer eligible for role prod-db-readonly (department is "Finance", not one of "Engineering"; employmentStatus is "leave", not one of "active") but holds 1 grant',
      },
    ]);
  });

  it('does not judge eligibility for roles that set none', () => {
    const repo = aRepo([aRole('sandbox')], [aGrant('sandbox', 'dave@example.com')]);
    expect(compare({ repo, records: [aPerson('dave@example.com', { department: 'Finance' })] })).toEqual([]);
  });

  it('reports an approver of a live grant who has left or is unknown to HR', () => {
    const repo = aRepo([dbRole], [aGrant('prod-db-readonly', 'alice@example.com'), aGrant('prod-db-readonly', 'erin@example.com')]);
    const records = [
      aPerson('alice@example.com', { department: 'Engineering' }),
      aPerson('erin@example.com', { department: 'Engineering' }),
      aPerson('carol@example.com', { active: false, status: 'terminated' }),
    ];
    const approvals = new Map([
      [grantId('grants/prod-db-readonly/alice.yaml'), [email('carol@example.com'), email('ghost@example.com')]],
      [grantId('grants/prod-db-readonly/erin.yaml'), [email('carol@example.com')]],
    ]);
    expect(compare({ repo, records, approvals }).map((f) => [f.kind, f.person, f.grants, f.summary])).toEqual([
      [
        'HR_APPROVER_LEFT',
        'carol@example.com',
        ['grants/prod-db-readonly/alice.yaml', 'grants/prod-db-readonly/erin.yaml'],
        'carol@example.com approved 2 live grants for role prod-db-readonly and is terminated in HR',
      ],
      ['HR_APPROVER_LEFT', 'ghost@example.com', ['grants/prod-db-readonly/alice.yaml'], 'ghost@example.com approved 1 live grant for role prod-db-readonly and is not in the HR data'],
    ]);
  });

  it('ignores expired grants but not scheduled ones', () => {
    const repo = aRepo([dbRole], [
      aGrant('prod-db-readonly', 'bob@example.com', { name: 'old', expires: NOW - HOUR }),
      aGrant('prod-db-readonly', 'bob@example.com', { name: 'next-week', starts: NOW + 100 * HOUR, expires: NOW + 104 * HOUR }),
    ]);
    const approvals = new Map([[grantId('grants/prod-db-readonly/old.yaml'), [email('ghost@example.com')]]]);
    const findings = compare({ repo, records: [], approvals });
    expect(findings.map((f) => [f.kind, f.grants])).toEqual([['HR_GRANTEE_UNKNOWN', ['grants/prod-db-readonly/next-week.yaml']]]);
  });

  it('notifies the policy owners when the grant names a role that does not exist', () => {
    const repo = aRepo([], [aGrant('ghost-role', 'bob@example.com')]);
    expect(compare({ repo, records: [] })[0]?.notify).toEqual(['@acme/security']);
  });

  it('gives the same situation the same fingerprint, and different situations different ones', () => {
    const records = [aPerson('bob@example.com', { active: false, status: 'terminated' })];
    const tonight = compare({ repo: aRepo([dbRole], [aGrant('prod-db-readonly', 'bob@example.com')]), records });
    const tomorrow = compareWithHr({
      repo: aRepo([dbRole], [aGrant('prod-db-readonly', 'bob@example.com', { name: 'renewed', expires: NOW + 30 * HOUR })]),
      records,
      now: NOW + 24 * HOUR,
      approvals: noApprovals,
    });
    expect(tomorrow[0]?.fingerprint).toBe(tonight[0]?.fingerprint);
    expect(tonight[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const other = findingFingerprint('HR_GRANTEE_UNKNOWN', roleName('prod-db-readonly'), email('bob@example.com'));
    expect(other).not.toBe(tonight[0]?.fingerprint);
  });

  it('orders findings by kind, role and person whatever order the grants come in', () => {
    const grants = [
      aGrant('b-role', 'zed@example.com'),
      aGrant('a-role', 'amy@example.com'),
      aGrant('prod-db-readonly', 'dave@example.com'),
      aGrant('a-role', 'bob@example.com'),
    ];
    const records = [aPerson('dave@example.com', { department: 'Sales' }), aPerson('amy@example.com', { active: false, status: 'terminated' })];
    const repo = aRepo([dbRole, aRole('a-role'), aRole('b-role')], grants);
    const forwards = compare({ repo, records });
    const backwards = compare({ repo: { ...repo, grants: [...grants].reverse() }, records: [...records].reverse() });
    expect(forwards.map((f) => `${f.kind} ${f.role} ${f.person}`)).toEqual([
      'HR_GRANTEE_TERMINATED a-role amy@example.com',
      'HR_GRANTEE_UNKNOWN a-role bob@example.com',
      'HR_GRANTEE_UNKNOWN b-role zed@example.com',
      'HR_GRANTEE_INELIGIBLE prod-db-readonly dave@example.com',
    ]);
    expect(backwards).toEqual(forwards);
  });
});
