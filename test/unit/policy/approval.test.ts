import { describe, expect, it } from 'vitest';
import { approvalRequirement } from '../../../src/core/policy/approval.js';
import type { ApprovalRequirement } from '../../../src/core/policy/approval-types.js';
import { email } from '../../../src/core/model/types.js';
import { aGrant, aPolicy, aRepo, aRole, instant, level, lineContaining, NOW, WEEKDAYS } from '../../support/builders/model.js';

type RoleBuilder = ReturnType<typeof aRole>;
type GrantBuilder = ReturnType<typeof aGrant>;
type PolicyBuilder = ReturnType<typeof aPolicy>;

/** The requirement for `grant` of `role`, judged at `at` for a PR opened by `author` (the person `requester`). */
function requirementOf(role: RoleBuilder, grant: GrantBuilder, request: { at?: number; author?: string; requester?: string; policy?: PolicyBuilder } = {}): ApprovalRequirement {
  const loaded = aRepo().with(request.policy ?? aPolicy(), role, grant.ofRole(role.name)).load();
  return approvalRequirement(loaded.grant(grant), loaded.role(role.name), loaded.repo.policy, {
    at: request.at ?? NOW,
    author: request.author,
    ...(request.requester ? { requester: email(request.requester) } : {}),
  });
}

const vpAbove72h = () => aPolicy().escalatingAbove('72h', 'vp-approval', '@example-org/vp-engineering');

describe('the approval levels of a role', () => {
  it('a one-level role needs its one level, and says where it is written', () => {
    const role = aRole('app-readonly');
    expect(requirementOf(role, aGrant()).levels).toEqual([
      {
        name: 'owners', count: 1, from: ['@example-org/owners'], kind: 'role',
        because: 'role app-readonly, approval level 1 of 1',
        source: { file: 'roles/app-readonly.yaml', line: lineContaining(role, 'name: owners') },
      },
    ]);
  });

  it('a two-level role needs both levels, in order', () => {
    const role = aRole('prod-db-readwrite').withApprovals(level('owners', 1, '@example-org/db-owners'), level('security', 1, '@example-org/security'));
    const levels = requirementOf(role, aGrant()).levels;
    expect(levels.map((l) => [l.name, l.because, l.source?.line])).toEqual([
      ['owners', 'role prod-db-readwrite, approval level 1 of 2', lineContaining(role, 'name: owners')],
      ['security', 'role prod-db-readwrite, approval level 2 of 2', lineContaining(role, 'name: security')],
    ]);
  });

  it('a three-level role needs all three, with their counts and approvers', () => {
    const role = aRole('prod-db-admin').withApprovals(
      level('owners', 2, '@example-org/db-owners'),
      level('security', 1, '@example-org/security'),
      level('engineering-director', 1, '@example-org/engineering-directors', '@cto'),
    );
    const levels = requirementOf(role, aGrant()).levels;
    expect(levels.map((l) => ({ name: l.name, count: l.count, from: l.from, because: l.because, line: l.source?.line }))).toEqual([
      { name: 'owners', count: 2, from: ['@example-org/db-owners'], because: 'role prod-db-admin, approval level 1 of 3', line: lineContaining(role, 'name: owners') },
      { name: 'security', count: 1, from: ['@example-org/security'], because: 'role prod-db-admin, approval level 2 of 3', line: lineContaining(role, 'name: security') },
      {
        name: 'engineering-director', count: 1, from: ['@example-org/engineering-directors', '@cto'],
        because: 'role prod-db-admin, approval level 3 of 3', line: lineContaining(role, 'name: engineering-director'),
      },
    ]);
  });
});

describe('escalations', () => {
  it('a grant over 72 hours also needs VP approval, with the reason and the policy line', () => {
    const policy = vpAbove72h();
    const levels = requirementOf(aRole(), aGrant().startingAt(NOW).expiringIn('4d'), { policy }).levels;
    expect(levels.at(-1)).toEqual({
      name: 'vp-approval', count: 1, from: ['@example-org/vp-engineering'], kind: 'escalation',
      because: 'escalation vp-approval: 4d is above 72h',
      source: { file: 'policies/access.yaml', line: lineContaining(policy, 'name: vp-approval') },
    });
    expect(levels.map((l) => l.kind)).toEqual(['role', 'escalation']);
  });

  it('a grant of exactly 72 hours needs no escalation', () => {
    expect(requirementOf(aRole(), aGrant().startingAt(NOW).expiringIn('72h'), { policy: vpAbove72h() }).levels.map((l) => l.kind)).toEqual(['role']);
  });

  it('measures a grant without starts from the request time', () => {
    const grant = aGrant().expiringAt(NOW + 73 * 3_600_000);
    expect(requirementOf(aRole(), grant, { policy: vpAbove72h() }).levels.map((l) => l.name)).toEqual(['owners', 'vp-approval']);
    expect(requirementOf(aRole(), grant, { policy: vpAbove72h(), at: NOW + 3_600_000 }).levels.map((l) => l.name)).toEqual(['owners']);
  });
});

describe('auto-approval windows', () => {
  const londonOfficeHours = () =>
    aRole().autoApprovingDuring({ days: WEEKDAYS, from: '09:00', to: '17:00', timezone: 'Europe/London', maxDuration: '4h' });
  const twoHours = () => aGrant().expiringIn('2h');
  const waiverAt = (at: string) => requirementOf(londonOfficeHours(), aGrant().expiringAt(instant(at) + 2 * 3_600_000), { at: instant(at) }).waivedBy;

  it('waive approval inside the window, saying which window and showing the clock that decided', () => {
    const role = londonOfficeHours();
    expect(requirementOf(role, twoHours(), { at: instant('2026-11-23T10:15:00Z') }).waivedBy).toEqual({
      kind: 'auto-approve-window',
      because: 'role app-readonly auto-approves Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/London up to 4h',
      clock: { at: instant('2026-11-23T10:15:00Z'), timezone: 'Europe/London', local: 'Mon 2026-11-23 10:15 Europe/London' },
      source: { file: 'roles/app-readonly.yaml', line: lineContaining(role, '- days:') },
    });
  });

  it('still list the levels that would otherwise apply', () => {
    expect(requirementOf(londonOfficeHours(), twoHours(), { at: instant('2026-11-23T10:15:00Z') }).levels.map((l) => l.name)).toEqual(['owners']);
  });

  it('do not waive outside the window', () => {
    expect(waiverAt('2026-11-23T18:00:00Z')).toBeUndefined();
  });

  it('include the first minute of the window', () => {
    expect(waiverAt('2026-11-23T09:00:00Z')?.clock?.local).toBe('Mon 2026-11-23 09:00 Europe/London');
  });

  it('exclude the minute the window ends, and include the minute before', () => {
    expect(waiverAt('2026-11-23T17:00:00Z')).toBeUndefined();
    expect(waiverAt('2026-11-23T16:59:00Z')?.clock?.local).toBe('Mon 2026-11-23 16:59 Europe/London');
  });

  it('do not waive on a day the window does not list', () => {
    expect(waiverAt('2026-11-28T10:00:00Z')).toBeUndefined();
  });

  it('follow London summer time across the March clock change', () => {
    // Clocks went forward on Sunday 29 March 2026: 08:00 UTC is 08:00 on the Friday before, 09:00 on the Monday after.
    expect(waiverAt('2026-03-27T08:00:00Z')).toBeUndefined();
    expect(waiverAt('2026-03-30T08:00:00Z')?.clock).toEqual({ at: instant('2026-03-30T08:00:00Z'), timezone: 'Europe/London', local: 'Mon 2026-03-30 09:00 Europe/London' });
    expect(waiverAt('2026-03-30T16:00:00Z')).toBeUndefined();
  });

  it('judge the weekday in the window time zone, not in UTC', () => {
    const tokyo = aRole().autoApprovingDuring({ days: ['mon'], from: '00:00', to: '12:00', timezone: 'Asia/Tokyo' });
    // Sunday 22 November 20:00 UTC is Monday 05:00 in Tokyo.
    expect(requirementOf(tokyo, twoHours(), { at: instant('2026-11-22T20:00:00Z') }).waivedBy?.clock?.local).toBe('Mon 2026-11-23 05:00 Asia/Tokyo');
  });

  it('do not waive a grant longer than the window maxDuration', () => {
    expect(requirementOf(londonOfficeHours(), aGrant().expiringIn('5h'), { at: instant('2026-11-23T10:00:00Z') }).waivedBy).toBeUndefined();
    expect(requirementOf(londonOfficeHours(), aGrant().expiringIn('4h'), { at: instant('2026-11-23T10:00:00Z') }).waivedBy?.kind).toBe('auto-approve-window');
  });
});

describe('exempt lists and auto-approve requesters', () => {
  const exemptRole = () => aRole().exempting('Dana@Example.com', '@DBA-Lead');

  it('waive approval for an exempt grantee asking for their own access, whatever the case of the address', () => {
    const role = exemptRole();
    expect(requirementOf(role, aGrant().for('dana@EXAMPLE.com'), { author: 'dana-gh', requester: 'dana@example.com' }).waivedBy).toEqual({
      kind: 'exempt',
      because: "dana@example.com is on role app-readonly's exempt list and asked for their own access",
      source: { file: 'roles/app-readonly.yaml', line: lineContaining(role, '- Dana@Example.com') },
    });
  });

  it('waive approval for an exempt @login opening the PR for their own access, whatever its case', () => {
    const own = { requester: 'erin@example.com' };
    expect(requirementOf(exemptRole(), aGrant().for('erin@example.com'), { author: 'dba-lead', ...own }).waivedBy?.because).toBe(
      "@dba-lead is on role app-readonly's exempt list and asked for their own access",
    );
    expect(requirementOf(exemptRole(), aGrant().for('erin@example.com'), { author: 'DBA-LEAD', ...own }).waivedBy?.kind).toBe('exempt');
  });

  it('do not waive for someone not on the list', () => {
    expect(requirementOf(exemptRole(), aGrant().for('erin@example.com'), { author: 'erin' }).waivedBy).toBeUndefined();
  });

  it('waive approval for a listed auto-approve requester', () => {
    const role = aRole().autoApprovingRequests('@release-bot-operator');
    expect(requirementOf(role, aGrant(), { author: 'release-bot-operator', requester: 'alice@example.com' }).waivedBy).toEqual({
      kind: 'auto-approve-requester',
      because: "@release-bot-operator is on role app-readonly's auto-approve requesters and asked for their own access",
      source: { file: 'roles/app-readonly.yaml', line: lineContaining(role, '- "@release-bot-operator"') },
    });
  });
});

describe('what no waiver can skip', () => {
  it('an escalation: an exempt grantee asking for more than 72 hours needs every level and the VP', () => {
    const requirement = requirementOf(aRole().exempting('dana@example.com'), aGrant().for('dana@example.com').startingAt(NOW).expiringIn('4d'), { policy: vpAbove72h() });
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.levels.map((l) => l.name)).toEqual(['owners', 'vp-approval']);
  });

  it('an escalation inside an auto-approval window', () => {
    const role = aRole().autoApprovingDuring({ days: WEEKDAYS, from: '00:00', to: '24:00', timezone: 'UTC' });
    expect(requirementOf(role, aGrant().startingAt(NOW).expiringIn('4d'), { policy: vpAbove72h() }).waivedBy).toBeUndefined();
  });

  it('a break-glass grant, even for an exempt grantee', () => {
    const role = aRole().exempting('dana@example.com').allowingBreakGlass('2h');
    expect(requirementOf(role, aGrant().for('dana@example.com').breakingGlass().expiringIn('1h')).waivedBy).toBeUndefined();
  });
});

describe('who can never approve', () => {
  it('names the grantee and the requester', () => {
    expect(requirementOf(aRole(), aGrant().for('Alice@Example.com'), { author: 'alice-gh' }).cannotApprove).toEqual({ grantee: 'alice@example.com', requester: 'alice-gh' });
  });

  it('names the grantee alone when the requester is not known', () => {
    expect(requirementOf(aRole(), aGrant()).cannotApprove).toEqual({ grantee: 'alice@example.com', requester: undefined });
  });
});
