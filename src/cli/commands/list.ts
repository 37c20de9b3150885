/** `gitgrant list [--role R] [--grantee E] [--state S] [--json]`: active and scheduled grants, from the files on this checkout. */
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { hasErrors } from '../../core/diagnostics/diagnostic.js';
import { formatDuration } from '../../core/model/duration.js';
import { formatInstant } from '../../core/model/instant.js';
import { normaliseEmail } from '../../core/model/load-file.js';
import { holdings, type Holding, type HoldingState } from '../../core/policy/holdings.js';
import { plainText } from '../../core/render/escape.js';
import { loadAndEvaluate } from '../support/load.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';

export interface ListOptions {
  repo?: string;
  now?: string;
  role?: string;
  grantee?: string;
  state?: string;
  json?: boolean;
}

const STATES: readonly HoldingState[] = ['active', 'scheduled', 'expired'];

export function listCommand(io: CliIo, options: ListOptions): number {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const states = options.state === undefined ? undefined : stateOption(options.state);
  const { repo, findings } = loadAndEvaluate(root, now);
  const listed = holdings(repo.grants, now, {
    ...(options.role === undefined ? {} : { role: options.role }),
    ...(options.grantee === undefined ? {} : { grantee: normaliseEmail(options.grantee) }),
    ...(states === undefined ? {} : { states }),
  });
  io.stdout(options.json ? JSON.stringify(listed.map(asJson), null, 2) + '\n' : renderTable(listed, now));
  // A file that did not load is a grant this list cannot show: say so rather than look complete.
  const unloaded = findings.filter((d) => d.severity === 'error');
  for (const d of unloaded) io.stderr(formatDiagnostic(d) + '\n');
  if (hasErrors(unloaded)) io.stderr(`gitgrant list: ${unloaded.length} error${unloaded.length === 1 ? '' : 's'} in the repository; the list may be incomplete (run gitgrant validate)\n`);
  return hasErrors(unloaded) ? EXIT.findings : EXIT.ok;
}

function stateOption(value: string): HoldingState[] {
  const states = value.split(',').map((s) => s.trim());
  const unknown = states.filter((s) => !STATES.includes(s as HoldingState));
  if (unknown.length > 0) throw new UsageError(`--state ${value}: ${unknown.join(', ')} is not a state`, `use one or more of ${STATES.join(', ')}, separated by commas`);
  return states as HoldingState[];
}

function asJson(h: Holding) {
  return { ...h, starts: h.starts === undefined ? undefined : formatInstant(h.starts), expires: formatInstant(h.expires), remaining: formatDuration(h.remaining) };
}

function renderTable(listed: readonly Holding[], now: number): string {
  if (listed.length === 0) return `No grants at ${formatInstant(now)}.\n`;
  const rows = listed.map((h) => [
    h.state,
    h.grantee,
    h.role,
    h.starts === undefined ? '-' : formatInstant(h.starts),
    formatInstant(h.expires),
    h.state === 'scheduled' ? `starts in ${formatDuration(h.remaining)}` : h.state === 'active' ? `${formatDuration(h.remaining)} left` : 'awaiting sweep',
    h.kind,
    h.ticket ?? '-',
    h.grant,
  ].map(plainText));
  const header = ['STATE', 'GRANTEE', 'ROLE', 'STARTS', 'EXPIRES', 'TIME', 'KIND', 'TICKET', 'FILE'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const counts = STATES.map((s) => [s, listed.filter((h) => h.state === s).length] as const).filter(([, n]) => n > 0);
  const summary = `${listed.length} grant${listed.length === 1 ? '' : 's'} at ${formatInstant(now)}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
  return [line(header), ...rows.map(line), '', summary, ''].join('\n');
}
