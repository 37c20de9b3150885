/**
 * A leaver's grant of a role that does not load: the HR sweep used to count it failed and leave the
 * leaver's access in place until the grant expired, since where its bindings live was unknown. It
 * now revokes it on the targets of the role's last version on main that loads. Against the GCP double.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/jobs/findings.js';
import { aPolicy, type FileSpec } from '../../support/builders/model.js';
import { aGrant, cli, gcpRole, gitRepo, membersOf, startWorld, type World } from './harness.js';

const T0 = '2026-11-23T10:00:00Z';
const HR_POLICY: FileSpec = aPolicy().inFile('hr').withoutOwners().withSection('hr', { sources: [{ kind: 'json', path: 'hr/people.json' }] }).build();

function people(...rows: { email: string; status?: string }[]): FileSpec {
  return { path: 'hr/people.json', text: JSON.stringify(rows.map((r) => ({ status: 'active', department: 'Engineering', ...r })), null, 2) };
}

describe('gitgrant hr-check while the leaver\'s role does not load', () => {
  let world: World;
  beforeEach(async () => void (world = await startWorld()));
  afterEach(() => world.close());

  it('still removes the leaver\'s access, on the targets of the role\'s last version on main that loads', async () => {
    const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-23T18:00:00Z');
    const bob = aGrant().for('bob@example.com').named('bob-1').expiringAt('2026-11-23T18:00:00Z');
    const role = gcpRole();
    const repo = gitRepo([HR_POLICY, role, alice.build(), bob.build(), people({ email: 'alice@example.com' }, { email: 'bob@example.com' })]);
    expect((await cli(world, repo, 'apply', '--now', T0)).code).toBe(0);
    expect(membersOf(world)).toEqual(['user:alice@example.com', 'user:bob@example.com']);
    // Main now: the role broken by a merge, and bob has left.
    repo.write({ path: role.path, text: `${role.text}\nunknownKey: 1\n` }, people({ email: 'alice@example.com' }, { email: 'bob@example.com', status: 'terminated' })).commitAll('Merge a pull request; HR export');

    const run = await cli(world, repo, 'hr-check', '--now', T0, '--json');

    const result = JSON.parse(run.stdout) as { findings: Finding[]; revoked: string[] };
    expect(result.findings.map((f) => [f.kind, f.outcome, f.grants])).toEqual([['HR_GRANTEE_TERMINATED', 'revoked', [bob.path]]]);
    expect(result.revoked).toEqual([bob.path]);
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
  });
});
