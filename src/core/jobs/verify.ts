/**
 * `verify`, the core: for every grant whose access ended in a window, read back what the cloud
 * holds now and evaluate it, so "access ended" is a proof rather than an assumption. The cloud's
 * state arrives through `VerifyReads` (an adapter reads it); the decisions are the evaluators':
 * IAM policies with @cloud-copilot/iam-simulate (src/evaluate/iam.ts), GCP conditions with
 * @bufbuild/cel (src/evaluate/gcp-condition.ts). Nothing is changed.
 *
 * Per binding of an ended grant:
 * - GCP: every binding of the role on the resource that names the member; one without a condition,
 *   or whose condition is true (or cannot be evaluated) now or at any later instant, is a path (a
 *   binding that opens tomorrow, or in office hours, is not an end). gitgrant's own condition is
 *   also probed at the end's boundaries (true 1 ms before, false at the end).
 * - AWS iam: a new sts:AssumeRole by the grantee now, or at any later instant a date condition of
 *   those policies names, against all their policies and the role's trust policy; and a session issued 1 s before the end, used now, against the role's policies
 *   (revocation and deadline denies included) with the role's own permissions assumed to allow
 *   the call, unless no such session can still be alive (the role's maximum session duration).
 * - AWS Identity Center: the account assignment, and a session issued 1 s before the end, used
 *   now, against the permission set's inline policy while one can still be alive.
 * Access that another live grant of the same person still justifies is "continues", not a path.
 */
import { formatDuration } from '../model/duration.js';
import { formatInstant } from '../model/instant.js';
import type { GrantId, Instant } from '../model/types.js';
import { describeEvaluation, evaluateIam, type IamEvaluation, type NamedPolicy } from '../evaluate/iam.js';
import { FAR_FUTURE, describeProbe, evaluateCondition, firstAllowAfter, mayAllow, probeCondition } from '../evaluate/gcp-condition.js';
import { parseIamArn } from '../aws/arn.js';
import { statementSid } from '../aws/iam-grant-policy.js';
import { MAX_ROLE_SESSION_MS } from '../aws/iam-revocations.js';
import type { IamAuthorization, IamPrincipalPolicies } from '../aws/iam-authorization-model.js';
import type { PolicyDocument } from '../aws/policy-document.js';
import { bindingIdFromTitle } from '../gcp/marker.js';
import type { IamPolicy } from '../gcp/policy.js';
import { targetKey, type DesiredBinding } from '../plan/types.js';
import { compareText } from '../text/compare-text.js';

/** A grant whose access ended: at `expires`, or earlier when it was revoked. */
export interface EndedGrant {
  grant: GrantId;
  role: string;
  grantee: string;
  endedAt: Instant;
  /** How: `expired`, `revoked`, `revoked-hr`, …, or `expired (not yet swept)` while its file is still on main. */
  how: string;
  /** Its bindings as they were while it was live (target, principal, permission, id). */
  bindings: DesiredBinding[];
  /** Why it cannot be verified (its role is gone, its grantee maps to no principal). */
  unverifiable?: string;
}

export interface IdentityCenterReadback {
  /** Principal ids assigned the permission set in the account. */
  assigned: string[];
  inlinePolicy?: PolicyDocument;
  /** The permission set's session duration, in seconds. */
  sessionSeconds: number;
  permissionSetName: string;
}

/** What verify reads; each call is made once per resource, account or permission set. */
export interface VerifyReads {
  gcpPolicy(resource: string): Promise<IamPolicy>;
  iamAuthorization(account: string): Promise<IamAuthorization>;
  /** A role's maximum session duration in seconds (the account listing leaves it out); undefined when unknown. */
  roleSessionSeconds(account: string, roleName: string): Promise<number | undefined>;
  identityCenter(instanceArn: string, account: string, permissionSetArn: string): Promise<IdentityCenterReadback>;
}

export type Verdict = 'ended' | 'continues' | 'path-remains' | 'unverified';

export interface BindingProof {
  target: string;
  principal: string;
  permission: string;
  verdict: Verdict;
  /** The evaluations, one line each, for people and for the evidence file. */
  checks: string[];
  /** The paths that remain, one line each (empty unless `path-remains`). */
  paths: string[];
}

export interface GrantProof {
  grant: GrantId;
  role: string;
  grantee: string;
  endedAt: Instant;
  how: string;
  provenAt: Instant;
  verdict: Verdict;
  bindings: BindingProof[];
  /** Set when the grant could not be verified at all. */
  note?: string;
}

/** A session issued this long before the end is the one the proof uses: the last one the grant allowed. */
const SESSION_LEAD_MS = 1000;

/** Memoises each read, so a target shared by many grants is read once. */
export function memoReads(reads: VerifyReads): VerifyReads {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as Promise<T>;
  };
  return {
    gcpPolicy: (r) => once(`gcp\n${r}`, () => reads.gcpPolicy(r)),
    iamAuthorization: (a) => once(`iam\n${a}`, () => reads.iamAuthorization(a)),
    roleSessionSeconds: (a, r) => once(`session\n${a}\n${r}`, () => reads.roleSessionSeconds(a, r)),
    identityCenter: (i, a, p) => once(`ic\n${i}\n${a}\n${p}`, () => reads.identityCenter(i, a, p)),
  };
}

export async function verifyGrants(ended: readonly EndedGrant[], live: readonly DesiredBinding[], reads: VerifyReads, now: Instant): Promise<GrantProof[]> {
  const proofs: GrantProof[] = [];
  for (const grant of [...ended].sort((a, b) => a.endedAt - b.endedAt || compareText(a.grant, b.grant))) {
    const base = { grant: grant.grant, role: grant.role, grantee: grant.grantee, endedAt: grant.endedAt, how: grant.how, provenAt: now };
    if (grant.unverifiable) {
      proofs.push({ ...base, verdict: 'unverified', bindings: [], note: grant.unverifiable });
      continue;
    }
    const bindings: BindingProof[] = [];
    for (const binding of grant.bindings) {
      const justifying = live.filter((l) => targetKey(l.target) === targetKey(binding.target) && l.principal === binding.principal && l.permission === binding.permission);
      try {
        bindings.push(await verifyBinding(binding, grant.endedAt, justifying, reads, now));
      } catch (error) {
        bindings.push({
          target: targetKey(binding.target), principal: binding.principal, permission: binding.permission, verdict: 'unverified',
          checks: [`could not read the cloud: ${error instanceof Error ? error.message : String(error)}`], paths: [],
        });
      }
    }
    proofs.push({ ...base, verdict: worst(bindings.map((b) => b.verdict)), bindings });
  }
  return proofs;
}

const RANK: Record<Verdict, number> = { ended: 0, continues: 1, unverified: 2, 'path-remains': 3 };

export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (RANK[v] > RANK[w] ? v : w), 'ended');
}

async function verifyBinding(binding: DesiredBinding, end: Instant, justifying: readonly DesiredBinding[], reads: VerifyReads, now: Instant): Promise<BindingProof> {
  const proof: BindingProof = { target: targetKey(binding.target), principal: binding.principal, permission: binding.permission, verdict: 'ended', checks: [], paths: [] };
  const liveIds = new Set(justifying.map((l) => l.id));
  const continues = (line: string) => {
    proof.checks.push(`${line}; justified by live grant ${justifying.flatMap((l) => l.grants).join(', ')}`);
    if (proof.verdict === 'ended') proof.verdict = 'continues';
  };
  const path = (line: string) => {
    proof.checks.push(line);
    proof.paths.push(line);
    proof.verdict = 'path-remains';
  };
  const target = binding.target;
  if (target.provider === 'gcp') {
    const policy = await reads.gcpPolicy(target.resource);
    const matching = (policy.bindings ?? []).filter((b) => b.role === binding.permission && (b.members ?? []).includes(binding.principal));
    if (matching.length === 0) proof.checks.push(`no binding of ${binding.permission} for ${binding.principal} on ${target.resource}`);
    for (const b of matching) {
      const expression = b.condition?.expression ?? '';
      const title = b.condition?.title ?? '';
      const what = `binding of ${binding.permission} "${title || '(no condition)'}"`;
      if (!expression) {
        path(`${what} has no condition: ${binding.principal} holds ${binding.permission} now`);
        continue;
      }
      const id = bindingIdFromTitle(title);
      if (id === binding.id) proof.checks.push(`${what}: ${probeCondition(expression, end, now).map(describeProbe).join('; ')}`);
      const outcome = evaluateCondition(expression, now);
      if (!mayAllow(outcome)) {
        // False now is not the end of a path that opens again later (a start tomorrow, office hours).
        const later = firstAllowAfter(expression, now);
        if (later === undefined) {
          if (id !== binding.id) proof.checks.push(`${what}: condition false at ${formatInstant(now)}`);
          continue;
        }
        const opens = 'unknown' in later ? `${later.unknown}, counted as true later` : `true at ${formatInstant(later.at)}`;
        const text = `${what}: condition false at ${formatInstant(now)} but ${opens}`;
        if (id !== undefined && liveIds.has(id)) continues(text);
        else path(text);
        continue;
      }
      const text = `${what}: condition ${'unknown' in outcome ? `cannot be evaluated (${outcome.unknown}), counted as true` : 'true'} at ${formatInstant(now)}`;
      if (id !== undefined && liveIds.has(id)) continues(text);
      else path(text);
    }
    return proof;
  }
  if (target.strategy === 'iam') {
    const roleName = parseIamArn(binding.permission)?.name ?? binding.permission;
    const authorization = await reads.iamAuthorization(target.account);
    const role = authorization.principals.find((p) => p.kind === 'role' && (p.arn === binding.permission || p.name === roleName));
    if (!role) {
      proof.checks.push(`role ${binding.permission} does not exist: nothing can be assumed`);
      return proof;
    }
    const sessionName = parseIamArn(binding.principal)?.name ?? '';
    // By name, which is unique in the account: a user moved to another path (its ARN changes) is
    // the same user, with the same keys and policies, and must not read as gone.
    const user = authorization.principals.find((p) => p.kind === 'user' && (p.arn === binding.principal || p.name === sessionName));
    const liveSids = new Set([...liveIds].map(statementSid));
    if (!user) proof.checks.push(`user ${binding.principal} does not exist: no new session can be issued`);
    else {
      const groups = authorization.principals.filter((p) => p.kind === 'group' && (user.groups ?? []).includes(p.name));
      const policies: NamedPolicy[] = [...user.policies, ...groups.flatMap((g) => g.policies)].map((p) => ({ name: p.name, document: p.document }));
      const assumeAt = (at: Instant) => evaluateIam({
        request: {
          principal: user.arn, action: 'sts:AssumeRole', resource: role.arn, account: target.account,
          context: { 'aws:CurrentTime': formatInstant(at), 'sts:RoleSessionName': sessionName, 'aws:username': user.name },
        },
        identityPolicies: policies,
        resourcePolicy: role.trust,
        resourcePolicyName: `${role.name} trust policy`,
      });
      let assume = await assumeAt(now);
      let text = `new sts:AssumeRole by ${user.name} at ${formatInstant(now)}: ${describeEvaluation(assume)}`;
      if (assume.decision !== 'Allowed') {
        // Refused now is not the end of an Allow dated later: date conditions change value only at
        // the instants they name, so probing each of them (and just after) is exhaustive.
        const documents = [...policies.map((p) => p.document), ...(role.trust ? [role.trust] : [])];
        for (const at of laterInstants(documents, now)) {
          const later = await assumeAt(at);
          if (later.decision !== 'Allowed') continue;
          assume = later;
          text = `new sts:AssumeRole by ${user.name} at ${formatInstant(at)} (not at ${formatInstant(now)}): ${describeEvaluation(later)}`;
          break;
        }
      }
      if (assume.decision !== 'Allowed') proof.checks.push(text);
      else if (assume.decidedBy.length > 0 && assume.decidedBy.every((d) => d.effect === 'Allow' && liveSids.has(d.statement))) continues(text);
      else path(text);
    }
    const issued = end - SESSION_LEAD_MS;
    // Unknown: assume the longest IAM allows, so no session is declared over too early.
    const maxMs = ((await reads.roleSessionSeconds(target.account, role.name)) ?? MAX_ROLE_SESSION_MS / 1000) * 1000;
    if (now >= issued + maxMs) {
      proof.checks.push(`no session issued before the end can still be alive: the role's sessions last at most ${formatDuration(maxMs)}, over since ${formatInstant(issued + maxMs)}`);
      return proof;
    }
    const session = await roleSessionEvaluation(role, target.account, sessionName, issued, now);
    const text = `session ${role.name}/${sessionName} issued ${formatInstant(issued)}, used ${formatInstant(now)}: ${describeEvaluation(session)}`;
    if (session.decision !== 'Allowed') proof.checks.push(text);
    else if (justifying.length > 0) continues(text);
    else path(`${text} (alive until ${formatInstant(issued + maxMs)} unless denied)`);
    return proof;
  }
  const readback = await reads.identityCenter(target.instanceArn, target.account, binding.permission);
  const assigned = readback.assigned.includes(binding.principal);
  const text = `assignment of ${readback.permissionSetName} to ${binding.principal} in ${target.account}: ${assigned ? 'present' : 'absent'}`;
  if (!assigned) proof.checks.push(text);
  else if (justifying.length > 0) continues(text);
  else path(text);
  const issued = end - SESSION_LEAD_MS;
  const maxMs = readback.sessionSeconds * 1000;
  if (now >= issued + maxMs) {
    proof.checks.push(`no session issued before the end can still be alive: ${readback.permissionSetName} sessions last at most ${formatDuration(maxMs)}`);
    return proof;
  }
  const session = await sessionEvaluation(
    `arn:aws:sts::${target.account}:assumed-role/AWSReservedSSO_${readback.permissionSetName}/${binding.principal}`, target.account, issued, now,
    { 'identitystore:UserId': binding.principal },
    readback.inlinePolicy ? [{ name: `${readback.permissionSetName} inline policy`, document: readback.inlinePolicy }] : [],
  );
  const sessionText = `${readback.permissionSetName} session of ${binding.principal} issued ${formatInstant(issued)}, used ${formatInstant(now)}: ${describeEvaluation(session)}`;
  if (session.decision !== 'Allowed') proof.checks.push(sessionText);
  else if (justifying.length > 0) continues(sessionText);
  else path(`${sessionText} (alive until ${formatInstant(issued + maxMs)} unless denied)`);
  return proof;
}

/**
 * A session of an IAM role named `sessionName` (gitgrant pins it to the grantee's user name),
 * issued at `issued` and used at `now`, against the role's policies as read back.
 */
export function roleSessionEvaluation(role: IamPrincipalPolicies, account: string, sessionName: string, issued: Instant, now: Instant): Promise<IamEvaluation> {
  return sessionEvaluation(
    `arn:aws:sts::${account}:assumed-role/${role.name}/${sessionName}`, account, issued, now,
    { 'aws:userid': `${role.roleId ?? ''}:${sessionName}`, 'aws:PrincipalArn': role.arn },
    role.policies.map((p) => ({ name: p.name, document: p.document })),
  );
}

/**
 * A role session, issued at `issued` and used at `now`, against the policies the session carries.
 * The role's own permissions are assumed to allow the call (whatever they are, the question is
 * whether a deny ends the session), so only an explicit deny proves it over.
 */
function sessionEvaluation(principal: string, account: string, issued: Instant, now: Instant, context: Record<string, string>, policies: NamedPolicy[]): Promise<IamEvaluation> {
  return evaluateIam({
    request: {
      principal, action: 'ec2:DescribeInstances', resource: '*', account,
      context: { 'aws:CurrentTime': formatInstant(now), 'aws:TokenIssueTime': formatInstant(issued), 'aws:PrincipalAccount': account, ...context },
    },
    identityPolicies: [{ name: "(the session's own permissions, assumed to allow)", document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }, ...policies],
  });
}

/**
 * The instants after `now` at which an IAM date condition of these policies can change its value
 * (each `aws:CurrentTime` or `aws:EpochTime` it names, and 1 ms after), then the far future.
 */
export function laterInstants(documents: readonly (PolicyDocument | Record<string, unknown>)[], now: Instant): Instant[] {
  const named: Instant[] = [];
  for (const document of documents) {
    const listed = (document as { Statement?: unknown }).Statement;
    const statements = (Array.isArray(listed) ? listed : listed ? [listed] : []) as { Condition?: PolicyDocument['Statement'][number]['Condition'] }[];
    for (const statement of statements) {
      for (const block of Object.values(statement.Condition ?? {})) {
        for (const [key, value] of Object.entries(block ?? {})) {
          const lower = key.toLowerCase();
          if (lower !== 'aws:currenttime' && lower !== 'aws:epochtime') continue;
          for (const text of Array.isArray(value) ? value : [value]) {
            const at = lower === 'aws:epochtime' && /^\d+$/.test(String(text)) ? Number(text) * 1000 : Date.parse(String(text));
            if (!Number.isNaN(at) && at > now) named.push(at);
          }
        }
      }
    }
  }
  return [...new Set([...named.flatMap((t) => [t, t + 1]), FAR_FUTURE])].sort((a, b) => a - b);
}

