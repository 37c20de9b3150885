/** Wall-clock time in a time zone, for auto-approval windows. */
import type { Instant, Weekday } from '../model/types.js';

export interface LocalTime {
  weekday: Weekday;
  /** HH:MM, 24-hour. */
  hhmm: string;
  /** e.g. `Mon 2026-11-23 10:15 Europe/London`. */
  display: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(at: Instant, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const hhmm = `${parts.hour}:${parts.minute}`;
  const weekday = parts.weekday!.slice(0, 3).toLowerCase() as Weekday;
  return { weekday, hhmm, display: `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${hhmm} ${timeZone}` };
}
