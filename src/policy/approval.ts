/**
 * The approval requirement of a grant: which levels, from whom, how many, which escalations apply
 * and why, and whether a window or an exempt list waives it. The one place this is derived.
 */
import { formatDuration } from '../model/duration.js';
import { locate, pointer, type SourceMap } from '../model/source-map.js';
import type { AutoApproveWindow, Grant, Policy, Role } from '../model/types.js';
import type { ApprovalRequirement, RequestContext, RequiredLevel, RuleSource, Waiver } from './approval-types.js';
import { localTime } from './local-time.js';
import { grantDuration } from './window.js';

export function approvalRequirement(grant: Grant, role: Role, policy: Policy, request: RequestContext): ApprovalRequirement {
  const duration = grantDuration(grant, request.at);
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
      because: `escalation ${escalation.name}: ${formatDuration(duration)} is above ${formatDuration(escalation.aboveDuration)}`,
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
    const waiver = findWaiver(grant, role, request, duration);
    if (waiver) requirement.waivedBy = waiver;
  }
  return requirement;
}

function findWaiver(grant: Grant, role: Role, request: RequestContext, duration: number): Waiver | undefined {
  const requesters = [grant.grantee as string, ...(request.author ? [`@${request.author.toLowerCase()}`] : [])];
  const exempt = requesters.find((r) => role.exempt.includes(r));
  if (exempt) {
    return { kind: 'exempt', because: `${exempt} is on role ${role.name}'s exempt list`, source: ruleSource(role.source, ['exempt']) };
  }
  const auto = requesters.find((r) => role.autoApprove?.requesters.includes(r));
  if (auto) {
    return { kind: 'auto-approve-requester', because: `${auto} is on role ${role.name}'s auto-approve requesters`, source: ruleSource(role.source, ['autoApprove', 'requesters']) };
  }
  const windows = role.autoApprove?.windows ?? [];
  for (const [index, window] of windows.entries()) {
    const local = localTime(request.at, window.timezone);
    if (!inWindow(window, local.weekday, local.hhmm)) continue;
    if (window.maxDuration !== undefined && duration > window.maxDuration) continue;
    // The window decides when a request is approved automatically; how long the grant lasts is
    // bounded by the window's maxDuration and the usual caps, not by the window's end.
    return {
      kind: 'auto-approve-window',
      because: `role ${role.name} auto-approves ${describeWindow(window)}${window.maxDuration ? ` up to ${formatDuration(window.maxDuration)}` : ''}`,
      clock: { at: request.at, timezone: window.timezone, local: local.display },
      source: ruleSource(role.source, ['autoApprove', 'windows', index]),
    };
  }
  return undefined;
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
