/**
 * Policy documents rendered from the live configuration, so what the company tells auditors and
 * customers cannot drift from what it enforces: (a) the access procedure and (b) the answer to the
 * administrator-access question. Pure: every number, name and claim comes from the loaded
 * policies/ and roles/: who does a step is a principal they name (policy owners, role owners,
 * break-glass lists, the automation's identity), never a job title, and a claim is made only
 * when the configuration makes it true (tickets that can be looked up, an HR source, a review
 * block).
 */
import { formatDuration } from '../model/duration.js';
import type { HrConfig } from '../model/policy-sections.js';
import type { AccessRepo, Millis, Policy, Role, Target } from '../model/types.js';
import { plainText } from '../render/escape.js';
import { describeTarget } from './access-at.js';
import { CONTROLS } from './controls.js';
import { compareText } from '../text/compare-text.js';

/** Values from files as Markdown code spans (a backtick in a value cannot end the span, nor a pipe a table cell). */
const code = (value: string) => `\`${plainText(value).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const list = (values: readonly string[]) => (values.length === 0 ? 'nobody' : values.map(code).join(', '));
const duration = (ms: Millis | undefined, fallback: string) => (ms === undefined ? fallback : formatDuration(ms));

interface Facts {
  roles: Role[];
  admin: Role[];
  breakGlass: Role[];
  defaultRange: string;
  escalation: string;
  hr: string;
  /** Who needs a ticket; `ticketPattern` adds the pattern (for the procedure's table). */
  ticket: string;
  ticketPattern: string;
  /** What closing a ticket does, as far as gitgrant can see tickets. */
  ticketClosing: string;
  /** What HR data does to a leaver's access. */
  hrRevocation: string;
  /** The principals named by the configuration, for the "Who" column. */
  owners: string;
  automation: string;
  breakGlassUsers: string;
  /** The cloud audit logs of the clouds the roles target. */
  cloudLogs: string;
}

function factsOf(repo: AccessRepo): Facts {
  const { policy } = repo;
  const roles = [...repo.roles.values()].sort((a, b) => compareText(a.name, b.name));
  const defaults = roles.map((r) => r.defaultDuration ?? policy.durations.default);
  const range = defaults.length === 0 ? formatDuration(policy.durations.default) : `${formatDuration(Math.min(...defaults))} to ${formatDuration(Math.max(...defaults))}`;
  const escalation = policy.escalations.length === 0
    ? 'No escalation is configured.'
    : policy.escalations.map((e) => `Access longer than ${formatDuration(e.aboveDuration)} also needs ${e.approvals.count} approval(s) from ${list(e.approvals.from)} (${code(e.name)}).`).join(' ');
  const tickets = { always: 'every request', production: 'every request for a production role', never: 'no request' }[policy.tickets.required];
  return {
    roles,
    admin: roles.filter((r) => r.permissionLevel === 'Admin'),
    breakGlass: roles.filter((r) => r.breakGlass?.allowed),
    defaultRange: range,
    escalation,
    hr: describeHr(policy.hr),
    ticket: `A ticket reference is required for ${tickets}.`,
    ticketPattern: `A ticket reference is required for ${tickets}${policy.tickets.pattern ? ` and must match ${code(policy.tickets.pattern)}` : ''}.`,
    ticketClosing: ticketClosing(policy),
    hrRevocation: hrRevocation(policy.hr),
    owners: list(policy.owners),
    automation: `${code(policy.automation.name)} (the automation)`,
    breakGlassUsers: list([...new Set(roles.flatMap((r) => (r.breakGlass?.allowed ? r.breakGlass.who : [])))].sort()),
    cloudLogs: cloudLogs(roles),
  };
}

/**
 * gitgrant looks up GitHub issues only (`#123`, `owner/repo#123`): a ticket in another tracker is a
 * key it cannot see closing. Whether the policy's pattern admits issue references decides the claim.
 */
function ticketClosing(policy: Policy): string {
  const pattern = policy.tickets.pattern === undefined ? undefined : new RegExp(policy.tickets.pattern);
  const issuesAllowed = !pattern || ['#1', 'owner/repo#1'].some((ref) => pattern.test(ref));
  return issuesAllowed
    ? 'Access whose ticket is a GitHub issue (`#123` or `owner/repo#123`) is revoked when that issue is closed; tickets in other trackers are not looked up, and closing them does not revoke access.'
    : 'Tickets are keys in a tracker gitgrant does not look up: closing a ticket does not revoke access; the grant ends at its expiry or when its file is deleted.';
}

function hrRevocation(hr: HrConfig): string {
  if (hr.sources.length === 0) return '';
  return hr.onTerminated === 'revoke'
    ? ' Access is revoked when HR data shows the person left.'
    : ' When HR data shows the person left, an exception issue is opened for the role\'s owners to act on.';
}

function cloudLogs(roles: readonly Role[]): string {
  const kinds = new Set(roles.flatMap((r) => r.targets.map((t) => t.kind)));
  const logs = [...(kinds.has('aws') ? ['AWS CloudTrail'] : []), ...(kinds.has('gcp') ? ['GCP Cloud Audit Logs'] : [])];
  return logs.length === 0 ? 'the cloud\'s audit logs' : logs.join(', ');
}

function describeHr(hr: HrConfig): string {
  if (hr.sources.length === 0) return 'No HR source is configured yet: the nightly HR comparison does not run.';
  return `HR data is read nightly from ${hr.sources.map((s) => code(s.kind)).join(', ')}; a grantee who left: ${code(hr.onTerminated)}; a grantee no longer eligible: ${code(hr.onIneligible)}.`;
}

function approvalsOf(role: Role): string {
  return role.approvals.map((l) => `${l.count} of ${list(l.from)}`).join(', then ');
}

function expiryOf(target: Target): string {
  if (target.kind === 'gcp') return 'GCP IAM condition on request.time';
  if (target.strategy === 'iam') return 'AWS IAM condition on aws:CurrentTime';
  return `removed by the sweep; sessions last at most ${duration(target.sessionDuration, 'the permission set\'s session duration')}`;
}

export function renderProcedure(repo: AccessRepo): string {
  const f = factsOf(repo);
  const { policy } = repo;
  const out: string[] = [
    '# Automated Privileged Access Management Procedure',
    '',
    '_Generated by `gitgrant docs` from the access repository\'s policies/ and roles/. Do not edit: change the configuration and regenerate._',
    '',
    '## 1. Purpose',
    '',
    'This procedure implements privileged access management with role-based access control (RBAC) and just-in-time (JIT) access, managed as code: roles and time-boxed grants are files in the access repository, every change is a reviewed pull request, and access is validated continuously by exception rather than by manual quarterly reviews.',
    '',
    '## 2. Scope',
    '',
    `All privileged access to the cloud resources that the ${f.roles.length} role(s) below map to:`,
    '',
    '| Role | Permission level | Default / maximum duration | Approvals | Cloud targets (how access ends) |',
    '|---|---|---|---|---|',
    ...f.roles.map((r) => `| ${code(r.name)} | ${r.permissionLevel ?? 'not stated'} | ${duration(r.defaultDuration, formatDuration(policy.durations.default))} / ${duration(r.maxDuration, formatDuration(policy.durations.max))} | ${approvalsOf(r)} | ${r.targets.map((t) => `${code(describeTarget(t))} (${expiryOf(t)})`).join('; ')} |`),
    '',
    '## 3. Overview',
    '',
    'Desired access is the union of the active grant files on main. GitHub Actions apply it to AWS IAM and GCP IAM with the deadline written into the cloud policy wherever the cloud can enforce one; a scheduled sweep removes expired access and the file; a nightly job compares holders with HR data and opens exception issues.',
    '',
    '## 4. Procedure',
    '',
    '| Step | Who | What |',
    '|---|---|---|',
    `| 1 | ${f.automation}; actions set by ${f.owners} | ${f.hr} |`,
    `| 2 | ${f.owners} | Define the privileged roles in roles/, each mapped to specific cloud resources and permissions (section 2). Changes to roles/ and policies/ need the approval of ${f.owners}. |`,
    `| 3 | ${f.automation}; each role's owners approve | ${standingStep(f.roles, policy.hr)} |`,
    `| 4 | ${f.owners} | Permissions are attached to roles, never to individuals: a grant names a person and a role, and the role decides the permissions. |`,
    `| 5 | ${f.owners} | Access is temporary by default: ${formatDuration(policy.durations.default)} unless the role sets its own default (${f.defaultRange}); no grant may exceed ${formatDuration(policy.durations.max)} or its role's maximum. ${f.escalation} |`,
    `| 6 | The requester; each role's owners approve (section 2) | Engineers request access by pull request with a reason of at least ${policy.reasons.minLength} characters. ${f.ticketPattern} The role's owners approve it (section 2); no one approves their own request. |`,
    `| 7 | ${f.breakGlass.length === 0 ? 'Nobody (no role allows it)' : f.breakGlassUsers}; reviewed by ${f.owners} | Break-glass for critical outages: ${f.breakGlass.length === 0 ? 'no role allows it' : f.breakGlass.map((r) => `${code(r.name)} by ${list(r.breakGlass!.who)}, at most ${duration(r.breakGlass!.maxDuration, formatDuration(policy.durations.breakGlassMax))}, notifying ${list(r.breakGlass!.notify)}`).join('; ')}; never longer than ${formatDuration(policy.durations.breakGlassMax)}. ${reviewSentence(policy)} ${budgetSentence(policy)} |`,
    `| 8 | ${f.cloudLogs} | Session recording and in-session monitoring are the cloud's job (${f.cloudLogs}); gitgrant records who had which access when. |`,
    `| 9 | ${f.automation} | Anomaly rules run nightly over the git history and the cloud state. |`,
    `| 10 | ${f.automation} | Findings become GitHub exception issues labelled ${code(policy.exceptions.label)}, deduplicated and closed when resolved. |`,
    `| 11 | ${f.automation} | ${policy.hr.sources.length === 0 ? 'No HR source is configured: access is not validated against HR data.' : 'Access is validated against HR data every night (step 1) and summarised monthly.'} |`,
    `| 12 | ${f.owners} | Targeted reviews of the exception issues and break-glass reviews, not comprehensive quarterly reviews. |`,
    '',
    '## 5. Standards Compliance',
    '',
    '| Procedure Section | Standard/Framework | Control Reference | How it is met |',
    '|---|---|---|---|',
    ...CONTROLS.map((c) => `| ${c.sections} | ${c.framework} | ${c.reference} - ${c.title} | ${c.how} |`),
    '',
    '## 6. Artifact(s)',
    '',
    '- The git history of the access repository: every request, approval, extension and revocation, with the automation\'s commit trailers (`Gitgrant-Action`) and approval notes (`refs/notes/gitgrant`).',
    '- `gitgrant audit`: the evidence report per control (Markdown, CSV, JSON); `gitgrant access-at T`: who could do what at any instant.',
    '- `gitgrant dashboard`: the static compliance dashboard.',
    '- Exception issues (HR and anomaly findings) and break-glass post-incident review issues.',
    '- Cloud audit logs (AWS CloudTrail, GCP Cloud Audit Logs) of what was done with the access.',
    '',
    '## 7. Definitions',
    '',
    '- **Role-Based Access Control (RBAC):** permissions belong to roles (roles/); people receive a role through a grant.',
    `- **Just-In-Time (JIT) Access:** a grant file with an \`expires\` time; by default ${formatDuration(policy.durations.default)}, at most ${formatDuration(policy.durations.max)}.`,
    '- **Exception-Based Monitoring:** nightly comparisons that report only deviations, as issues.',
    `- **Break-Glass Access:** an emergency grant written by the break-glass workflow, at most ${formatDuration(policy.durations.breakGlassMax)}, ${policy.breakGlass.blockWhileReviewOpen ? 'reviewed after the incident by a policy owner other than the user' : 'with a post-incident review issue'}. ${budgetSentence(policy)}`,
    '- **Workload Identity:** GitHub Actions reach AWS and GCP through OIDC federation; there are no stored cloud keys.',
    '',
    '## 8. Responsibilities',
    '',
    '| Role | Responsibility |',
    '|---|---|',
    `| Policy owners ${f.owners} | Own policies/, roles/, workflows and code (CODEOWNERS), the caps and escalations above, exception issues and break-glass reviews. |`,
    ...groupOwners(f.roles).map(([owner, roles]) => `| Role owner ${code(owner)} | Approves grants for ${roles.map(code).join(', ')}. |`),
    ...policy.escalations.map((e) => `| Escalation approvers ${list(e.approvals.from)} | Approve access longer than ${formatDuration(e.aboveDuration)} (${code(e.name)}). |`),
    `| ${f.automation} | Applies merged grants, sweeps expired ones and runs the nightly checks; its commits alone carry gitgrant's lifecycle trailers. |`,
    '',
  ];
  return out.join('\n');
}

function groupOwners(roles: readonly Role[]): [string, string[]][] {
  const owners = new Map<string, string[]>();
  for (const role of roles) for (const owner of role.owners) owners.set(owner, [...(owners.get(owner) ?? []), role.name]);
  return [...owners.entries()].sort(([a], [b]) => compareText(a, b));
}

export function renderQuestionnaire(repo: AccessRepo): string {
  const f = factsOf(repo);
  const { policy } = repo;
  const admin = f.admin.length === 0
    ? 'No role grants administrator access.'
    : f.admin.map((r) => `${code(r.name)} (${r.description.trim()}) is approved by ${approvalsOf(r)}, lasts ${duration(r.defaultDuration, formatDuration(policy.durations.default))} by default and at most ${duration(r.maxDuration, formatDuration(policy.durations.max))}.`).join(' ');
  return [
    '# Do you have a fully implemented policy or procedure that details how your employees obtain administrator access to institutional instances of the application?',
    '',
    '_Generated by `gitgrant docs` from the access repository\'s configuration._',
    '',
    `Yes. Our Automated Privileged Access Management Procedure is implemented as code: administrator access exists only while a reviewed, time-boxed grant file asks for it. An employee requests access by opening a pull request with the business justification (at least ${policy.reasons.minLength} characters), the role (the scope of access) and the timeframe (an expiry time, optionally a start time). ${f.ticket}`,
    '',
    `Approval: ${admin} No one can approve their own request, and an approval given before the request last changed does not count.`,
    '',
    `Duration: access is temporary by default (${formatDuration(policy.durations.default)} unless the role sets its own default; the roles' defaults range from ${f.defaultRange}), and no grant may exceed ${formatDuration(policy.durations.max)}. ${f.escalation}`,
    '',
    `Revocation: the deadline is written into the cloud policy itself (GCP IAM conditions, AWS aws:CurrentTime conditions), so access ends on time even if our automation is down; a scheduled sweep then removes the binding and the file. Access can be revoked early at any time by deleting its grant file. ${f.ticketClosing}${f.hrRevocation} ${f.hr}`,
    '',
    `Emergencies: ${f.breakGlass.length === 0 ? 'no break-glass access is configured.' : `break-glass access lands immediately for ${f.breakGlass.map((r) => `${code(r.name)} (${list(r.breakGlass!.who)} only, at most ${duration(r.breakGlass!.maxDuration, formatDuration(policy.durations.breakGlassMax))}, notifying ${list(r.breakGlass!.notify)})`).join('; ')}. ${reviewSentence(policy)} ${budgetSentence(policy)}`}`,
    '',
    `Logging and audit: every request, approval, change and revocation is a commit in the access repository; automated actions carry machine-readable trailers. Auditors receive \`gitgrant audit\` (evidence per HITRUST, SOC 2, HIPAA and NIST control) and can ask \`gitgrant access-at\` who held what at any moment. Actions taken with the access are logged by the clouds (${f.cloudLogs}).`,
    '',
    `Policy ownership: the policy and roles are owned by ${list(policy.owners)}; this answer is regenerated from them, so it cannot drift from what is enforced.`,
    '',
  ].join('\n');
}

function reviewSentence(policy: Policy): string {
  return policy.breakGlass.blockWhileReviewOpen
    ? `Each use opens a post-incident review issue labelled ${code(policy.breakGlass.reviewLabel)}; until a policy owner other than the user closes it as completed, that person cannot break glass again.`
    : `Each use opens a post-incident review issue labelled ${code(policy.breakGlass.reviewLabel)}; an open review does not stop the same person breaking glass again.`;
}

/** Standing access is claimed only where a role derives it from HR and an HR source exists. */
function standingStep(roles: readonly Role[], hr: HrConfig): string {
  const standing = roles.filter((r) => r.standing);
  const eligible = roles.filter((r) => r.eligible);
  const eligibility = eligible.length === 0
    ? 'No role restricts who is eligible by HR attributes.'
    : hr.sources.length === 0
      ? `Roles with eligibility rules (${eligible.map((r) => code(r.name)).join(', ')}) name HR attributes, but no HR source is configured to check them.`
      : `Roles with eligibility rules (${eligible.map((r) => code(r.name)).join(', ')}) admit only matching people.`;
  if (standing.length === 0 || hr.sources.length === 0) return `No standing access is derived from HR data. ${eligibility}`;
  return `Standing access for ${standing.map((r) => code(r.name)).join(', ')} is derived from HR attributes by the nightly HR job as a pull request. ${eligibility}`;
}

function budgetSentence(policy: Policy): string {
  const { budget } = policy.breakGlass;
  return `Each person has at most ${formatDuration(budget.total)} of break-glass access in any ${formatDuration(budget.window)}, across all roles.`;
}
