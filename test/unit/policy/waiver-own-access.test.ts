/**
 * Issue 9 finding 5: `exempt` and `autoApprove.requesters` waive approval only when the listed
 * person asks for their own access (requester = grantee, the requester being the PR author mapped
 * to a person). Anything else needs the usual approvals, and the requirement says why.
 */
import { describe, expect, it } from 'vitest';
import { approvalRequirement } from '../../../src/core/policy/approval.js';
import type { ApprovalRequirement } from '../../../src/core/policy/approval-types.js';
import { email } from '../../../src/core/model/types.js';
import { aGrant, aPolicy, aRepo, aRole, NOW } from '../../support/builders/model.js';

type RoleBuilder = ReturnType<typeof aRole>;

function requirementOf(role: RoleBuilder, grantee: string, request: { author?: string; requester?: string }): ApprovalRequirement {
  const grant = aGrant().for(grantee).ofRole(role.name);
  const loaded = aRepo().with(aPolicy(), role, grant).load();
  return approvalRequirement(loaded.grant(grant), loaded.role(role.name), loaded.repo.policy, {
    at: NOW,
    ...(request.author ? { author: request.author } : {}),
    ...(request.requester ? { requester: email(request.requester) } : {}),
  });
}

describe('exempt lists', () => {
  const exemptLogin = () => aRole().exempting('@dba-lead');
  const exemptEmail = () => aRole().exempting('dana@example.com');

  it('do not waive a grant an exempt author opens for someone else', () => {
    const requirement = requirementOf(exemptLogin(), 'erin@example.com', { author: 'dba-lead', requester: 'dana@example.com' });
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.notWaived).toEqual({
      kind: 'exempt',
      because: "@dba-lead is on role app-readonly's exempt list, but the grant is for erin@example.com; the list waives approval only for the listed person's own access",
    });
  });

  it('do not waive a grant someone else opens for an exempt grantee', () => {
    const requirement = requirementOf(exemptEmail(), 'dana@example.com', { author: 'carol-gh', requester: 'carol@example.com' });
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.notWaived?.because).toBe(
      "dana@example.com is on role app-readonly's exempt list, but the request was opened by @carol-gh (carol@example.com); the list waives approval only for the listed person's own access",
    );
  });

  it('do not waive when the author maps to nobody, so it cannot be shown the grantee asked', () => {
    const requirement = requirementOf(exemptEmail(), 'dana@example.com', { author: 'dana-alt' });
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.notWaived?.because).toBe(
      "dana@example.com is on role app-readonly's exempt list, but the request was opened by @dana-alt, who is not mapped to a person in identities.people; the list waives approval only for the listed person's own access",
    );
  });

  it('do not waive when nobody knows who asks (e.g. explain without --author), and say what would', () => {
    const requirement = requirementOf(exemptEmail(), 'dana@example.com', {});
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.notWaived?.because).toBe(
      "dana@example.com is on role app-readonly's exempt list; it waives approval only when dana@example.com opens the pull request themselves",
    );
  });

  it('waive a grant the exempt person asks for themselves, by email or by login', () => {
    expect(requirementOf(exemptEmail(), 'dana@example.com', { author: 'dana-gh', requester: 'dana@example.com' }).waivedBy?.because).toBe(
      "dana@example.com is on role app-readonly's exempt list and asked for their own access",
    );
    expect(requirementOf(exemptLogin(), 'dana@example.com', { author: 'DBA-Lead', requester: 'dana@example.com' }).waivedBy?.because).toBe(
      "@dba-lead is on role app-readonly's exempt list and asked for their own access",
    );
  });
});

describe('auto-approve requesters', () => {
  it('do not waive a grant a listed requester opens for someone else', () => {
    const requirement = requirementOf(aRole().autoApprovingRequests('@release-op'), 'erin@example.com', { author: 'release-op', requester: 'rita@example.com' });
    expect(requirement.waivedBy).toBeUndefined();
    expect(requirement.notWaived?.kind).toBe('auto-approve-requester');
  });

  it('waive a listed requester asking for their own access', () => {
    const requirement = requirementOf(aRole().autoApprovingRequests('@release-op'), 'rita@example.com', { author: 'release-op', requester: 'rita@example.com' });
    expect(requirement.waivedBy?.kind).toBe('auto-approve-requester');
  });
});
