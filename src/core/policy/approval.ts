/**
 * The approval requirement of a grant: which levels, from whom, how many, which escalations apply
 * and why, and whether a window or an exempt list waives it. The one place this is derived.
 */
import { formatDuration } from '../model/duration.js';
import { locate, pointer, type SourceMap } from '../model/source-map.js';
import type { AutoApproveWindow, Grant, Policy, Role } from '../model/types.js';
import type { ApprovalRequirement, RequestContext, RequiredLevel, RuleSource, Waiver } from './approval-types.js';
import { localTime } from './local-time.js';
import { continuousStretch, type Stretch } from './window.js';

/**
 * `alongside`: the other grants of the repo. A grant that overlaps or follows another of the same
 * person on the same role without a gap extends it, so escalations and auto-approval limits measure
 * the whole stretch, never one file of it (window.ts, `continuousStretch`).
 */
export function approvalRequirement(grant: Grant, role: Role, policy: Policy, request: RequestContext, alongside: readonly Grant[] = []): ApprovalRequirement {
  const stretch = continuousStretch(grant, alongside, request.at);
  const duration = stretch.duration;
  const length = describeLength(stretch);
  const levels: RequiredLevel[] = role.approvals.map((level, index) => ({
    name: level.name,
    count: level.count,
    from: level.from,
    kind: 'role',
    because: `role ${role.name}, approval level ${index + 1} of ${role.approvals.length}`,
    source: ruleSource(role.source, ['approvals', index]),
  }));
  const escalations = policy.escalations.filter((e) => duration > e.aboveDuration);
  escalations.forEach((escalation) => {
    levels.push({
      name: escalation.name,
      count: escalation.approvals.count,
      from: escalation.approvals.from,
      kind: 'escalation',
      because: `escalation ${escalation.name}: ${length} is above ${formatDuration(escalation.aboveDuration)}`,
      source: policy.sources.escalations && ruleSource(policy.sources.escalations, ['escalations', policy.escalations.indexOf(escalation)]),
    });
  });
  const requirement: ApprovalRequirement = {
    grant: grant.id,
    levels,
    cannotApprove: { grantee: grant.grantee, requester: request.author },
  };
  // An escalation exists because the request is unusual; no standing waiver may skip it. Nor can
  // break-glass grants be waived here: they only land through the break-glass workflow.
  if (escalations.length === 0 && !grant.breakGlass) {
    const { waiver, notWaived } = findWaiver(grant, role, request, duration, length);
    if (waiver) requirement.waivedBy = waiver;
    else if (notWaived) requirement.notWaived = notWaived;
  }
  return requirement;
}

interface WaiverSearch {
  waiver?: Waiver;
  notWaived?: ApprovalRequirement['notWaived'];
}

/**
 * Exempt and auto-approve lists waive approval only for the listed person's own access: the
 * requester (the PR author, mapped to a person) must be the grantee. Otherwise an exempt author
 * could grant anyone access, and anyone could open a waived grant for an exempt grantee.
 */
function requesterWaiver(grant: Grant, role: Role, request: RequestContext): WaiverSearch {
  const author = request.author ? `@${request.author.toLowerCase()}` : undefined;
  const lists = [
    { kind: 'exempt' as const, entries: role.exempt, name: 'exempt list', path: ['exempt'] },
    { kind: 'auto-approve-requester' as const, entries: role.autoApprove?.requesters ?? [], name: 'auto-approve requesters', path: ['autoApprove', 'requesters'] },
  ];
  const own = request.requester !== undefined && request.requester === grant.grantee;
  for (const list of lists) {
    const listed = [grant.grantee, author, request.requester].find((who): who is string => who !== undefined && list.entries.includes(who));
    if (!listed) continue;
    const onList = `${listed} is on role ${role.name}'s ${list.name}`;
    if (own) {
      return { waiver: { kind: list.kind, because: `${onList} and asked for their own access`, source: ruleSource(role.source, list.path) } };
    }
    return { notWaived: { kind: list.kind, because: `${onList}${whyNotOwn(grant, request, listed)}` } };
  }
  return {};
}

function whyNotOwn(grant: Grant, request: RequestContext, listed: string): string {
  const onlyOwn = "; the list waives approval only for the listed person's own access";
  if (!request.author) return `; it waives approval only when ${grant.grantee} opens the pull request themselves`;
  const unmapped = `@${request.author}, who is not mapped to a person in identities.people`;
  if (listed !== grant.grantee) {
    // The requester is on the list: it cannot carry over to someone else's access.
    return request.requester ? `, but the grant is for ${grant.grantee}${onlyOwn}` : `, but the request was opened by ${unmapped}${onlyOwn}`;
  }
  return `, but the request was opened by ${request.requester ? `@${request.author} (${request.requester})` : unmapped}${onlyOwn}`;
}

function findWaiver(grant: Grant, role: Role, request: RequestContext, duration: number, length: string): WaiverSearch {
  const byRequester = requesterWaiver(grant, role, request);
  if (byRequester.waiver) return byRequester;
  const windows = role.autoApprove?.windows ?? [];
  let overLimit: WaiverSearch['notWaived'];
  for (const [index, window] of windows.entries()) {
    const local = localTime(request.at, window.timezone);
    if (!inWindow(window, local.weekday, local.hhmm)) continue;
    if (window.maxDuration !== undefined && duration > window.maxDuration) {
      overLimit ??= { kind: 'auto-approve-window', because: `role ${role.name} auto-approves ${describeWindow(window)} up to ${formatDuration(window.maxDuration)}, and ${length} is longer` };
      continue;
    }
    // The window decides when a request is approved automatically; how long the grant lasts is
    // bounded by the window's maxDuration and the usual caps, not by the window's end.
    const waiver: Waiver = {
      kind: 'auto-approve-window',
      because: `role ${role.name} auto-approves ${describeWindow(window)}${window.maxDuration ? ` up to ${formatDuration(window.maxDuration)}` : ''}`,
      clock: { at: request.at, timezone: window.timezone, local: local.display },
      source: ruleSource(role.source, ['autoApprove', 'windows', index]),
    };
    return { waiver };
  }
  return byRequester.notWaived || !overLimit ? byRequester : { notWaived: overLimit };
}

/** `12h`, or `12h of continuous access with grants/…` when other grants make up the stretch. */
function describeLength(stretch: Stretch): string {
  const length = formatDuration(stretch.duration);
  return stretch.with.length === 0 ? length : `${length} of continuous access with ${stretch.with.join(', ')}`;
}

function inWindow(window: AutoApproveWindow, weekday: AutoApproveWindow['days'][number], hhmm: string): boolean {
  return window.days.includes(weekday) && hhmm >= window.from && hhmm < window.to;
}

function describeWindow(window: AutoApproveWindow): string {
  const days = window.days.map((d) => d[0]!.toUpperCase() + d.slice(1)).join(',');
  return `${days} ${window.from}-${window.to} ${window.timezone}`;
}

function ruleSource(source: SourceMap, path: (string | number)[]): RuleSource {
  return { file: source.file, line: locate(source, pointer(path)).start.line };
}
