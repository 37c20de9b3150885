import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostics/diagnostic.js';
import { aGrant, aPolicy, aRepo, aRole, codes, idsOf, NOW, placeOf, theOne } from '../../support/builders/model.js';

const durationFindings = ['GRANT_DURATION_OVER_CAP', 'GRANT_DURATION_OVER_ROLE_MAX', 'GRANT_BREAK_GLASS_OVER_CAP'];
const durationCodes = (diagnostics: Diagnostic[]) => codes(diagnostics).filter((c) => durationFindings.includes(c));

describe('grant durations', () => {
  it('reports a grant longer than the role maxDuration, at expires', () => {
    const grant = aGrant().startingAt(NOW).expiringIn('5h');
    const finding = theOne(aRepo().with(aRole().lastingAtMost('4h'), grant).validate(), 'GRANT_DURATION_OVER_ROLE_MAX');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'expires') });
    expect(finding.summary).toBe("lasts 5h, over role app-readonly's maxDuration of 4h");
  });

  it('accepts a grant exactly as long as the role maxDuration', () => {
    expect(aRepo().with(aRole().lastingAtMost('4h'), aGrant().startingAt(NOW).expiringIn('4h')).validate()).toEqual([]);
  });

  it('measures a grant without starts from now, since it starts when merged', () => {
    const grant = aGrant().expiringAt(NOW + 5 * 3_600_000);
    const finding = theOne(aRepo().with(aRole().lastingAtMost('4h'), grant).validate(), 'GRANT_DURATION_OVER_ROLE_MAX');
    expect(finding.summary).toContain('lasts 5h');
    expect(finding.hint).toBe('set expires at most 4h after now, and request again later if needed');
  });

  it('reports a grant longer than the policy hard cap when the role sets no maximum', () => {
    const grant = aGrant().startingAt(NOW).expiringIn('4d');
    const finding = theOne(aRepo().with(aPolicy().capping({ max: '3d' }), grant).validate(), 'GRANT_DURATION_OVER_CAP');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'expires') });
    expect(finding.summary).toBe('lasts 4d, over the policy hard cap of 72h');
  });

  it('reports only the tightest cap when several are exceeded', () => {
    const grant = aGrant().startingAt(NOW).expiringIn('31d');
    const diagnostics = aRepo().with(aPolicy().capping({ max: '30d' }), aRole().lastingAtMost('8h'), grant).validate();
    expect(durationCodes(diagnostics)).toEqual(['GRANT_DURATION_OVER_ROLE_MAX']);
    expect(theOne(diagnostics, 'GRANT_DURATION_OVER_ROLE_MAX').summary).toBe("lasts 31d, over role app-readonly's maxDuration of 8h");
  });

  it('reports the policy cap when it is tighter than the role maximum', () => {
    const grant = aGrant().startingAt(NOW).expiringIn('3d');
    const diagnostics = aRepo().with(aPolicy().capping({ max: '2d' }), aRole().lastingAtMost('2d12h'), grant).validate();
    expect(durationCodes(diagnostics)).toEqual(['GRANT_DURATION_OVER_CAP']);
  });
});

describe('break-glass durations', () => {
  it('reports a break-glass grant on a role that does not allow it, at breakGlass', () => {
    const grant = aGrant().breakingGlass().expiringIn('1h');
    const finding = theOne(aRepo().with(grant).validate(), 'GRANT_BREAK_GLASS_NOT_ALLOWED');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'breakGlass') });
    expect(finding.summary).toBe('role app-readonly does not allow break-glass');
  });

  it('caps a break-glass grant at the role break-glass maxDuration', () => {
    const grant = aGrant().breakingGlass().startingAt(NOW).expiringIn('3h');
    const finding = theOne(aRepo().with(aRole().allowingBreakGlass('2h'), grant).validate(), 'GRANT_BREAK_GLASS_OVER_CAP');
    expect(finding).toMatchObject({ severity: 'error', ...placeOf(grant, 'expires') });
    expect(finding.summary).toBe("lasts 3h, over role app-readonly's break-glass maxDuration of 2h");
  });

  it('caps a break-glass grant at the policy break-glass cap when that is tighter', () => {
    const grant = aGrant().breakingGlass().startingAt(NOW).expiringIn('3h');
    const diagnostics = aRepo().with(aPolicy().capping({ breakGlassMax: '1h' }), aRole().allowingBreakGlass(), grant).validate();
    expect(theOne(diagnostics, 'GRANT_BREAK_GLASS_OVER_CAP').summary).toBe('lasts 3h, over the policy break-glass cap of 1h');
  });

  it('does not apply the break-glass cap to ordinary grants', () => {
    expect(aRepo().with(aPolicy().capping({ breakGlassMax: '1h' }), aGrant().startingAt(NOW).expiringIn('3h')).validate()).toEqual([]);
  });

  it('accepts a break-glass grant within every cap', () => {
    expect(aRepo().with(aRole().allowingBreakGlass('2h'), aGrant().breakingGlass().startingAt(NOW).expiringIn('2h')).validate()).toEqual([]);
  });

  describe('back-to-back grants of one person on one role (one stretch of access)', () => {
    const H = 3_600_000;
    const first = () => aGrant().named('alice-first').expiringIn('4h');
    const next = () => aGrant().named('alice-next').startingAt(NOW + 4 * H).expiringIn('4h');

    it('refuses a grant that starts when another ends if together they pass the role maxDuration', () => {
      const [a, b] = [first(), next()];
      const diagnostics = aRepo().with(aRole().lastingAtMost('6h'), a, b).validate({ changed: idsOf(b) });
      const finding = theOne(diagnostics, 'GRANT_DURATION_OVER_ROLE_MAX');
      expect(finding).toMatchObject({ severity: 'error', ...placeOf(b, 'expires') });
      expect(finding.summary).toBe(`with ${a.path} it gives alice@example.com 8h of continuous access to role app-readonly, over role app-readonly's maxDuration of 6h`);
    });

    it('counts overlapping grants once, not twice', () => {
      const a = first();
      const b = aGrant().named('alice-overlap').startingAt(NOW + 2 * H).expiringIn('4h');
      const diagnostics = aRepo().with(aPolicy().withSection('duplicates', { allow: true }), aRole().lastingAtMost('6h'), a, b).validate({ changed: idsOf(b) });
      expect(durationCodes(diagnostics)).toEqual([]);
    });

    it('leaves a gap alone, and other people and roles out of the stretch', () => {
      const gap = aGrant().named('alice-gap').startingAt(NOW + 5 * H).expiringIn('4h');
      const bobs = aGrant().for('bob@example.com').named('bob-next').startingAt(NOW + 4 * H).expiringIn('4h');
      expect(durationCodes(aRepo().with(aRole().lastingAtMost('6h'), first(), gap, bobs).validate({ changed: idsOf(gap, bobs) }))).toEqual([]);
    });

    it('is a warning on main, where nothing is being changed, so applies go on while it is shortened', () => {
      const [a, b] = [first(), next()];
      const diagnostics = aRepo().with(aRole().lastingAtMost('6h'), a, b).validate();
      expect(diagnostics.filter((d) => d.code === 'GRANT_DURATION_OVER_ROLE_MAX').map((d) => [d.file, d.severity])).toEqual([[a.path, 'warning'], [b.path, 'warning']]);
    });
  });
});
