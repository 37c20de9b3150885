/** `gitgrant explain GRANT_PATH`: durations, the approval requirement and why, and the cloud targets. */
import { formatDuration } from '../../core/model/duration.js';
import { formatInstant } from '../../core/model/instant.js';
import type { Grant, Policy, Role, Target } from '../../core/model/types.js';
import { approvalRequirement } from '../../core/policy/approval.js';
import type { ApprovalRequirement } from '../../core/policy/approval-types.js';
import { effectiveStart, grantDuration, isExpired, isScheduled } from '../../core/policy/window.js';
import { plainText } from '../../core/render/escape.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import { grantIdFor } from '../support/grant-argument.js';
import { emailForLogin } from '../../app/people.js';
import { loadAndEvaluate } from '../support/load.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';

export interface ExplainOptions {
  repo?: string;
  now?: string;
  author?: string;
  json?: boolean;
}

export function explainCommand(io: CliIo, grantPath: string, options: ExplainOptions): number {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const { repo, findings } = loadAndEvaluate(root, now);
  const id = grantIdFor(grantPath, root, io.cwd, repo.grants);
  const grant = repo.grants.find((g) => g.id === id);
  if (!grant) {
    const problems = findings.filter((d) => d.file === id);
    if (problems.length > 0) {
      for (const d of problems) io.stdout(formatDiagnostic(d) + '\n');
      return EXIT.findings;
    }
    throw new UsageError(`${id} is not a grant file of this repository`, 'give a path such as grants/<role>/<file>.yaml');
  }
  const role = repo.roles.get(grant.role);
  const own = findings.filter((d) => d.file === id);
  if (!role) {
    for (const d of own) io.stdout(formatDiagnostic(d) + '\n');
    return EXIT.findings;
  }
  // The requester is the author mapped to a person: exempt lists waive only their own access.
  const author = options.author?.replace(/^@/, '');
  const requester = author === undefined ? undefined : emailForLogin(repo.policy.identities, author);
  const requirement = approvalRequirement(grant, role, repo.policy, { at: now, author, ...(requester ? { requester } : {}) }, repo.grants);
  if (options.json) {
    io.stdout(JSON.stringify({ grant: describeGrant(grant, now), caps: caps(grant, role, repo.policy), requirement, targets: role.targets, findings: own }, null, 2) + '\n');
  } else {
    io.stdout(renderExplanation(grant, role, repo.policy, requirement, now));
    if (own.length > 0) io.stdout('\nFindings:\n' + own.map((d) => '  ' + formatDiagnostic(d)).join('\n') + '\n');
  }
  return own.some((d) => d.severity === 'error') ? EXIT.findings : EXIT.ok;
}

function describeGrant(grant: Grant, now: number) {
  return {
    id: grant.id,
    role: grant.role,
    grantee: grant.grantee,
    reason: grant.reason,
    ticket: grant.ticket,
    starts: grant.starts === undefined ? undefined : formatInstant(grant.starts),
    expires: formatInstant(grant.expires),
    duration: formatDuration(grantDuration(grant, now)),
    state: isExpired(grant, now) ? 'expired (awaiting sweep)' : isScheduled(grant, now) ? 'to be used (scheduled)' : 'in use',
    breakGlass: grant.breakGlass,
  };
}

function caps(grant: Grant, role: Role, policy: Policy): { limit: string; rule: string }[] {
  const list = [{ limit: formatDuration(policy.durations.max), rule: `policy hard cap (${policy.sources.durations?.file ?? 'default'})` }];
  if (role.maxDuration !== undefined) list.push({ limit: formatDuration(role.maxDuration), rule: `role ${role.name} maxDuration (${role.source.file})` });
  if (grant.breakGlass) {
    list.push({ limit: formatDuration(policy.durations.breakGlassMax), rule: 'policy break-glass cap' });
    const budget = policy.breakGlass.budget;
    list.push({ limit: `${formatDuration(budget.total)} per ${formatDuration(budget.window)}`, rule: 'policy break-glass budget per person, across roles (checked when glass is broken)' });
    if (role.breakGlass?.maxDuration !== undefined) list.push({ limit: formatDuration(role.breakGlass.maxDuration), rule: `role ${role.name} break-glass maxDuration` });
  }
  return list;
}

export function describeTarget(target: Target): string {
  if (target.kind === 'gcp') return `GCP ${target.resource}: ${target.role} (conditional binding; GCP enforces the deadline)`;
  if (target.strategy === 'iam') return `AWS ${target.account}: may assume role ${target.roleName} (aws:CurrentTime condition; AWS enforces the deadline)`;
  const bound = target.sessionDuration ? ` + session ${formatDuration(target.sessionDuration)}` : '';
  return `AWS ${target.account}: Identity Center permission set ${target.permissionSetArn} (no cloud deadline: ended by the sweep${bound})`;
}

function renderExplanation(grant: Grant, role: Role, policy: Policy, requirement: ApprovalRequirement, now: number): string {
  const g = describeGrant(grant, now);
  const lines = [
    `Grant ${grant.id}`,
    `  grantee   ${g.grantee}`,
    `  role      ${role.name} (${role.permissionLevel ?? 'level not stated'}${role.production ? ', production' : ''}${role.exclusive ? ', exclusive' : ''})`,
    `  reason    ${plainText(grant.reason)}`,
    `  ticket    ${grant.ticket ? plainText(grant.ticket) : '(none)'}`,
    `  window    ${formatInstant(effectiveStart(grant, now))}${grant.starts === undefined ? ' (on merge)' : ''} -> ${g.expires}: ${g.duration}, ${g.state}`,
    '',
    'Duration caps (the tightest applies):',
    ...caps(grant, role, policy).map((c) => `  ${c.limit.padEnd(8)} ${c.rule}`),
    '',
    'Approval requirement:',
  ];
  requirement.levels.forEach((level, index) => {
    const where = level.source ? ` [${level.source.file}:${level.source.line}]` : '';
    lines.push(`  ${index + 1}. ${level.name}: ${level.count} of ${level.from.join(', ')}`);
    lines.push(`     because ${level.because}${where}`);
  });
  if (requirement.waivedBy) {
    const w = requirement.waivedBy;
    lines.push(`  WAIVED (${w.kind}): ${w.because}${w.source ? ` [${w.source.file}:${w.source.line}]` : ''}`);
    if (w.clock) lines.push(`     decided at ${formatInstant(w.clock.at)} = ${w.clock.local}`);
    lines.push('     no human approval is needed; the levels above would apply otherwise');
  }
  if (requirement.notWaived) {
    lines.push(`  NOT WAIVED (${requirement.notWaived.kind}): ${plainText(requirement.notWaived.because)}`);
  }
  lines.push(`  never counted as approvers: the grantee ${requirement.cannotApprove.grantee}${requirement.cannotApprove.requester ? ` and the requester @${requirement.cannotApprove.requester}` : ' and the PR author'}`);
  lines.push('', 'Cloud targets:');
  for (const target of role.targets) lines.push(`  - ${describeTarget(target)}`);
  return lines.join('\n') + '\n';
}
