/** Renderings of a plan: terraform-style text, Markdown (PR comments, job summaries) and JSON. Pure. */
import { formatDiagnostic } from '../diagnostics/format.js';
import { formatInstant } from '../model/instant.js';
import { markdownCode, markdownText, plainText } from '../render/escape.js';
import { changeCount, planTotals } from './diff.js';
import { targetKey, type ObservedBinding, type Plan, type TargetChange, type Window } from './types.js';

function windowText(window: Window | undefined): string {
  if (!window) return 'no cloud deadline (ended by the sweep)';
  return `${window.starts === undefined ? 'now' : formatInstant(window.starts)} -> ${formatInstant(window.expires)}`;
}

/** `name` escapes the target names for where the line goes (config text, not gitgrant's own words). */
function summaryLine(plan: Plan, name: (text: string) => string = (text) => text): string {
  const t = planTotals(plan);
  const unread = plan.unread?.length ?? 0;
  // "No changes" would be a claim about targets nobody read: say what was and was not compared.
  const none = plan.scope !== undefined
    ? `No changes on ${unread === 0 ? '' : 'the readable ones of '}${name(plan.scope)}.`
    : unread === 0 ? 'No changes: the cloud matches the grants.' : 'No changes on the targets that were read.';
  const head = t.add + t.update + t.remove === 0 ? none : `Plan: ${t.add} to add, ${t.update} to change, ${t.remove} to remove, on ${t.targets} target${t.targets === 1 ? '' : 's'}.`;
  const unknown = unread === 0 ? '' : ` ${unread} target${unread === 1 ? '' : 's'} could not be read, so ${unread === 1 ? 'its' : 'their'} changes are unknown: ${plan.unread!.map(name).join(', ')}.`;
  const unmanaged = t.unmanaged > 0 ? ` ${t.unmanaged} unmanaged binding${t.unmanaged === 1 ? '' : 's'} seen on managed targets (never touched; reconcile reports them).` : '';
  const only = plan.scope === undefined || t.add + t.update + t.remove === 0 ? '' : ` Only ${name(plan.scope)} ${plan.scope.endsWith(' targets') ? 'were' : 'was'} planned.`;
  return head + only + unknown + unmanaged;
}

export function renderPlanText(plan: Plan): string {
  const lines = [`gitgrant plan at ${formatInstant(plan.at)} (${plan.online ? 'compared with the cloud' : 'offline: intended bindings only, nothing read'})`, ''];
  for (const change of plan.changes) {
    if (changeCount(change) === 0 && change.unmanaged.length === 0) continue;
    lines.push(`  # ${targetKey(change.target)}`);
    for (const b of change.add) lines.push(`  + ${b.principal}  ${b.permission}  ${windowText(b.window)}  (${b.grants.join(', ')})`);
    for (const u of change.update) lines.push(`  ~ ${u.to.principal}  ${u.to.permission}  ${windowText(u.from.window)}  =>  ${windowText(u.to.window)}  (${u.to.grants.join(', ')})`);
    for (const b of change.remove) lines.push(`  - ${b.principal}  ${b.permission}  ${windowText(b.window)}  (${plainText(b.label)})`);
    for (const b of change.unmanaged) lines.push(`  ! unmanaged: ${b.principal}  ${b.permission}  ${plainText(b.label)}`);
    if (change.blockedBy) lines.push(`  ! blocked: adds and changes here break a provider limit; only removals will be applied`);
    lines.push('');
  }
  for (const d of plan.diagnostics) lines.push(formatDiagnostic(d));
  if (plan.diagnostics.length > 0) lines.push('');
  lines.push(summaryLine(plan));
  return lines.map(plainText).join('\n') + '\n';
}

export function renderPlanMarkdown(plan: Plan): string {
  // The headline is gitgrant's own words and numbers, never user input: it reads as written.
  const out = [`### gitgrant plan ${plan.online ? '' : '(offline)'}`.trim(), '', summaryLine(plan, markdownCode), ''];
  const rows = (change: TargetChange) => [
    ...change.add.map((b) => ['add', b.principal, b.permission, windowText(b.window), b.grants.join(', ')]),
    ...change.update.map((u) => ['change', u.to.principal, u.to.permission, `${windowText(u.from.window)} => ${windowText(u.to.window)}`, u.to.grants.join(', ')]),
    ...change.remove.map((b: ObservedBinding) => ['remove', b.principal, b.permission, windowText(b.window), b.label]),
  ];
  for (const change of plan.changes) {
    if (changeCount(change) === 0) continue;
    out.push(`#### ${markdownCode(targetKey(change.target))}`, '');
    if (change.blockedBy) out.push('**Blocked:** adds and changes here break a provider limit (see the findings); only removals will be applied.', '');
    out.push('| action | principal | permission | window | why |', '| --- | --- | --- | --- | --- |');
    for (const row of rows(change)) out.push(`| ${row.map((cell, i) => (i === 0 ? cell : markdownCode(cell))).join(' | ')} |`);
    out.push('');
  }
  const unmanaged = plan.changes.flatMap((c) => c.unmanaged.map((b) => ({ c, b })));
  if (unmanaged.length > 0) {
    out.push('<details><summary>Unmanaged bindings on managed targets (never touched)</summary>', '', '| target | principal | permission | note |', '| --- | --- | --- | --- |');
    for (const { c, b } of unmanaged) out.push(`| ${markdownCode(targetKey(c.target))} | ${markdownCode(b.principal)} | ${markdownCode(b.permission)} | ${markdownText(b.label)} |`);
    out.push('', '</details>', '');
  }
  if (plan.diagnostics.length > 0) {
    out.push('**Findings**', '');
    for (const d of plan.diagnostics) out.push(`- ${markdownText(formatDiagnostic(d))}`);
    out.push('');
  }
  return out.join('\n');
}

/** Instants are written as RFC 3339, as in the grant files; everything else as the plan holds it. */
const INSTANT_KEYS = new Set(['at', 'starts', 'expires']);

export function renderPlanJson(plan: Plan): string {
  return JSON.stringify({ ...plan, totals: planTotals(plan) }, (key, value) => (INSTANT_KEYS.has(key) && typeof value === 'number' ? formatInstant(value) : value), 2) + '\n';
}
