/**
 * For tests: read back, with the real SDK, every policy IAM holds for a user and a role, and evaluate
 * with an independent IAM policy simulator (@cloud-copilot/iam-simulate) whether a role session of
 * that user, issued at one instant, can act at another. Nothing of gitgrant's is used to decide.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { runSimulation } from '@cloud-copilot/iam-simulate';

type Document = { Version: string; Statement: unknown };
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

function parse(text: string): Document {
  return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text)) as Document;
}

async function managedDocument(iam: IAMClient, arn: string): Promise<Document> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy!.DefaultVersionId! }));
  return parse(version.PolicyVersion!.Document!);
}

/** Every identity policy of a user: attached managed ones and inline ones. */
export async function userPolicies(iam: IAMClient, userName: string): Promise<Document[]> {
  const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  const inline = await iam.send(new ListUserPoliciesCommand({ UserName: userName }));
  return [
    ...(await Promise.all((attached.AttachedPolicies ?? []).map((p) => managedDocument(iam, p.PolicyArn!)))),
    ...(await Promise.all(
      (inline.PolicyNames ?? []).map(async (name) => parse((await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }))).PolicyDocument!)),
    )),
  ];
}

export interface RoleAsStored {
  arn: string;
  roleId: string;
  maxSessionMs: number;
  trust: Document;
  policies: Document[];
}

export async function roleAsStored(iam: IAMClient, roleName: string): Promise<RoleAsStored> {
  const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  return {
    arn: role.Arn!,
    roleId: role.RoleId!,
    maxSessionMs: (role.MaxSessionDuration ?? 3600) * 1000,
    trust: parse(role.AssumeRolePolicyDocument!),
    policies: [
      ...(await Promise.all((attached.AttachedPolicies ?? []).map((p) => managedDocument(iam, p.PolicyArn!)))),
      ...(await Promise.all(
        (inline.PolicyNames ?? []).map(async (name) => parse((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }))).PolicyDocument!)),
      )),
    ],
  };
}

const iso = (at: number) => new Date(at).toISOString().replace('.000Z', 'Z');

async function decide(simulation: Parameters<typeof runSimulation>[0]): Promise<Decision> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`the simulator refused the request: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** Whether `userArn` may call sts:AssumeRole on the role with `sessionName` at `at`. */
export async function assumeDecision(user: { arn: string; policies: Document[] }, role: RoleAsStored, sessionName: string, at: number): Promise<Decision> {
  const account = role.arn.split(':')[4]!;
  return decide({
    identityPolicies: user.policies.map((policy, i) => ({ name: `user${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: role.trust,
    request: {
      principal: user.arn,
      action: 'sts:AssumeRole',
      resource: { resource: role.arn, accountId: account },
      contextVariables: { 'aws:CurrentTime': iso(at), 'sts:RoleSessionName': sessionName },
    },
  } as Parameters<typeof runSimulation>[0]);
}

/** Whether a session of the role named `sessionName`, issued at `issuedAt`, may call `action` at `at`. */
export async function sessionCallDecision(role: RoleAsStored, sessionName: string, issuedAt: number, at: number, action = 's3:ListAllMyBuckets'): Promise<Decision> {
  const account = role.arn.split(':')[4]!;
  const roleName = role.arn.split('/').at(-1)!;
  return decide({
    identityPolicies: role.policies.map((policy, i) => ({ name: `role${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      action,
      resource: { resource: '*', accountId: account },
      contextVariables: { 'aws:CurrentTime': iso(at), 'aws:TokenIssueTime': iso(issuedAt), 'aws:userid': `${role.roleId}:${sessionName}` },
    },
  } as Parameters<typeof runSimulation>[0]);
}

/** Whether, with what IAM holds now, the user can get a session of the role (named after them) at `at`. */
export async function canAssume(iam: IAMClient, names: { user: string; role: string }, at: number): Promise<boolean> {
  const role = await roleAsStored(iam, names.role);
  const user = { arn: role.arn.replace(/:role\/.*$/, `:user/${names.user}`), policies: await userPolicies(iam, names.user) };
  return (await assumeDecision(user, role, names.user, at)) === 'Allowed';
}

/**
 * Whether, with what IAM holds now, the user's session issued at `issuedAt` can act at `usedAt`
 * (a session never outlives the role's MaxSessionDuration).
 */
export async function sessionCanAct(iam: IAMClient, names: { user: string; role: string }, issuedAt: number, usedAt: number): Promise<'Allowed' | 'Denied' | 'session expired'> {
  const role = await roleAsStored(iam, names.role);
  if (usedAt >= issuedAt + role.maxSessionMs) return 'session expired';
  return (await sessionCallDecision(role, names.user, issuedAt, usedAt)) === 'Allowed' ? 'Allowed' : 'Denied';
}
