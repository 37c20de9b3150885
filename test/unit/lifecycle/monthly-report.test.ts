import { describe, expect, it } from 'vitest';
import { fingerprint, type Finding } from '../../../src/core/jobs/findings.js';
import type { GrantHistory } from '../../../src/core/jobs/grant-events.js';
import { monthlyReport, reportMonth } from '../../../src/core/jobs/monthly-report.js';
import { email, gitHubPrincipal, grantId, roleName } from '../../../src/core/model/types.js';
import { markdownCode, markdownText } from '../../../src/core/render/escape.js';
import { instant } from '../../support/builders/model.js';

const NOVEMBER = reportMonth(instant('2026-12-01T03:37:00Z'))!;

const history: GrantHistory = {
  added: [
    { grant: grantId('grants/db/alice-1.yaml'), role: roleName('db'), grantee: email('alice@example.com'), commit: 'a', committedAt: instant('2026-11-03T09:00:00Z'), breakGlass: false, standing: false },
    { grant: grantId('grants/db/bob-9.yaml'), role: roleName('db'), grantee: email('bob@example.com'), commit: 'b', committedAt: instant('2026-11-04T02:00:00Z'), breakGlass: true, standing: false },
    { grant: grantId('grants/db/carol-1.yaml'), role: roleName('db'), grantee: email('carol@example.com'), commit: 'c', committedAt: instant('2026-10-30T09:00:00Z'), breakGlass: false, standing: false },
  ],
  lifecycle: [
    { action: 'revoke-hr', commit: 'd', committedAt: instant('2026-11-05T03:00:00Z'), grants: [{ grant: 'grants/db/dave-1.yaml', role: 'db', grantee: 'dave@example.com', revokedAt: instant('2026-11-05T03:00:00Z'), reason: '=HYPERLINK("x") dave left, "really"' }] },
    { action: 'expire', commit: 'e', committedAt: instant('2026-12-01T00:10:00Z'), grants: [{ grant: 'grants/db/erin-1.yaml', role: 'db', grantee: 'erin@example.com' }] },
  ],
  forged: [],
};

const terminated: Finding = {
  kind: 'HR_GRANTEE_TERMINATED', source: 'hr', fingerprint: fingerprint('HR_GRANTEE_TERMINATED', 'x'), summary: 'frank@example.com is terminated in HR but holds 1 grant for role db',
  details: [], outcome: 'reported', role: roleName('db'), grants: [grantId('grants/db/frank-1.yaml')], notify: [gitHubPrincipal('@org/db')],
};

describe('the monthly exception report', () => {
  it('covers the previous calendar month by default', () => {
    expect(NOVEMBER).toEqual({ label: '2026-11', start: instant('2026-11-01T00:00:00Z'), end: instant('2026-12-01T00:00:00Z') });
    expect(reportMonth(instant('2026-01-15T00:00:00Z'))?.label).toBe('2025-12');
    expect(reportMonth(0, '2026-13')).toBeUndefined();
  });

  it('counts the month\'s requests and break-glass, lists HR exceptions and the remediation of that month only', () => {
    const report = monthlyReport({ month: NOVEMBER, history, hr: [terminated], anomalies: [] });
    expect(report.markdown).toContain('| Grants requested | 2 |');
    expect(report.markdown).toContain('| Break-glass grants | 1 |');
    expect(report.markdown).toContain(markdownText('frank@example.com is terminated in HR'));
    expect(report.rows.map((r) => [r.section, r.kind, r.grant])).toEqual([
      ['hr-validation', 'HR_GRANTEE_TERMINATED', 'grants/db/frank-1.yaml'],
      ['remediation', 'revoke-hr', 'grants/db/dave-1.yaml'],
    ]);
  });

  it('writes CSV a spreadsheet cannot mistake for formulas', () => {
    const { csv } = monthlyReport({ month: NOVEMBER, history, hr: [], anomalies: [] });
    expect(csv.split('\r\n')).toEqual([
      'section,kind,at,role,grantee,grant,summary',
      'remediation,revoke-hr,2026-11-05T03:00:00Z,db,dave@example.com,grants/db/dave-1.yaml,"\'=HYPERLINK(""x"") dave left, ""really"""',
      '',
    ]);
  });

  it('says when HR could not be checked instead of claiming everyone matches', () => {
    const report = monthlyReport({ month: NOVEMBER, history, hrNote: 'HR data could not be read without errors; nothing compared', anomalies: [] });
    expect(report.markdown).toContain('| HR exceptions | not checked |');
    expect(report.markdown).toContain(markdownText('HR data could not be read without errors'));
  });
});

describe('the monthly exception report beside HR revocations', () => {
  it('does not say "HR exceptions 0" or "every holder matches HR" in a month with HR revocations', () => {
    const report = monthlyReport({ month: NOVEMBER, history, hr: [], anomalies: [] });
    expect(report.markdown).not.toContain('| HR exceptions | 0 |');
    expect(report.markdown).not.toContain('Every holder matches HR');
    expect(report.markdown).toContain('| HR exceptions | 1 (0 open now, 1 revoked this month) |');
    expect(report.markdown).toContain('| Grants revoked because of HR | 1 |');
    expect(report.markdown).toContain(`- ${markdownCode('grants/db/dave-1.yaml')} (${markdownText('dave@example.com')}):`);
  });

  it('counts open findings and the month\'s HR revocations together', () => {
    const report = monthlyReport({ month: NOVEMBER, history, hr: [terminated], anomalies: [] });
    expect(report.markdown).toContain('| HR exceptions | 2 (1 open now, 1 revoked this month) |');
    expect(report.markdown).toContain(markdownText('frank@example.com is terminated in HR'));
  });

  it('still says every holder matches HR when nothing was found and nothing revoked', () => {
    const quiet: GrantHistory = { ...history, lifecycle: history.lifecycle.filter((e) => e.action !== 'revoke-hr') };
    const report = monthlyReport({ month: NOVEMBER, history: quiet, hr: [], anomalies: [] });
    expect(report.markdown).toContain('| HR exceptions | 0 |');
    expect(report.markdown).toContain('| Grants revoked because of HR | 0 |');
    expect(report.markdown).toContain('Every holder matches HR.');
  });

  it('names the month\'s HR revocations even when HR cannot be read now', () => {
    const report = monthlyReport({ month: NOVEMBER, history, hrNote: 'HR data could not be read without errors; nothing compared', anomalies: [] });
    expect(report.markdown).toContain('| HR exceptions | not checked |');
    expect(report.markdown).toContain('| Grants revoked because of HR | 1 |');
    expect(report.markdown).toContain(`- ${markdownCode('grants/db/dave-1.yaml')} (${markdownText('dave@example.com')}):`);
  });
});
