import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_CONFIG, type AnomalyConfig } from '../../../src/core/model/policy-sections.js';
import { sectionFailures } from '../../../src/core/model/policy.js';
import { detectAnomalies, type Approvals } from '../../../src/core/jobs/anomalies.js';
import { approvalsByLogin } from '../../../src/core/jobs/approvals.js';
import type { GrantEvent } from '../../../src/core/jobs/grant-events.js';
import { email, grantId, roleName } from '../../../src/core/model/types.js';
import { aPolicy, aRepo, aRole, instant, lineContaining, NOW } from '../../support/builders/model.js';

const DAY = 86_400_000;
let serial = 0;

function taken(grantee: string, role: string, startsAt: number, extra: Partial<GrantEvent> = {}): GrantEvent {
  serial += 1;
  return {
    grant: grantId(`grants/${role}/${grantee.split('@')[0]}-${serial}.yaml`), role: roleName(role), grantee: email(grantee),
    commit: `c${serial}`, committedAt: startsAt, starts: startsAt, expires: startsAt + 4 * 3_600_000, breakGlass: false, standing: false, ...extra,
  };
}

const repo = aRepo().with(aRole('db').ownedBy('@example-org/db-owners')).load().repo;
const LONDON_HOURS: AnomalyConfig = { ...DEFAULT_ANOMALY_CONFIG, workingHours: { timezone: 'Europe/London', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '19:00' } };
const kinds = (history: GrantEvent[], config: AnomalyConfig = DEFAULT_ANOMALY_CONFIG, approvals?: Approvals) =>
  detectAnomalies({ repo, history, now: NOW, config, approvals }).findings.map((f) => [f.kind, f.summary]);

describe('the repeated-use rule', () => {
  it('flags the same person taking the same role as often as the threshold within the window', () => {
    const history = [taken('alice@example.com', 'db', NOW - 20 * DAY), taken('alice@example.com', 'db', NOW - 10 * DAY), taken('alice@example.com', 'db', NOW - DAY)];
    expect(kinds(history)).toEqual([['ANOMALY_REPEATED_USE', 'alice@example.com took role db 3 times in 30 days']]);
  });

  it('does not count grants that started before the window, other roles or other people', () => {
    const history = [taken('alice@example.com', 'db', NOW - 40 * DAY), taken('alice@example.com', 'db', NOW - 10 * DAY), taken('alice@example.com', 'app', NOW - DAY), taken('bob@example.com', 'db', NOW - DAY)];
    expect(kinds(history)).toEqual([]);
  });

  it('keeps one fingerprint for the person and role as more grants arrive', () => {
    const three = [taken('alice@example.com', 'db', NOW - 3 * DAY), taken('alice@example.com', 'db', NOW - 2 * DAY), taken('alice@example.com', 'db', NOW - DAY)];
    const four = [...three, taken('alice@example.com', 'db', NOW - 3_600_000)];
    const print = (h: GrantEvent[]) => detectAnomalies({ repo, history: h, now: NOW, config: DEFAULT_ANOMALY_CONFIG }).findings[0]!.fingerprint;
    expect(print(four)).toBe(print(three));
  });
});

describe('the break-glass rule', () => {
  it('reports every break-glass grant within the lookback, to the role owners and security', () => {
    const result = detectAnomalies({ repo, history: [taken('bob@example.com', 'db', NOW - 2 * DAY, { breakGlass: true })], now: NOW, config: DEFAULT_ANOMALY_CONFIG });
    expect(result.findings.map((f) => [f.kind, f.notify])).toEqual([['ANOMALY_BREAK_GLASS', ['@example-org/db-owners', '@example-org/security']]]);
  });
});

describe('the off-hours rule', () => {
  it('flags a start outside the working hours of the policy time zone, and not one inside them', () => {
    const sunday = taken('alice@example.com', 'db', instant('2026-11-22T11:00:00Z'));
    const mondayNight = taken('bob@example.com', 'db', instant('2026-11-23T19:30:00Z') - DAY * 7);
    const mondayMorning = taken('carol@example.com', 'db', instant('2026-11-16T08:00:00Z'));
    expect(kinds([sunday, mondayNight, mondayMorning], LONDON_HOURS).map(([kind, summary]) => [kind, summary!.split("'")[0]])).toEqual([
      ['ANOMALY_OFF_HOURS', 'alice@example.com'],
      ['ANOMALY_OFF_HOURS', 'bob@example.com'],
    ]);
  });

  it('is skipped, and says so, when the policy names no working hours', () => {
    expect(detectAnomalies({ repo, history: [], now: NOW, config: DEFAULT_ANOMALY_CONFIG }).skipped).toContain('off-hours rule skipped: the policy sets no anomalies.workingHours');
  });
});

describe('the approver-concentration rule', () => {
  it('flags one approver behind most of one requester\'s grants once there are enough of them', () => {
    const history = Array.from({ length: 5 }, (_, i) => taken('alice@example.com', 'db', NOW - (i + 1) * DAY * 5));
    const approvals: Approvals = new Map(history.map((e, i) => [e.grant, { requester: 'alice', approvers: [i === 0 ? 'carol' : 'bob'] }]));
    expect(kinds(history, { ...DEFAULT_ANOMALY_CONFIG, repeatedUse: { count: 99, days: 30 } }, approvals)).toEqual([['ANOMALY_APPROVER_CONCENTRATION', 'bob approved 4 of 5 grants requested by alice']]);
  });

  it('is skipped, and says so, without approvals', () => {
    expect(detectAnomalies({ repo, history: [], now: NOW, config: DEFAULT_ANOMALY_CONFIG }).skipped).toContain('approver concentration skipped: no approval notes in history (refs/notes/gitgrant)');
  });
});

describe('the anomalies section of the policy', () => {
  const withSection = (section: unknown) => {
    const policy = aPolicy().withSection('anomalies', section);
    return { ...aRepo().with(policy).load(), file: policy.build() };
  };

  it('reads thresholds and working hours', () => {
    const { repo, diagnostics } = withSection({ repeatedUse: { count: 5, days: 14 }, workingHours: { timezone: 'America/New_York', days: ['mon'], from: '09:00', to: '17:00' } });
    expect(diagnostics).toEqual([]);
    expect(repo.policy.anomalies.repeatedUse).toEqual({ count: 5, days: 14 });
    expect(repo.policy.anomalies.workingHours?.timezone).toBe('America/New_York');
    expect(sectionFailures(repo.policy, diagnostics, 'anomalies')).toEqual([]);
  });

  it('refuses an unknown time zone and reversed hours, each at its line, and drops the off-hours rule', () => {
    const { repo, diagnostics, file } = withSection({ workingHours: { timezone: 'Mars/Olympus', days: ['mon'], from: '17:00', to: '09:00' } });
    expect(diagnostics.map((d) => [d.code, d.start?.line])).toEqual([
      ['ANOMALY_CONFIG_INVALID', lineContaining(file, 'timezone:')],
      ['ANOMALY_CONFIG_INVALID', lineContaining(file, 'to:')],
    ]);
    expect(repo.policy.anomalies.workingHours).toBeUndefined();
    expect(sectionFailures(repo.policy, diagnostics, 'anomalies')).toEqual(diagnostics);
  });

  it('refuses a misspelt key at the key, and then the section did not load', () => {
    const { repo, diagnostics, file } = withSection({ repeatedUse: { count: 5, dyas: 14 } });
    expect(diagnostics.map((d) => [d.code, d.start?.line, d.hint])).toEqual([
      ['SCHEMA_REQUIRED', lineContaining(file, 'repeatedUse:'), undefined],
      ['SCHEMA_UNKNOWN_KEY', lineContaining(file, 'dyas:'), 'did you mean `days`?'],
    ]);
    expect(repo.policy.anomalies).toEqual(DEFAULT_ANOMALY_CONFIG);
    expect(sectionFailures(repo.policy, diagnostics, 'anomalies')).toEqual(diagnostics);
  });
});

describe('approvals from the approval notes', () => {
  it('are read by login for the concentration rule, and absent when no grant has a note', () => {
    const noted = taken('alice@example.com', 'db', NOW - DAY, { approval: { author: '@Alice-GH', approvers: [{ login: '@bob' }] } });
    expect(approvalsByLogin([noted, taken('carol@example.com', 'db', NOW)])).toEqual(new Map([[noted.grant, { requester: 'alice-gh', approvers: ['bob'] }]]));
    expect(approvalsByLogin([taken('carol@example.com', 'db', NOW)])).toBeUndefined();
  });
});
