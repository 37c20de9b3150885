import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planStandingAccess, standingPath } from '../../../src/core/hr/standing.js';
import { email, roleName } from '../../../src/core/model/types.js';
import { aGrant, aPerson, aRepo, aRole, DAY, NOW } from '../../support/builders/hr.js';

const oncall = aRole('oncall-readonly', { standing: { departments: ['SRE'] }, maxDuration: 90 * DAY });
const sre = (address: string) => aPerson(address, { department: 'SRE' });
const standingGrant = (grantee: string, expires: number) =>
  aGrant('oncall-readonly', grantee, { name: `${grantee.split('@')[0]}-standing`, standing: true, expires });

describe('standing access derived from HR', () => {
  it('writes a grant for someone who joins the department, capped by the policy and in the documented layout', () => {
    const plan = planStandingAccess({ repo: aRepo([oncall], []), records: [sre('Alice.Smith@example.com'.toLowerCase())], now: NOW });
    expect(plan.remove).toEqual([]);
    expect(plan.keep).toEqual([]);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.add).toEqual([
      {
        path: 'grants/oncall-readonly/alice.smith-standing.yaml',
        content: [
          '# yaml-language-server: $schema=../../schemas/grant.schema.json',
          'grantee: alice.smith@example.com',
          'reason: "Standing access from HR: department SRE"',
          'expires: 2026-12-01T09:00:00Z',
          'standing: true',
          '',
        ].join('\n'),
      },
    ]);
    expect(parse(plan.add[0]!.content)).toEqual({
      grantee: 'alice.smith@example.com',
      reason: 'Standing access from HR: department SRE',
      expires: '2026-12-01T09:00:00Z',
      standing: true,
    });
  });

  it('uses the role maximum when it is shorter than the policy cap', () => {
    const shortRole = aRole('oncall-readonly', { standing: { departments: ['SRE'] }, maxDuration: 7 * DAY });
    const plan = planStandingAccess({ repo: aRepo([shortRole], []), records: [sre('alice@example.com')], now: NOW });
    expect(plan.add[0]?.content).toContain('expires: 2026-11-08T09:00:00Z');
  });

  it('removes the grant of someone who leaves the department or the company', () => {
    const repo = aRepo([oncall], [standingGrant('bob@example.com', NOW + 20 * DAY), standingGrant('carol@example.com', NOW + 20 * DAY)]);
    const records = [aPerson('bob@example.com', { department: 'Finance' }), aPerson('carol@example.com', { department: 'SRE', active: false, status: 'terminated' })];
    const plan = planStandingAccess({ repo, records, now: NOW });
    expect(plan).toEqual({
      add: [],
      remove: ['grants/oncall-readonly/bob-standing.yaml', 'grants/oncall-readonly/carol-standing.yaml'],
      keep: [],
      diagnostics: [],
    });
  });

  it('changes nothing on unchanged input, and nothing again when run on its own output', () => {
    const first = planStandingAccess({ repo: aRepo([oncall], []), records: [sre('alice@example.com')], now: NOW });
    const written = standingGrant('alice@example.com', Date.parse('2026-12-01T09:00:00Z'));
    expect(first.add.map((f) => f.path)).toEqual([written.id]);
    const second = planStandingAccess({ repo: aRepo([oncall], [written]), records: [sre('alice@example.com')], now: NOW + DAY });
    expect(second).toEqual({ add: [], remove: [], keep: [written.id], diagnostics: [] });
  });

  it('renews a grant in place only once its expiry comes within the renewal threshold', () => {
    const repo = aRepo([oncall], [standingGrant('alice@example.com', NOW + 9 * DAY)]);
    const early = planStandingAccess({ repo, records: [sre('alice@example.com')], now: NOW, renewWithin: 7 * DAY });
    expect(early.add).toEqual([]);
    const late = planStandingAccess({ repo, records: [sre('alice@example.com')], now: NOW + 3 * DAY, renewWithin: 7 * DAY });
    expect(late.add.map((f) => f.path)).toEqual(['grants/oncall-readonly/alice-standing.yaml']);
    expect(late.add[0]?.content).toContain('expires: 2026-12-04T09:00:00Z');
  });

  it('leaves ordinary grants alone and refuses to overwrite one that sits at the standing path', () => {
    const requested = aGrant('oncall-readonly', 'dave@example.com', { name: 'dave-standing' });
    const plan = planStandingAccess({ repo: aRepo([oncall], [requested, aGrant('oncall-readonly', 'erin@example.com')]), records: [sre('dave@example.com')], now: NOW });
    expect(plan.add).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['HR_STANDING_PATH_TAKEN']);
  });

  it('removes standing grants of a role that no longer has standing access, and duplicates', () => {
    const plainRole = aRole('oncall-readonly');
    const duplicate = aGrant('oncall-readonly', 'alice@example.com', { name: 'alice-standing-2', standing: true, expires: NOW + 20 * DAY });
    const repo = aRepo([plainRole], [standingGrant('alice@example.com', NOW + 20 * DAY), duplicate]);
    expect(planStandingAccess({ repo, records: [sre('alice@example.com')], now: NOW }).remove).toEqual([
      'grants/oncall-readonly/alice-standing-2.yaml',
      'grants/oncall-readonly/alice-standing.yaml',
    ]);
  });

  it('derives nothing from a standing rule that names no attribute, and keeps what exists', () => {
    const open = aRole('oncall-readonly', { standing: {} });
    const held = standingGrant('alice@example.com', NOW + 20 * DAY);
    const plan = planStandingAccess({ repo: aRepo([open], [held]), records: [sre('alice@example.com'), sre('bob@example.com')], now: NOW });
    expect(plan.add).toEqual([]);
    expect(plan.keep).toEqual([held.id]);
    expect(plan.diagnostics.map((d) => [d.code, d.file])).toEqual([['HR_STANDING_EMPTY', 'roles/oncall-readonly.yaml']]);
  });

  it('names the file after a safe form of the local part', () => {
    expect(standingPath(roleName('r'), email('o+brien/../x@example.com'))).toBe('grants/r/o-brien-..-x-standing.yaml');
  });
});
