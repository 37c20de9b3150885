import { describe, expect, it } from 'vitest';
import { desiredState, directoryKey, type IdentityCenterDirectory } from '../../../src/core/plan/desired.js';
import { DEFAULT_IDENTITIES, type IdentityConfig } from '../../../src/core/model/policy-sections.js';
import { NOW, aGrant, aPolicy, aRepo, instant, lineContaining, theOne } from '../../support/builders/model.js';
import { ACCOUNT, INSTANCE_ARN, PERMISSION_SET_ARN, aTargetedRole, gcpTarget, iamTarget, identityCenterTarget } from '../../support/builders/plan.js';

const HOUR = 3_600_000;
const everywhere = aTargetedRole('db')
  .onGcp('projects/acme-prod', 'roles/cloudsql.viewer')
  .onAwsIam(ACCOUNT, 'DbReader')
  .onIdentityCenter();
const ALICE_ID = 'user-id-alice';
const directory: IdentityCenterDirectory = new Map([[directoryKey(INSTANCE_ARN, 'alice@example.com'), ALICE_ID]]);

function desiredFor(grants: ReturnType<typeof aGrant>[], options: { identities?: IdentityConfig; directory?: IdentityCenterDirectory | null; now?: number } = {}) {
  const { repo } = aRepo().with(aPolicy().allowingDuplicates(), everywhere, ...grants).load();
  const dir = options.directory === null ? undefined : (options.directory ?? directory);
  return desiredState(repo, options.now ?? NOW, options.identities ?? DEFAULT_IDENTITIES, dir);
}

describe('desired state', () => {
  it('gives an active grant one binding on each of its role\'s targets, carrying the grant\'s exact window', () => {
    const grant = aGrant().for('alice@example.com').ofRole('db').startingAt('2026-11-23T09:00:00Z').expiringAt('2026-11-23T13:00:00Z');
    const state = desiredFor([grant]);

    const byProvider = Object.fromEntries(state.bindings.map((b) => [b.target.provider === 'gcp' ? 'gcp' : b.target.strategy, b]));
    const window = { starts: instant('2026-11-23T09:00:00Z'), expires: instant('2026-11-23T13:00:00Z') };
    expect(byProvider['gcp']).toMatchObject({ principal: 'user:alice@example.com', permission: 'roles/cloudsql.viewer', window, grants: [grant.path] });
    expect(byProvider['iam']).toMatchObject({ principal: `arn:aws:iam::${ACCOUNT}:user/alice@example.com`, permission: `arn:aws:iam::${ACCOUNT}:role/DbReader`, window });
    expect(byProvider['identity-center']).toMatchObject({ principal: ALICE_ID, permission: PERMISSION_SET_ARN, grants: [grant.path] });
    // An assignment cannot start later: its deadline is the end, written into the permission set.
    expect(byProvider['identity-center']!.window).toEqual({ expires: window.expires });
    expect(state.diagnostics).toEqual([]);
  });

  it('gives an Identity Center assignment the latest end of the active grants that justify it', () => {
    const first = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const second = aGrant().for('alice@example.com').ofRole('db').expiringIn('6h');
    const [assignment] = desiredFor([second, first]).bindings.filter((b) => b.target.provider === 'aws' && b.target.strategy === 'identity-center');
    expect(assignment!.window).toEqual({ expires: NOW + 6 * HOUR });
    const [reversed] = desiredFor([first, second]).bindings.filter((b) => b.target.provider === 'aws' && b.target.strategy === 'identity-center');
    expect(reversed!.window).toEqual({ expires: NOW + 6 * HOUR });
  });

  it('keeps both bindings when two grants of the same person overlap, so neither revokes the other', () => {
    const first = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const second = aGrant().for('alice@example.com').ofRole('db').startingAt(NOW + HOUR).expiringIn('4h');
    const state = desiredFor([first, second]);

    const gcp = state.bindings.filter((b) => b.target.provider === 'gcp');
    expect(gcp.map((b) => b.grants)).toEqual(expect.arrayContaining([[first.path], [second.path]]));
    expect(new Set(gcp.map((b) => b.id)).size).toBe(2);
    // Identity Center has one assignment per user and permission set: both grants justify it.
    const assignments = state.bindings.filter((b) => b.target.provider === 'aws' && b.target.strategy === 'identity-center');
    expect(assignments).toHaveLength(1);
    expect(assignments[0]!.grants).toEqual([first.path]);
  });

  it('lists every grant that justifies a shared Identity Center assignment', () => {
    const first = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const second = aGrant().for('alice@example.com').ofRole('db').expiringIn('6h');
    const [assignment] = desiredFor([first, second]).bindings.filter((b) => b.target.provider === 'aws' && b.target.strategy === 'identity-center');

    expect(assignment!.grants).toEqual([first.path, second.path].sort());
  });

  it('leaves expired grants out, but still lists their targets so their bindings are found and removed', () => {
    const expired = aGrant().for('alice@example.com').ofRole('db').startingAt(NOW - 3 * HOUR).expiringAt(NOW);
    const state = desiredFor([expired]);

    expect(state.bindings).toEqual([]);
    expect(state.targets).toEqual(expect.arrayContaining([gcpTarget('projects/acme-prod'), iamTarget(), identityCenterTarget()]));
  });

  it('binds a scheduled grant on GCP and IAM with its start, but does not assign it on Identity Center before it starts', () => {
    const scheduled = aGrant().for('alice@example.com').ofRole('db').startingAt(NOW + 2 * HOUR).expiringIn('2h');
    const before = desiredFor([scheduled]);

    expect(before.bindings.map((b) => (b.target.provider === 'gcp' ? 'gcp' : b.target.strategy)).sort()).toEqual(['gcp', 'iam']);
    for (const binding of before.bindings) expect(binding.window).toEqual({ starts: NOW + 2 * HOUR, expires: NOW + 4 * HOUR });
    const after = desiredFor([scheduled], { now: NOW + 2 * HOUR });
    expect(after.bindings).toHaveLength(3);
  });

  it('gives the same binding the same id on every run, and a different id per grant', () => {
    const grant = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const ids = desiredFor([grant]).bindings.map((b) => b.id);

    expect(desiredFor([grant]).bindings.map((b) => b.id)).toEqual(ids);
    for (const id of ids.filter((i) => i.startsWith('gg'))) expect(id).toMatch(/^gg[0-9a-f]{24}$/);
    const other = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const otherIds = desiredFor([other]).bindings.filter((b) => b.target.provider === 'gcp').map((b) => b.id);
    expect(ids).not.toContain(otherIds[0]);
  });

  it('reports a grantee missing from the Identity Store, and still binds them on the other clouds', () => {
    const grant = aGrant().for('mallory@example.com').ofRole('db').expiringIn('2h');
    const state = desiredFor([grant]);

    const problem = theOne(state.diagnostics, 'IDENTITY_CENTER_USER_UNKNOWN');
    expect(problem).toMatchObject({ severity: 'error', file: grant.path });
    expect(problem.summary).toContain('mallory@example.com');
    expect(state.bindings.map((b) => b.target.provider === 'gcp' ? 'gcp' : b.target.strategy).sort()).toEqual(['gcp', 'iam']);
  });

  it('offline, names Identity Center principals by user name instead of looking them up', () => {
    const grant = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const state = desiredFor([grant], { directory: null });

    expect(state.bindings.find((b) => b.permission === PERMISSION_SET_ARN)?.principal).toBe('identitystore-user:alice@example.com');
    expect(state.diagnostics).toEqual([]);
  });
});

describe('identity mapping', () => {
  /** What a user sees about the section: the schema's findings and the mapping's own, together. */
  const identitiesOf = (section: unknown) => {
    const policy = aPolicy().allowingDuplicates().withSection('identities', section);
    const loaded = aRepo().with(policy, everywhere).load();
    return { config: loaded.repo.policy.identities, diagnostics: loaded.diagnostics, file: policy.build() };
  };

  it('maps a grantee by convention: user:{email} on GCP, the email as IAM and Identity Store user name', () => {
    const grant = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const principals = desiredFor([grant], { directory: null }).bindings.map((b) => b.principal).sort();

    expect(principals).toEqual([`arn:aws:iam::${ACCOUNT}:user/alice@example.com`, 'identitystore-user:alice@example.com', 'user:alice@example.com']);
  });

  it('applies templates with {local} and per-person overrides, overrides first', () => {
    const { config, diagnostics } = identitiesOf({
      gcp: 'user:{local}@acme.example',
      awsIamUser: '{local}',
      identityCenterUserName: '{local}',
      people: { 'Bob@Example.com': { gcp: 'group:db-oncall@example.com', awsIamUser: 'robert', identityCenterUserName: 'rob' } },
    });
    expect(diagnostics).toEqual([]);
    const alice = aGrant().for('alice@example.com').ofRole('db').expiringIn('2h');
    const bob = aGrant().for('bob@example.com').ofRole('db').expiringIn('2h');
    const principals = desiredFor([alice, bob], { identities: config, directory: null }).bindings.map((b) => b.principal).sort();

    expect(principals).toEqual([
      `arn:aws:iam::${ACCOUNT}:user/alice`,
      `arn:aws:iam::${ACCOUNT}:user/robert`,
      'group:db-oncall@example.com',
      'identitystore-user:alice',
      'identitystore-user:rob',
      'user:alice@acme.example',
    ]);
  });

  it('diagnoses a GCP override without a domain, at its line', () => {
    const { diagnostics, file } = identitiesOf({ people: { 'alice@example.com': { gcp: 'user:alice' } } });

    const problem = theOne(diagnostics, 'IDENTITY_INVALID');
    expect(problem).toMatchObject({ severity: 'error', file: file.path, start: { line: lineContaining(file, 'gcp: user:alice') } });
    expect(problem.summary).toContain('user:alice');
  });

  it('diagnoses overrides of the wrong form (not a GCP member, not an IAM user name) at their lines', () => {
    const { diagnostics, file } = identitiesOf({ people: { 'alice@example.com': { gcp: 'alice@example.com', awsIamUser: 'alice smith/admin' } } });

    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.start?.line).sort()).toEqual(
      [lineContaining(file, 'gcp: alice@example.com'), lineContaining(file, 'awsIamUser:')].sort(),
    );
  });

  it('diagnoses a template with an unknown placeholder', () => {
    const { diagnostics, file } = identitiesOf({ gcp: 'user:{name}@example.com', awsIamUser: '{name}' });

    const problems = diagnostics.filter((d) => d.code === 'IDENTITY_INVALID');
    expect(problems.map((d) => d.summary).sort()).toEqual([
      '`user:{name}@example.com` uses a placeholder other than {email} or {local}',
      '`{name}` uses a placeholder other than {email} or {local}',
    ]);
    expect(problems.map((d) => d.start?.line).sort()).toEqual([lineContaining(file, 'gcp:'), lineContaining(file, 'awsIamUser:')].sort());
  });

  it('diagnoses an IAM user name template that makes no valid IAM user name', () => {
    const { diagnostics, file } = identitiesOf({ awsIamUser: 'ops {local}' });

    const problem = theOne(diagnostics, 'IDENTITY_INVALID');
    expect(problem.summary).toBe('`ops {local}` does not make a valid IAM user name');
    expect(problem.start?.line).toBe(lineContaining(file, 'awsIamUser:'));
  });
});
