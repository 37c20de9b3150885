#!/usr/bin/env node
// Prints (or with --apply runs) the AWS CLI commands that let the access repo's workflows act in
// one AWS account: GitHub's OIDC identity provider, the automation role with a trust policy pinned
// to this repository's `gitgrant` environment (deployable from main only), and its permissions.
// Run it once per account that roles/ targets. Usage: see USAGE below.
import { ENVIRONMENT, check, isMain, parseOptions, printOrApply, renderScript } from './setup-common.mjs';

const USAGE = `usage: setup-aws-oidc.mjs --repo ORG/REPO --account 123456789012 [--role-name gitgrant-automation]
                         [--policy-path /gitgrant/] [--target-roles RoleA,RoleB] [--apply]
  --target-roles: the roles grantees assume in this account (roleName in roles/); early revocation
  writes a deny policy on them. Without it the permission covers every role in the account.
  Prints the commands by default; --apply runs them with your current AWS credentials.`;

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * The trust policy: only tokens of jobs in this repository's `gitgrant` environment may assume the
 * role. A job that names an environment gets `sub` = `repo:R:environment:E` whatever its ref, so
 * the environment's deployment branch policy (main only, see setup-github-ruleset.mjs) is what keeps
 * branches out; `ref:refs/heads/main` is deliberately NOT accepted: any workflow on main without
 * the environment (gate, request, one a PR adds after merge review) would get it. No wildcard: a
 * pull request, another branch or another repository gets nothing.
 */
export function trustPolicy({ repo, account, environment = ENVIRONMENT }) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOnMainOfTheAccessRepo',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repo}:environment:${environment}`,
          },
        },
      },
    ],
  };
}

/**
 * What gitgrant does in an account, and nothing more. IAM strategy: it owns customer-managed
 * policies under `policyPath` and attaches only those to users. Identity Center strategy: it
 * creates and deletes account assignments, which provisions the permission set's role.
 */
export function permissionsPolicy({ account, policyPath, targetRoles = [] }) {
  const ownPolicies = `arn:aws:iam::${account}:policy${policyPath}*`;
  // Early revocation writes an inline deny policy on the roles grantees assume. Scope it to those
  // roles (--target-roles); role/* would let the automation put any inline policy on any role.
  const revocable = targetRoles.length > 0 ? targetRoles.map((name) => `arn:aws:iam::${account}:role/${name}`) : `arn:aws:iam::${account}:role/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ManageGitgrantOwnedPolicies',
        Effect: 'Allow',
        Action: [
          'iam:CreatePolicy',
          'iam:CreatePolicyVersion',
          'iam:DeletePolicy',
          'iam:DeletePolicyVersion',
          'iam:GetPolicy',
          'iam:GetPolicyVersion',
          'iam:ListEntitiesForPolicy',
          'iam:ListPolicyVersions',
          'iam:SetDefaultPolicyVersion',
          'iam:TagPolicy',
        ],
        Resource: ownPolicies,
      },
      {
        Sid: 'AttachOnlyGitgrantOwnedPolicies',
        Effect: 'Allow',
        Action: ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'],
        Resource: `arn:aws:iam::${account}:user/*`,
        Condition: { ArnLike: { 'iam:PolicyARN': ownPolicies } },
      },
      {
        // One read per account: users, their attachments and the customer-managed policies.
        Sid: 'ReadTheAccount',
        Effect: 'Allow',
        Action: ['iam:GetAccountAuthorizationDetails'],
        Resource: '*',
      },
      {
        // AWS-managed policies attached beside a grant are read to report access outside gitgrant.
        Sid: 'ReadAwsManagedPolicies',
        Effect: 'Allow',
        Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
        Resource: 'arn:aws:iam::aws:policy/*',
      },
      {
        Sid: 'RevokeSessionsAlreadyIssued',
        Effect: 'Allow',
        // Session ends on target roles: GetRole for the role id and MaxSessionDuration.
        Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        Resource: revocable,
      },
      {
        Sid: 'IdentityCenterAssignments',
        Effect: 'Allow',
        Action: [
          'sso:CreateAccountAssignment',
          'sso:DeleteAccountAssignment',
          'sso:DescribeAccountAssignmentCreationStatus',
          'sso:DescribeAccountAssignmentDeletionStatus',
          'sso:DescribePermissionSet',
          'sso:ListAccountAssignments',
          'sso:ListInstances',
          'sso:ListPermissionSets',
          // Session ends in the permission set's inline policy, then provisioned to the account.
          'sso:GetInlinePolicyForPermissionSet',
          'sso:PutInlinePolicyToPermissionSet',
          'sso:DeleteInlinePolicyFromPermissionSet',
          'sso:ProvisionPermissionSet',
          'sso:DescribePermissionSetProvisioningStatus',
          'identitystore:DescribeUser',
          'identitystore:GetUserId',
          'identitystore:ListUsers',
        ],
        Resource: '*',
      },
      {
        // CreateAccountAssignment provisions the permission set as a role in the target account.
        Sid: 'IdentityCenterProvisionsPermissionSetRoles',
        Effect: 'Allow',
        Action: [
          'iam:AttachRolePolicy',
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
          'iam:GetRole',
          'iam:GetSAMLProvider',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:PutRolePolicy',
          'iam:UpdateRole',
        ],
        Resource: [
          `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/*`,
          `arn:aws:iam::${account}:saml-provider/AWSSSO_*`,
        ],
      },
    ],
  };
}

export function awsOidcSteps({ repo, account, roleName, policyPath, targetRoles = [] }) {
  return [
    {
      title: "GitHub's OIDC identity provider (one per account; skipped when it exists)",
      note: 'No thumbprint: AWS verifies token.actions.githubusercontent.com with its own trusted CAs.',
      unless: [
        'aws', 'iam', 'get-open-id-connect-provider',
        '--open-id-connect-provider-arn', `arn:aws:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      ],
      argv: [
        'aws', 'iam', 'create-open-id-connect-provider',
        '--url', `https://${GITHUB_OIDC_HOST}`,
        '--client-id-list', 'sts.amazonaws.com',
      ],
    },
    {
      title: `The automation role, assumable only from ${repo} in environment ${ENVIRONMENT} (main only)`,
      files: [{ name: 'gitgrant-trust-policy.json', content: JSON.stringify(trustPolicy({ repo, account }), null, 2) }],
      unless: ['aws', 'iam', 'get-role', '--role-name', roleName],
      argv: [
        'aws', 'iam', 'create-role',
        '--role-name', roleName,
        '--description', `gitgrant automation for ${repo}`,
        '--max-session-duration', '3600',
        '--assume-role-policy-document', 'file://gitgrant-trust-policy.json',
      ],
    },
    {
      title: 'The trust policy again, so a re-run corrects an existing role',
      argv: [
        'aws', 'iam', 'update-assume-role-policy',
        '--role-name', roleName,
        '--policy-document', 'file://gitgrant-trust-policy.json',
      ],
    },
    {
      title: 'What the role may do: gitgrant-owned IAM policies and Identity Center assignments',
      files: [{ name: 'gitgrant-permissions.json', content: JSON.stringify(permissionsPolicy({ account, policyPath, targetRoles }), null, 2) }],
      argv: [
        'aws', 'iam', 'put-role-policy',
        '--role-name', roleName,
        '--policy-name', 'gitgrant',
        '--policy-document', 'file://gitgrant-permissions.json',
      ],
    },
    {
      title: 'Done. Set this as the repository variable GITGRANT_AWS_ROLE_ARN:',
      note: `arn:aws:iam::${account}:role/${roleName}`,
    },
  ];
}

export function optionsFrom(argv) {
  const values = parseOptions(argv, {
    required: ['repo', 'account'],
    optional: { 'role-name': 'gitgrant-automation', 'policy-path': '/gitgrant/', 'target-roles': '' },
    usage: USAGE,
  });
  return {
    repo: check('repo', values.repo, /^[\w.-]+\/[\w.-]+$/, 'my-org/access'),
    account: check('account', values.account, /^\d{12}$/, '123456789012'),
    roleName: check('role-name', values['role-name'], /^[\w+=,.@-]{1,64}$/, 'gitgrant-automation'),
    policyPath: check('policy-path', values['policy-path'], /^\/([\w+=,.@-]+\/)*$/, '/gitgrant/'),
    targetRoles: values['target-roles'] === '' ? [] : values['target-roles'].split(',').map((name) => check('target-roles', name, /^[\w+=,.@-]{1,64}$/, 'ProdOrdersDbReadOnly')),
    apply: values.apply,
  };
}

if (isMain(import.meta.url)) {
  const options = optionsFrom(process.argv.slice(2));
  await printOrApply(renderScript(`AWS trust for ${options.repo} in account ${options.account}`, awsOidcSteps(options)), options.apply);
}
