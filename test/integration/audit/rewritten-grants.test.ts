/**
 * A grant file edited or moved after it landed must not rewrite the record of who had what before.
 * The lifecycle of a grant is one file on main; if an edit that names another grantee, a move into
 * another role's folder, or a later `starts` is read as "the grant as it always was", `access-at`
 * and `audit` put the new grantee, role or start over the whole past: the person who really held
 * the access disappears from the record, and someone else is named in their place.
 *
 * Attack (a requester with write access, a reviewer who approves the edit as a new request):
 * - PR #2 edits alice's grant in place to name bob;
 * - PR #4 renames carol's file to a file naming dave (git reads it as a rename: same content but the
 *   grantee line);
 * - PR #6 moves erin's grant from prod-db-readonly to prod-db-admin;
 * - PR #8 adds a `starts` in the future to frank's grant, which had been live since it landed.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { readGrantHistory } from '../../../src/adapters/git/history.js';
import { EXAMPLE_ORG } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { GITHUB, HistoryRepo, grantText } from './fixture-history.js';

const SECURITY = { name: 'Sam Security', email: 'sam@example.com' };
const ALICE = { name: 'Alice', email: 'alice@example.com' };
const CAROL = { name: 'Carol', email: 'carol@example.com' };
const ERIN = { name: 'Erin', email: 'erin@example.com' };
const FRANK = { name: 'Frank', email: 'frank@example.com' };

const P = {
  alice: 'grants/prod-db-readonly/inc-100.yaml',
  carol: 'grants/prod-db-readonly/carol-inc-300.yaml',
  dave: 'grants/prod-db-readonly/dave-inc-300.yaml',
  erin: 'grants/prod-db-readonly/erin-inc-500.yaml',
  erinAdmin: 'grants/prod-db-admin/erin-inc-500.yaml',
  frank: 'grants/prod-db-readonly/frank-inc-700.yaml',
} as const;
const REASON = 'Investigate the slow checkout queries on the orders database';

let repo: HistoryRepo;

beforeAll(() => {
  repo = new HistoryRepo();
  for (const folder of ['policies', 'roles']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
  repo.commit(SECURITY, '2026-11-01T08:00:00Z', 'Set up the access repo');

  repo.write(P.alice, grantText({ grantee: 'alice@example.com', reason: REASON, ticket: 'INC-100', expires: '2026-11-02T20:00:00Z' }));
  repo.commit(ALICE, '2026-11-02T09:00:00Z', 'Request read-only database access (#1)', GITHUB);
  repo.write(P.alice, grantText({ grantee: 'bob@example.com', reason: REASON, ticket: 'INC-100', expires: '2026-11-02T20:00:00Z' }));
  repo.commit(ALICE, '2026-11-02T15:00:00Z', 'Hand the investigation over to bob (#2)', GITHUB);

  repo.write(P.carol, grantText({ grantee: 'carol@example.com', reason: REASON, ticket: 'INC-300', expires: '2026-11-03T20:00:00Z' }));
  repo.commit(CAROL, '2026-11-03T09:00:00Z', 'Request read-only database access (#3)', GITHUB);
  repo.git(CAROL, '2026-11-03T15:00:00Z', 'rm', '-q', P.carol);
  repo.write(P.dave, grantText({ grantee: 'dave@example.com', reason: REASON, ticket: 'INC-300', expires: '2026-11-03T20:00:00Z' }));
  repo.commit(CAROL, '2026-11-03T15:00:00Z', 'Hand the investigation over to dave (#4)', GITHUB);

  repo.write(P.erin, grantText({ grantee: 'erin@example.com', reason: REASON, ticket: 'INC-500', expires: '2026-11-04T16:00:00Z' }));
  repo.commit(ERIN, '2026-11-04T09:00:00Z', 'Request read-only database access (#5)', GITHUB);
  mkdirSync(join(repo.root, 'grants/prod-db-admin'), { recursive: true });
  repo.git(ERIN, '2026-11-04T12:00:00Z', 'mv', P.erin, P.erinAdmin);
  repo.commit(ERIN, '2026-11-04T12:00:00Z', 'I need to add an index after all (#6)', GITHUB);

  repo.write(P.frank, grantText({ grantee: 'frank@example.com', reason: REASON, ticket: 'INC-700', expires: '2026-11-06T08:00:00Z' }));
  repo.commit(FRANK, '2026-11-05T09:00:00Z', 'Request read-only database access (#7)', GITHUB);
  repo.write(P.frank, grantText({ grantee: 'frank@example.com', reason: REASON, ticket: 'INC-700', starts: '2026-11-05T20:00:00Z', expires: '2026-11-06T08:00:00Z' }));
  repo.commit(FRANK, '2026-11-05T12:00:00Z', 'Only need it overnight (#8)', GITHUB);
});
afterAll(() => repo.dispose());

async function accessAt(at: string): Promise<string[]> {
  const run = await runCli(['access-at', at], { cwd: repo.root });
  expect(run.code, run.stderr).toBe(0);
  return run.lines.filter((line) => /^\S+@/.test(line)).map((line) => line.split(/\s+/).slice(0, 3).join(' '));
}

async function audit(): Promise<AuditJson> {
  const run = await runCli(['audit', '--format', 'json'], { cwd: repo.root });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as AuditJson;
}

describe('a grant edited to name another grantee', () => {
  it('leaves access-at naming who held it before the edit, and the new grantee only after', async () => {
    expect(await accessAt('2026-11-02T12:00:00Z')).toEqual([`alice@example.com prod-db-readonly ${P.alice}`]);
    expect(await accessAt('2026-11-02T16:00:00Z')).toEqual([`bob@example.com prod-db-readonly ${P.alice}`]);
  });

  it('is the end of the old grantee\'s access and a new request in the audit', async () => {
    const report = await audit();
    const mine = report.grants.filter((g) => g.path === P.alice).map((g) => [g.grantee, new Date(g.requested.at).toISOString(), g.requested.pr, g.ended?.kind, g.ended && new Date(g.ended.removedAt).toISOString()]);
    expect(mine).toEqual([
      ['alice@example.com', '2026-11-02T09:00:00.000Z', 1, 'revoked', '2026-11-02T15:00:00.000Z'],
      ['bob@example.com', '2026-11-02T15:00:00.000Z', 2, undefined, undefined],
    ]);
  });

  it('is a grant added for the jobs (anomalies, the monthly report)', () => {
    const added = readGrantHistory(repo.root).added.filter((e) => e.grant === P.alice).map((e) => e.grantee);
    expect(added).toEqual(['alice@example.com', 'bob@example.com']);
  });
});

describe('a grant file renamed to name another grantee', () => {
  it('leaves access-at naming carol before and dave after', async () => {
    expect(await accessAt('2026-11-03T12:00:00Z')).toEqual([`carol@example.com prod-db-readonly ${P.carol}`]);
    expect(await accessAt('2026-11-03T16:00:00Z')).toEqual([`dave@example.com prod-db-readonly ${P.dave}`]);
  });

  it('ends carol\'s grant and starts dave\'s in the audit', async () => {
    const report = await audit();
    const rows = report.grants.filter((g) => g.path === P.carol || g.path === P.dave).map((g) => [g.grantee, g.path, g.requested.pr, g.ended?.kind]);
    expect(rows).toEqual([
      ['carol@example.com', P.carol, 3, 'revoked'],
      ['dave@example.com', P.dave, 4, undefined],
    ]);
  });
});

describe('a grant moved into another role', () => {
  it('leaves access-at showing the role it was under before the move', async () => {
    expect(await accessAt('2026-11-04T10:00:00Z')).toEqual([`erin@example.com prod-db-readonly ${P.erin}`]);
    expect(await accessAt('2026-11-04T13:00:00Z')).toEqual([`erin@example.com prod-db-admin ${P.erinAdmin}`]);
  });

  it('is a new request of the new role in the audit', async () => {
    const report = await audit();
    const rows = report.grants.filter((g) => g.grantee === 'erin@example.com').map((g) => [g.role, g.path, g.requested.pr, g.ended?.kind]);
    expect(rows).toEqual([
      ['prod-db-readonly', P.erin, 5, 'revoked'],
      ['prod-db-admin', P.erinAdmin, 6, undefined],
    ]);
  });
});

describe('a grant whose starts is moved later after it landed', () => {
  it('still shows in access-at for the hours it was live before the edit', async () => {
    expect(await accessAt('2026-11-05T10:00:00Z')).toEqual([`frank@example.com prod-db-readonly ${P.frank}`]);
    expect(await accessAt('2026-11-05T14:00:00Z')).toEqual([]);
    expect(await accessAt('2026-11-05T21:00:00Z')).toEqual([`frank@example.com prod-db-readonly ${P.frank}`]);
  });
});
