/**
 * A role that does not load stands in by its newest version on main that loads (core/plan/stand-in.ts),
 * and the fail-safe plans from it: it keeps what the role's grants on main stand for, removes the
 * rest, holds every addition and change, and holds no Identity Center removal for a role it knows.
 */
import { describe, expect, it } from 'vitest';
import type { History, HistoryCommit } from '../../../src/core/audit/history-types.js';
import { desiredState } from '../../../src/core/plan/desired.js';
import { failSafePlan, uncertainOf } from '../../../src/core/plan/fail-safe.js';
import { brokenRoles, standInsFrom, withStandIns, type StandIns } from '../../../src/core/plan/stand-in.js';
import { targetKey } from '../../../src/core/plan/types.js';
import { NOW, aGrant, aRepo } from '../../support/builders/model.js';
import { ACCOUNT, INSTANCE_ARN, aChange, aPlan, gcpTarget, identityCenterTarget, observed } from '../../support/builders/plan.js';
import { aTargetedRole } from '../../support/builders/plan.js';

const HOUR = 3_600_000;
const encoder = new TextEncoder();
const v1 = aTargetedRole('db').onGcp('projects/old', 'roles/viewer').build();
const v2 = aTargetedRole('db').onGcp('projects/acme-prod', 'roles/viewer').build();
const broken = { path: 'roles/db.yaml', text: `${v2.text}\nunknownKey: 1\n` };

/** History of roles/ as git gives it: commits oldest first, each writing (or deleting) one version. */
function historyOf(...versions: { sha: string; text?: string; path?: string }[]): History {
  const blobs = new Map<string, Uint8Array>();
  const commits = versions.map(({ sha, text, path = 'roles/db.yaml' }): HistoryCommit => {
    if (text !== undefined) blobs.set(`blob-${sha}`, encoder.encode(text));
    return {
      sha, parents: [], authorName: 'a', authorEmail: 'a@example.com', authoredAt: NOW, committerName: 'a', committerEmail: 'a@example.com', committedAt: NOW, message: 'm',
      changes: [text === undefined ? { status: 'D', path } : { status: 'M', path, newBlob: `blob-${sha}` }],
    };
  });
  return { commits, blobs };
}

const notFound = (name: string) => `no version of roles/${name}.yaml loads`;

describe('the version that stands in for a role that does not load', () => {
  it('is the newest one on main that loads, skipping versions that do not and deletions', () => {
    const history = historyOf({ sha: 'c1', text: v1.text }, { sha: 'c2', text: v2.text }, { sha: 'c3', text: broken.text }, { sha: 'c4' }, { sha: 'c5', text: 'targets: [' });

    const standIns = standInsFrom(history, ['db'], notFound);

    expect(standIns.roles.get('db')?.commit).toBe('c2');
    expect(standIns.roles.get('db')?.role.targets.map((t) => (t.kind === 'gcp' ? t.resource : ''))).toEqual(['projects/acme-prod']);
    expect(standIns.unknown.size).toBe(0);
  });

  it('is none when no version loads: the role stays unknown, with why', () => {
    const standIns = standInsFrom(historyOf({ sha: 'c1', text: broken.text }), ['db', 'ops'], notFound);
    expect(standIns.roles.size).toBe(0);
    expect([...standIns.unknown]).toEqual([['db', notFound('db')], ['ops', notFound('ops')]]);
  });

  it('is looked for every role that does not load and matters: a broken file, or a grant filed under a role that is not there', () => {
    const loaded = aRepo().with(broken, aGrant().for('alice@example.com').ofRole('db').named('alice'), aGrant().for('bob@example.com').ofRole('gone').named('bob')).load();
    expect(brokenRoles(loaded.repo, loaded.diagnostics)).toEqual(['db', 'gone']);
    expect(brokenRoles(aRepo().with(v2).load().repo, [])).toEqual([]);
  });
});

describe('planning while a role stands in', () => {
  const on = { expires: NOW + 4 * HOUR };
  const ic = identityCenterTarget();
  const icRole = aTargetedRole('db').onGcp('projects/acme-prod', 'roles/viewer').onIdentityCenter();
  const alice = aGrant().for('alice@example.com').ofRole('db').named('alice').expiringIn('4h');
  const brokenIc = { path: 'roles/db.yaml', text: `${icRole.build().text}\nunknownKey: 1\n` };

  function planned(standIns: StandIns | undefined) {
    const loaded = aRepo().with(brokenIc, alice).load();
    const repo = withStandIns(loaded.repo, standIns);
    const desired = desiredState(repo, NOW, repo.policy.identities, undefined);
    return { repo, loaded, desired, uncertain: uncertainOf(repo, loaded.diagnostics, standIns, desired.bindings) };
  }

  it('keeps what its grants on main stand for, removes a deleted grant\'s binding and assignment, and says which version it read', () => {
    const standIn = standInsFrom(historyOf({ sha: 'abcdef0123456789', text: icRole.build().text }), ['db'], notFound);
    const { desired, uncertain } = planned(standIn);
    const project = gcpTarget('projects/acme-prod');
    const plan = aPlan(NOW, [
      aChange(project, { remove: [observed('user:carol@example.com', 'roles/viewer', { id: 'ggCarolDeleted', window: on })], kept: 1 }),
      aChange(ic, {
        add: desired.bindings.filter((b) => targetKey(b.target) === targetKey(ic)),
        remove: [observed('user-carol', 'arn:ps', { id: 'icCarol' })],
      }),
    ]);

    const { plan: safe, held } = failSafePlan(plan, new Set(desired.bindings.map((b) => b.id)), uncertain, NOW);

    expect(uncertain.rolesMissing.size).toBe(0);
    expect(safe.changes.map((c) => [c.add.length, c.remove.map((b) => b.id)])).toEqual([[0, ['ggCarolDeleted']], [0, ['icCarol']]]);
    expect(held.reasons).toEqual([
      `role db does not load: its targets (aws:identity-center:${ACCOUNT}:${INSTANCE_ARN}, gcp:projects/acme-prod) were read as its last version on main that loads names them (roles/db.yaml at abcdef012345); `
      + 'kept 1 binding its grants on main stand for as it is, held back 1 addition or change for it; removals of its deleted or expired grants go ahead',
    ]);
  });

  it('without a version that loads, holds every Identity Center removal the cloud has not ended, as before, and says the targets were not read', () => {
    const { uncertain } = planned({ roles: new Map(), unknown: new Map([['db', notFound('db')]]) });
    const plan = aPlan(NOW, [aChange(ic, { remove: [observed('user-carol', 'arn:ps', { id: 'icCarol' })] })]);

    const { plan: safe, held } = failSafePlan(plan, new Set(), uncertain, NOW);

    expect(safe.changes[0]!.remove).toEqual([]);
    expect(held.reasons).toContain('role db does not load and no version of roles/db.yaml loads, so the targets only it names were not read: fix the role, or check out main with its full history (fetch-depth: 0)');
  });
});
