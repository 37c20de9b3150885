/**
 * verify's core with the cloud's state given as data: which grants a window holds, and what counts
 * as a path, as a continuing grant, or as a clean end.
 */
import { describe, expect, it } from 'vitest';
import type { GrantLifecycle, Reconstruction } from '../../../src/core/audit/lifecycle-types.js';
import { grantId, type Instant } from '../../../src/core/model/types.js';
import type { DesiredBinding } from '../../../src/core/plan/types.js';
import { conditionTitle, windowExpression } from '../../../src/core/gcp/marker.js';
import type { IamPolicy } from '../../../src/core/gcp/policy.js';
import { verifyGrants, type EndedGrant, type VerifyReads } from '../../../src/core/jobs/verify.js';
import { grantsEndedIn } from '../../../src/core/jobs/verify-select.js';

const at = (iso: string): Instant => Date.parse(iso);
const END = at('2026-11-23T16:00:00Z');
const NOW = at('2026-11-23T17:00:00Z');
const RESOURCE = 'projects/acme-prod';
const ROLE = 'roles/cloudsql.viewer';
const ALICE = 'user:alice@example.com';

function lifecycle(path: string, fields: Partial<GrantLifecycle>): GrantLifecycle {
  const commit = { sha: 'a'.repeat(40), at: at('2026-11-23T09:00:00Z'), by: 'someone', subject: 's', bot: false };
  return {
    id: path, path, role: 'db', grantee: 'alice@example.com', reason: 'r', expires: END, requestedExpires: END,
    breakGlass: false, standing: false, requested: commit, approval: { source: 'unrecorded', approvers: [] }, changes: [], ...fields,
  } as GrantLifecycle;
}

describe('the grants a window holds', () => {
  const ended = (kind: 'expired' | 'revoked', removedAt: Instant, early: boolean) => ({ kind, removedAt, early, commit: { sha: 'b'.repeat(40), at: removedAt, by: 'bot', subject: 's', bot: true } });
  const history: Reconstruction = {
    roles: [],
    forgedTrailers: [],
    tamperedApprovals: [],
    grants: [
      lifecycle('grants/db/swept.yaml', { ended: ended('expired', at('2026-11-23T16:05:00Z'), false) }),
      lifecycle('grants/db/revoked.yaml', { expires: at('2026-11-24T00:00:00Z'), ended: ended('revoked', at('2026-11-23T12:00:00Z'), true) }),
      lifecycle('grants/db/unswept.yaml', {}),
      lifecycle('grants/db/live.yaml', { expires: at('2026-11-23T20:00:00Z') }),
      lifecycle('grants/db/never-started.yaml', { starts: at('2026-11-23T18:00:00Z'), ended: ended('revoked', at('2026-11-23T13:00:00Z'), true) }),
    ],
  };

  it('dates an expiry at `expires` and an early revocation when it was revoked, swept or not', () => {
    const selected = grantsEndedIn(history, { since: at('2026-11-23T10:00:00Z'), until: NOW });
    expect(selected.map((s) => [s.grant.path, new Date(s.at).toISOString(), s.how])).toEqual([
      ['grants/db/swept.yaml', '2026-11-23T16:00:00.000Z', 'expired'],
      ['grants/db/revoked.yaml', '2026-11-23T12:00:00.000Z', 'revoked'],
      ['grants/db/unswept.yaml', '2026-11-23T16:00:00.000Z', 'expired (not yet swept)'],
    ]);
  });

  it('includes an end at `since` and leaves out one at `until`', () => {
    expect(grantsEndedIn(history, { since: END, until: NOW }).map((s) => s.grant.path)).toEqual(['grants/db/swept.yaml', 'grants/db/unswept.yaml']);
    expect(grantsEndedIn(history, { since: at('2026-11-23T13:00:00Z'), until: END })).toEqual([]);
  });
});

function reads(policy: IamPolicy): VerifyReads {
  const unused = () => Promise.reject(new Error('not read in this test'));
  return { gcpPolicy: async () => policy, iamAuthorization: unused, roleSessionSeconds: unused, identityCenter: unused };
}

const binding = (id: string, grant: string): DesiredBinding => ({
  id, target: { provider: 'gcp', resource: RESOURCE }, principal: ALICE, permission: ROLE, window: { expires: END }, grants: [grantId(grant)],
});
const endedGrant = (b: DesiredBinding): EndedGrant => ({ grant: b.grants[0]!, role: 'db', grantee: 'alice@example.com', endedAt: END, how: 'expired', bindings: [b] });
const written = (id: string, expires: Instant) => ({ role: ROLE, members: [ALICE], condition: { title: conditionTitle(id), expression: windowExpression({ expires }) } });

describe('what verify makes of a GCP policy', () => {
  const mine = binding('b-old', 'grants/db/old.yaml');

  it('proves the end of a binding whose condition turned false, with the boundaries', async () => {
    const [proof] = await verifyGrants([endedGrant(mine)], [], reads({ bindings: [written('b-old', END)] }), NOW);
    expect(proof!.verdict).toBe('ended');
    expect(proof!.bindings[0]!.checks[0]).toContain('(end - 1ms): true; request.time=2026-11-23T16:00:00Z (end): false');
  });

  it('calls access that another live grant of the same person gives "continues", not a path', async () => {
    const next = binding('b-new', 'grants/db/new.yaml');
    const [proof] = await verifyGrants([endedGrant(mine)], [next], reads({ bindings: [written('b-old', END), written('b-new', at('2026-11-23T20:00:00Z'))] }), NOW);
    expect(proof!.verdict).toBe('continues');
    expect(proof!.bindings[0]!.paths).toEqual([]);
  });

  it('counts a hand-made binding whose condition it cannot evaluate as a path (fail closed)', async () => {
    const odd = { role: ROLE, members: [ALICE], condition: { title: 'by hand', expression: 'resource.name.startsWith("projects/acme-prod")' } };
    const [proof] = await verifyGrants([endedGrant(mine)], [], reads({ bindings: [odd] }), NOW);
    expect(proof!.verdict).toBe('path-remains');
    expect(proof!.bindings[0]!.paths[0]).toMatch(/^binding of roles\/cloudsql.viewer "by hand": condition cannot be evaluated \(.+\), counted as true at 2026-11-23T17:00:00Z$/);
  });

  it('counts a binding false now but true later as a path: a start tomorrow, or a window moved past its grant', async () => {
    const tomorrow = { role: ROLE, members: [ALICE], condition: { title: conditionTitle('b-old'), expression: windowExpression({ starts: at('2026-11-24T09:00:00Z'), expires: at('2026-11-24T17:00:00Z') }) } };
    const [proof] = await verifyGrants([endedGrant(mine)], [], reads({ bindings: [tomorrow] }), NOW);
    expect(proof!.verdict).toBe('path-remains');
    expect(proof!.bindings[0]!.paths).toEqual([`binding of ${ROLE} "gitgrant b-old": condition false at 2026-11-23T17:00:00Z but true at 2026-11-24T09:00:00Z`]);
  });

  it('calls a later window of another live grant of the same person "continues"', async () => {
    const next = { ...binding('b-next', 'grants/db/next.yaml'), window: { starts: at('2026-11-24T09:00:00Z'), expires: at('2026-11-24T17:00:00Z') } };
    const scheduled = { role: ROLE, members: [ALICE], condition: { title: conditionTitle('b-next'), expression: windowExpression(next.window) } };
    const [proof] = await verifyGrants([endedGrant(mine)], [next], reads({ bindings: [written('b-old', END), scheduled] }), NOW);
    expect(proof!.verdict).toBe('continues');
  });

  it('does not take arithmetic on a timestamp for a window it can check exhaustively (fail closed)', async () => {
    const shifted = { role: ROLE, members: [ALICE], condition: { title: 'by hand', expression: 'request.time > timestamp("2026-11-24T00:00:00Z") + duration("3600s") && request.time < timestamp("2026-11-24T00:30:00Z") + duration("3600s")' } };
    const [proof] = await verifyGrants([endedGrant(mine)], [], reads({ bindings: [shifted] }), NOW);
    expect(proof!.verdict).toBe('path-remains');
    expect(proof!.bindings[0]!.paths[0]).toContain('condition false at 2026-11-23T17:00:00Z but true at 2026-11-24T01:');
  });

  it('proves the end of a hand-made condition that is false now and at every later instant', async () => {
    const past = { role: ROLE, members: [ALICE], condition: { title: 'by hand', expression: 'request.time >= timestamp("2026-11-20T00:00:00Z") && request.time < timestamp("2026-11-21T00:00:00Z")' } };
    const [proof] = await verifyGrants([endedGrant(mine)], [], reads({ bindings: [past] }), NOW);
    expect(proof!.verdict).toBe('ended');
  });

  it('says it could not verify when the read fails, rather than claiming an end', async () => {
    const failing: VerifyReads = { ...reads({}), gcpPolicy: () => Promise.reject(new Error('403 Forbidden')) };
    const [proof] = await verifyGrants([endedGrant(mine)], [], failing, NOW);
    expect(proof!.verdict).toBe('unverified');
    expect(proof!.bindings[0]!.checks).toEqual(['could not read the cloud: 403 Forbidden']);
  });
});
