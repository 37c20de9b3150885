/**
 * The audit dashboard: one self-contained HTML page (no scripts, no fonts, no CDN), so it opens
 * from a file, an artifact or GitHub Pages alike. Timelines of grants by role and by person,
 * active grants, break-glass events, exception issues and approval latency. Pure.
 *
 * Accessibility: every bar is focusable and has a text label, colour is never
 * the only signal (break-glass bars are also hatched and labelled), text meets WCAG AA contrast,
 * and the layout reflows to one column on a phone.
 */
import { formatDuration } from '../model/duration.js';
import type { Instant } from '../model/types.js';
import { htmlText } from '../render/escape.js';
import { isActive } from './access-at.js';
import type { GitHubFacts } from './audit-report.js';
import { time } from './events.js';
import type { GrantLifecycle, Reconstruction } from './lifecycle-types.js';
import { compareText } from '../text/compare-text.js';

export interface DashboardFigures {
  grants: number;
  active: number;
  breakGlass: number;
  /** Undefined: not known without a GitHub token. */
  openExceptions?: number;
  /** Median time from PR opened to its first approval, over grants whose approval is recorded. */
  medianApproval?: number;
  approvalSamples: number;
}

export function dashboardFigures(history: Reconstruction, now: Instant, github?: GitHubFacts): DashboardFigures {
  const latencies = approvalLatencies(history.grants).map((l) => l.latency).sort((a, b) => a - b);
  return {
    grants: history.grants.length,
    active: history.grants.filter((g) => isActive(g, now)).length,
    breakGlass: history.grants.filter((g) => g.breakGlass).length,
    openExceptions: github?.exceptions.filter((i) => i.state === 'open').length,
    medianApproval: latencies.length === 0 ? undefined : latencies[Math.floor((latencies.length - 1) / 2)],
    approvalSamples: latencies.length,
  };
}

function approvalLatencies(grants: readonly GrantLifecycle[]): { grant: GrantLifecycle; latency: number }[] {
  return grants.flatMap((grant) => {
    const opened = grant.approval.openedAt;
    const first = grant.approval.approvers.map((a) => a.at).filter((at): at is number => at !== undefined).sort((a, b) => a - b)[0];
    return opened === undefined || first === undefined ? [] : [{ grant, latency: Math.max(0, first - opened) }];
  });
}

export function renderDashboard(history: Reconstruction, now: Instant, github?: GitHubFacts): string {
  const figures = dashboardFigures(history, now, github);
  const range = timeRange(history.grants, now);
  const body = [
    header(history, now),
    '<main>',
    summary(figures),
    timeline('Timeline by role', 'by-role', groupBy(history.grants, (g) => g.role), range, now),
    timeline('Timeline by person', 'by-person', groupBy(history.grants, (g) => g.grantee), range, now),
    activeTable(history.grants.filter((g) => isActive(g, now))),
    grantsTable(history.grants, now),
    breakGlassTable(history.grants.filter((g) => g.breakGlass), github),
    exceptionsSection(github),
    latencyTable(approvalLatencies(history.grants)),
    '</main>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gitgrant access dashboard</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const STYLE = `
:root { color: #1a1a1a; background: #ffffff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid #1a1a1a; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.75rem; margin: 0; }
.card { border: 1px solid #595959; border-radius: 6px; padding: 0.75rem; }
.card dt { font-size: 0.9rem; color: #3d3d3d; }
.card dd { margin: 0; font-size: 1.8rem; font-weight: 700; overflow-wrap: anywhere; }
.timeline { list-style: none; padding: 0; margin: 0; }
.timeline > li { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: 0.5rem; align-items: center; border-bottom: 1px solid #d0d0d0; padding: 0.25rem 0; }
.lane { position: relative; height: 1.6rem; background: #f2f2f2; }
.bar { position: absolute; height: 1.2rem; min-width: 4px; background: #1f5fa8; border-radius: 3px; }
.bar.expired, .bar-like.expired { background: #767676; }
.bar.revoked, .bar-like.revoked { background: repeating-linear-gradient(90deg, #8a4b08 0 3px, #d08a3a 3px 6px); }
.bar.scheduled, .bar-like.scheduled { background: #ffffff; border: 2px dashed #1f5fa8; box-sizing: border-box; }
.bar-like.active { background: #1f5fa8; outline: 2px solid #0b6b2e; }
.bar.break-glass, .bar-like.break-glass { background: repeating-linear-gradient(45deg, #b3261e 0 6px, #7a1a14 6px 12px); }
.bar.active { outline: 2px solid #0b6b2e; }
.bar:focus { outline: 3px solid #000000; outline-offset: 2px; z-index: 1; }
.now { position: absolute; top: 0; bottom: 0; width: 2px; background: #0b6b2e; }
.axis-row { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: 0.5rem; }
.axis { position: relative; height: 2.6rem; font-size: 0.8rem; color: #3d3d3d; border-bottom: 1px solid #595959; }
.tick { position: absolute; bottom: 0; padding-left: 3px; border-left: 1px solid #595959; white-space: nowrap; line-height: 1.2; }
.tick.end { padding: 0 3px 0 0; border-left: none; border-right: 1px solid #595959; text-align: right; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #d0d0d0; vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
.legend { font-size: 0.9rem; }
.swatch { display: inline-block; width: 1rem; height: 0.8rem; vertical-align: middle; margin-right: 0.25rem; }
@media (max-width: 40rem) {
  .timeline > li { grid-template-columns: 1fr; }
  .axis-row { grid-template-columns: 1fr; }
  .axis-row > span:first-child, .tick.minor { display: none; }
}
`;

/** What the page was built from, so an auditor can rebuild it and get the same page. */
function header(history: Reconstruction, now: Instant): string {
  const source = history.lastCommit === undefined
    ? 'an empty history'
    : `main at commit <code id="built-from">${htmlText(history.lastCommit.slice(0, 12))}</code> of ${time(history.lastCommitAt ?? now)}`;
  return `<header><h1>Access dashboard</h1><p>Built from ${source}; "now" is <span id="built-at">${time(now)}</span>.</p></header>`;
}

function summary(f: DashboardFigures): string {
  const card = (id: string, label: string, value: string) => `<div class="card"><dt id="${id}-label">${label}</dt><dd id="${id}">${value}</dd></div>`;
  return `<section aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2><dl class="cards">
${card('count-grants', 'Grants in history', String(f.grants))}
${card('count-active', 'Active now', String(f.active))}
${card('count-break-glass', 'Break-glass uses', String(f.breakGlass))}
${card('count-open-exceptions', 'Open exception issues', f.openExceptions === undefined ? 'unknown' : String(f.openExceptions))}
${card('median-approval', `Median approval latency (${f.approvalSamples} recorded)`, f.medianApproval === undefined ? 'none recorded' : formatDuration(f.medianApproval) || '0m')}
</dl></section>`;
}

interface Range {
  from: Instant;
  to: Instant;
}

function timeRange(grants: readonly GrantLifecycle[], now: Instant): Range {
  const from = grants.reduce((min, g) => Math.min(min, g.requested.at), now);
  const to = grants.reduce((max, g) => Math.max(max, end(g, now)), now);
  return { from, to: to > from ? to : from + 1 };
}

/** Where a grant's bar ends: its removal, its deadline, or "now" for a file with no readable deadline. */
function end(grant: GrantLifecycle, now: Instant): Instant {
  const until = Math.min(grant.expires, grant.ended?.removedAt ?? Number.POSITIVE_INFINITY);
  return Number.isFinite(until) ? until : now;
}

/**
 * What became of a grant, as the page shows it: revoked (ended before its deadline by a person, HR or
 * a closed ticket) and expired look different, and so do grants not started yet.
 */
export type GrantState = 'scheduled' | 'active' | 'expired' | 'revoked';

export function grantState(grant: GrantLifecycle, now: Instant): GrantState {
  if (grant.ended) return grant.ended.kind.startsWith('revoked') ? 'revoked' : 'expired';
  if (isActive(grant, now)) return 'active';
  return grant.expires <= now ? 'expired' : 'scheduled';
}

/** Who approved a grant, as recorded: logins, the waiver that stood in for them, or that nothing was recorded. */
function approvedBy(grant: GrantLifecycle): string {
  const logins = grant.approval.approvers.map((a) => a.login);
  // A note older than main's records is anyone's word: shown, never as a record.
  if (logins.length > 0) return `${logins.join(', ')}${grant.approval.source === 'note' ? ' (unverified note)' : ''}`;
  if (grant.approval.waiver) return `no approval needed: ${grant.approval.waiver}`;
  if (grant.breakGlass) return 'break-glass (reviewed after)';
  return grant.approval.source === 'unrecorded' ? 'not recorded' : 'none';
}

const TRACK_REM = 1.4;

function startOf(grant: GrantLifecycle): Instant {
  return Math.max(grant.requested.at, grant.starts ?? grant.requested.at);
}

/** Overlapping grants in one lane go on separate tracks, so no bar hides another. */
function stack(grants: readonly GrantLifecycle[], now: Instant): Map<GrantLifecycle, number> {
  const trackEnds: number[] = [];
  const tracks = new Map<GrantLifecycle, number>();
  for (const g of [...grants].sort((a, b) => startOf(a) - startOf(b))) {
    let track = trackEnds.findIndex((endsAt) => endsAt <= startOf(g));
    if (track < 0) track = trackEnds.length;
    trackEnds[track] = end(g, now);
    tracks.set(g, track);
  }
  return tracks;
}

function groupBy(grants: readonly GrantLifecycle[], key: (g: GrantLifecycle) => string): [string, GrantLifecycle[]][] {
  const groups = new Map<string, GrantLifecycle[]>();
  for (const g of grants) {
    const group = groups.get(key(g)) ?? [];
    group.push(g);
    groups.set(key(g), group);
  }
  return [...groups.entries()].sort(([a], [b]) => compareText(a, b));
}

function timeline(title: string, id: string, groups: [string, GrantLifecycle[]][], range: Range, now: Instant): string {
  const pct = (at: Instant) => (((at - range.from) / (range.to - range.from)) * 100).toFixed(3);
  const rows = groups.map(([label, grants]) => {
    const tracks = stack(grants, now);
    const bars = grants.map((g) => {
      const start = startOf(g);
      const finish = end(g, now);
      const state = grantState(g, now);
      const classes = ['bar', state, g.breakGlass ? 'break-glass' : ''].filter(Boolean).join(' ');
      const text = `${g.grantee} on ${g.role}${g.breakGlass ? ' (break-glass)' : ''}: ${time(start)} to ${time(finish)}, ${g.ended ? g.ended.kind : state}`;
      const place = `left:${pct(start)}%;width:${(Number(pct(finish)) - Number(pct(start))).toFixed(3)}%;top:${(tracks.get(g)! * TRACK_REM + 0.2).toFixed(1)}rem`;
      return `<span class="${classes}" tabindex="0" role="img" aria-label="${htmlText(text)}" title="${htmlText(text)}" style="${place}"></span>`;
    }).join('');
    const height = ([...tracks.values()].reduce((most, t) => Math.max(most, t), 0) + 1) * TRACK_REM + 0.2;
    return `<li><span>${htmlText(label)} <span class="visually-hidden">(${grants.length} grant(s))</span></span><div class="lane" style="height:${height.toFixed(1)}rem"><span class="now" style="left:${pct(now)}%" aria-hidden="true"></span>${bars}</div></li>`;
  });
  return `<section aria-labelledby="${id}-heading"><h2 id="${id}-heading">${title}</h2>
${LEGEND}
<div class="axis-row" aria-hidden="true"><span></span><div class="axis">${ticks(range).map((t, i) => tick(t, Number(pct(t.at)), i % 2 === 1)).join('')}</div></div>
<ol class="timeline" id="${id}">${rows.join('\n')}</ol></section>`;
}

const LEGEND = `<p class="legend">${[
  ['active', 'active'],
  ['scheduled', 'scheduled'],
  ['expired', 'expired'],
  ['revoked', 'revoked early (striped)'],
  ['break-glass', 'break-glass (hatched)'],
].map(([cls, label]) => `<span class="swatch bar-like ${cls}"></span>${label}`).join(' ')} <span class="swatch" style="background:#0b6b2e"></span>now; focus a bar for its dates.</p>`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TICK_STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
const MAX_TICKS = 6;

/** Evenly spaced, round instants across the range (whole hours or days, UTC), at most six. */
export function ticks(range: Range): { at: Instant; label: string }[] {
  const span = range.to - range.from;
  const step = TICK_STEPS.find((s) => span / s <= MAX_TICKS) ?? Math.ceil(span / MAX_TICKS / DAY) * DAY;
  const out: { at: Instant; label: string }[] = [];
  for (let at = Math.ceil(range.from / step) * step; at <= range.to; at += step) {
    const iso = new Date(at).toISOString();
    out.push({ at, label: step < DAY ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10) });
  }
  return out;
}

/**
 * A tick near the right edge hangs its label to the left, so the page never scrolls sideways; every
 * other tick is `minor` and hidden on a phone, where six labels would overlap.
 */
function tick(t: { label: string }, at: number, minor: boolean): string {
  const label = t.label.replace(' ', '<br>');
  const classes = ['tick', at > 80 ? 'end' : '', minor ? 'minor' : ''].filter(Boolean).join(' ');
  const place = at > 80 ? `right:${(100 - at).toFixed(3)}%` : `left:${at.toFixed(3)}%`;
  return `<span class="${classes}" style="${place}">${label}</span>`;
}

function table(id: string, caption: string, headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p id="${id}">${empty}</p>`;
  const head = headers.map((h) => `<th scope="col">${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table id="${id}"><caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function activeTable(active: readonly GrantLifecycle[]): string {
  return `<section aria-labelledby="active-heading"><h2 id="active-heading">Active grants now</h2>${table('active', `${active.length} active grant(s)`, ['Grantee', 'Role', 'Since', 'Expires', 'Approved by', 'File'],
    active.map((g) => [htmlText(g.grantee), htmlText(g.role), time(startOf(g)), time(g.expires), htmlText(approvedBy(g)), `<code>${htmlText(g.path)}</code>`]), 'No grant is active.')}</section>`;
}

/** Every grant in the history, newest first: the state it is in and who approved it, with the commit that asked for it. */
function grantsTable(grants: readonly GrantLifecycle[], now: Instant): string {
  const newestFirst = [...grants].sort((a, b) => b.requested.at - a.requested.at || compareText(a.path, b.path));
  const requested = (g: GrantLifecycle) => `<code>${htmlText(g.requested.sha.slice(0, 12))}</code>${g.requested.pr === undefined ? '' : ` (PR #${g.requested.pr})`}`;
  return `<section aria-labelledby="grants-heading"><h2 id="grants-heading">All grants</h2>${table('grants', `${grants.length} grant(s) in history`, ['Grantee', 'Role', 'Window', 'State', 'Approved by', 'Requested in'],
    newestFirst.map((g) => [htmlText(g.grantee), htmlText(g.role), `${time(startOf(g))} to ${time(end(g, now))}`, `<span class="state ${grantState(g, now)}">${g.ended ? htmlText(g.ended.kind) : grantState(g, now)}</span>${g.breakGlass ? ' (break-glass)' : ''}`, htmlText(approvedBy(g)), requested(g)]),
    'No grant in history.')}</section>`;
}

function breakGlassTable(uses: readonly GrantLifecycle[], github: GitHubFacts | undefined): string {
  const review = (g: GrantLifecycle) => {
    if (!github) return 'unknown (no GitHub token)';
    const issue = github.reviews.get(g.path);
    return issue ? `#${issue.number} ${issue.state}` : 'no review issue found';
  };
  return `<section aria-labelledby="break-glass-heading"><h2 id="break-glass-heading">Break-glass events</h2>${table('break-glass', `${uses.length} break-glass use(s)`, ['Grantee', 'Role', 'Incident', 'Started', 'Ended', 'Review'],
    uses.map((g) => [htmlText(g.grantee), htmlText(g.role), htmlText(g.incident ?? 'not given'), time(g.requested.at), g.ended ? time(g.ended.removedAt) : 'active', review(g)]), 'No break-glass use.')}</section>`;
}

function exceptionsSection(github: GitHubFacts | undefined): string {
  const open = github?.exceptions.filter((i) => i.state === 'open') ?? [];
  const content = !github
    ? '<p id="exceptions">Unknown: the dashboard was built without a GitHub token.</p>'
    : table('exceptions', `${open.length} open exception issue(s)`, ['Issue', 'Title'], open.map((i) => [`<a href="${htmlText(i.url)}">#${i.number}</a>`, htmlText(i.title)]), 'No open exception issue.');
  return `<section aria-labelledby="exceptions-heading"><h2 id="exceptions-heading">Open exceptions</h2>${content}</section>`;
}

function latencyTable(latencies: readonly { grant: GrantLifecycle; latency: number }[]): string {
  return `<section aria-labelledby="latency-heading"><h2 id="latency-heading">Approval latency</h2>${table('latency', 'From pull request opened to first approval', ['Grant', 'PR', 'Opened', 'Latency'],
    latencies.map(({ grant, latency }) => [`<code>${htmlText(grant.path)}</code>`, grant.requested.pr === undefined ? '' : `#${grant.requested.pr}`, time(grant.approval.openedAt!), formatDuration(latency) || '0m']),
    'No approval times recorded: the apply step records them on main (approvals/).')}</section>`;
}
