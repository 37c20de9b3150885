/**
 * The policy's `anomalies` section: thresholds of the exception-based monitoring rules (seed 001).
 *
 *   anomalies:
 *     lookbackDays: 30                        # grants started within this long are looked at
 *     repeatedUse: { count: 3, days: 30 }     # the same person taking the same role this often
 *     workingHours: { timezone: Europe/London, days: [mon, tue, wed, thu, fri], from: '08:00', to: '19:00' }
 *     approverConcentration: { share: 0.8, minimum: 5 }
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer, type SourceMap } from '../model/source-map.js';
import type { Weekday } from '../model/types.js';

export interface WorkingHours {
  timezone: string;
  days: Weekday[];
  /** HH:MM, inclusive. */
  from: string;
  /** HH:MM, exclusive. */
  to: string;
}

export interface AnomalyConfig {
  lookbackDays: number;
  repeatedUse: { count: number; days: number };
  /** Absent: the off-hours rule does not run. */
  workingHours?: WorkingHours;
  approverConcentration: { share: number; minimum: number };
}

export const DEFAULT_ANOMALY_CONFIG: AnomalyConfig = {
  lookbackDays: 30,
  repeatedUse: { count: 3, days: 30 },
  approverConcentration: { share: 0.8, minimum: 5 },
};

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function isZone(zone: unknown): zone is string {
  if (typeof zone !== 'string') return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** `source` is the policy file's source map, so a problem points at the key that caused it. */
export function readAnomalyConfig(raw: unknown, source?: SourceMap): { value: AnomalyConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const problem = (summary: string, key: keyof AnomalyConfig) => {
    const span = source ? locate(source, pointer(['anomalies', key]), 'key') : undefined;
    diagnostics.push({
      severity: 'error', code: 'ANOMALY_CONFIG_INVALID', summary, hint: 'anomalies takes lookbackDays, repeatedUse, workingHours and approverConcentration',
      ...(source && span ? { file: source.file, start: span.start, end: span.end } : {}),
    });
  };
  if (raw === undefined) return { value: DEFAULT_ANOMALY_CONFIG, diagnostics };
  const section = raw as Partial<Record<keyof AnomalyConfig, unknown>>;
  const value: AnomalyConfig = { ...DEFAULT_ANOMALY_CONFIG };
  if (section.lookbackDays !== undefined) {
    if (positive(section.lookbackDays)) value.lookbackDays = section.lookbackDays;
    else problem('anomalies.lookbackDays must be a positive whole number of days', 'lookbackDays');
  }
  if (section.repeatedUse !== undefined) {
    const r = section.repeatedUse as { count?: unknown; days?: unknown };
    if (positive(r.count) && positive(r.days)) value.repeatedUse = { count: r.count, days: r.days };
    else problem('anomalies.repeatedUse needs count and days, both positive whole numbers', 'repeatedUse');
  }
  if (section.workingHours !== undefined) {
    const w = section.workingHours as Partial<Record<keyof WorkingHours, unknown>>;
    const days = Array.isArray(w.days) ? w.days : [];
    if (isZone(w.timezone) && days.length > 0 && days.every((d) => WEEKDAYS.includes(d as Weekday)) && HHMM.test(String(w.from)) && HHMM.test(String(w.to)) && String(w.from) < String(w.to)) {
      value.workingHours = { timezone: w.timezone, days: days as Weekday[], from: String(w.from), to: String(w.to) };
    } else {
      problem('anomalies.workingHours needs a timezone, days (mon..sun) and from < to as HH:MM', 'workingHours');
    }
  }
  if (section.approverConcentration !== undefined) {
    const a = section.approverConcentration as { share?: unknown; minimum?: unknown };
    if (typeof a.share === 'number' && a.share > 0 && a.share <= 1 && positive(a.minimum)) value.approverConcentration = { share: a.share, minimum: a.minimum };
    else problem('anomalies.approverConcentration needs share in (0, 1] and a positive minimum', 'approverConcentration');
  }
  return { value, diagnostics };
}
