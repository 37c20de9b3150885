import { describe, expect, it } from 'vitest';
import { buildAuditReport } from '../../../src/core/audit/audit-report.js';
import { renderDashboard, ticks } from '../../../src/core/audit/dashboard.js';
import { reconstruct } from '../../../src/core/audit/lifecycle.js';
import { renderAudit } from '../../../src/core/audit/render-audit.js';
import { instant } from '../../support/builders/model.js';
import { HistoryBuilder } from '../../support/builders/history.js';

/** A break-glass grant whose incident text, written by the requester, tries to inject markup. */
function hostileHistory() {
  const h = new HistoryBuilder();
  const path = 'grants/prod-break-glass/mallory.yaml';
  h.commit('2026-11-01T10:00:00Z', 'Break glass', [{
    status: 'A', path,
    newBlob: h.grant('b1', { grantee: 'mallory@example.com', breakGlass: true, incident: '<img src=x onerror=alert(1)> | @example-org/everyone', expires: '2026-11-01T12:00:00Z' }),
  }]);
  return reconstruct(h.build());
}

describe('rendering untrusted values', () => {
  it('escapes them in the dashboard\'s HTML', () => {
    const html = renderDashboard(hostileHistory(), instant('2026-11-01T11:00:00Z'));
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; | @example-org/everyone');
  });

  it('escapes them in Markdown, so they neither break a table nor mention a team', () => {
    const markdown = renderAudit(buildAuditReport(hostileHistory(), {}), 'md');
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('@example-org/everyone');
    expect(markdown).toContain('incident &#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62; &#124; &#64;example&#45;org/everyone');
  });

  it('quotes them in CSV and neutralises a leading formula character', () => {
    const h = new HistoryBuilder();
    h.commit('2026-11-01T10:00:00Z', 'Request (#1)', [{ status: 'A', path: 'grants/app/a.yaml', newBlob: h.grant('b1', { expires: '2026-11-01T12:00:00Z' }) }]);
    const csv = renderAudit(buildAuditReport(reconstruct(h.build()), {}), 'csv').split('\n');
    expect(csv[1]).toMatch(/^"HITRUST CSF v11\.2\.0 11\.a - User Access Management","2026-11-01T10:00:00Z","requested",/);
    const report = buildAuditReport(reconstruct(h.build()), {});
    report.controls[0]!.evidence[0]!.summary = '=HYPERLINK("http://evil")';
    expect(renderAudit(report, 'csv')).toContain('"\'=HYPERLINK(""http://evil"")"');
  });
});

describe('the time axis of the dashboard', () => {
  it('puts at most six round ticks across any range: whole hours for a day, whole days for weeks', () => {
    const day = ticks({ from: instant('2026-11-01T09:20:00Z'), to: instant('2026-11-01T20:00:00Z') });
    expect(day.map((t) => t.label)).toEqual(['2026-11-01 10:00', '2026-11-01 12:00', '2026-11-01 14:00', '2026-11-01 16:00', '2026-11-01 18:00', '2026-11-01 20:00']);
    const weeks = ticks({ from: instant('2026-11-01T09:00:00Z'), to: instant('2026-11-20T00:00:00Z') });
    expect(weeks.map((t) => t.label)).toEqual(['2026-11-05', '2026-11-12', '2026-11-19']);
    for (const span of ['PT1M', 'P400D']) {
      const from = instant('2026-01-01T00:00:00Z');
      const to = from + (span === 'PT1M' ? 60_000 : 400 * 86_400_000);
      expect(ticks({ from, to }).length).toBeLessThanOrEqual(6);
    }
  });
});
