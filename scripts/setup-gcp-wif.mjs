#!/usr/bin/env node
// Prints (or with --apply runs) the gcloud commands that let the access repo's workflows act in
// GCP without keys: a workload identity pool and GitHub provider whose attribute condition admits
// only the cloud workflows of this repository (pinned by name and id), on main, in the `gitgrant`
// environment, the automation service account the workflows impersonate,
// and on each managed resource the one role that edits its IAM policy. Usage: see USAGE below.
import { CLOUD_WORKFLOWS, ENVIRONMENT, check, isMain, parseOptions, printOrApply, renderScript } from './setup-common.mjs';

const USAGE = `usage: setup-gcp-wif.mjs --repo ORG/REPO --repository-id N --owner-id N --project PROJECT_ID --project-number NUMBER
                        --manage projects/ID,folders/N,organizations/N
                        [--pool gitgrant-github] [--provider github] [--service-account gitgrant-automation] [--apply]
  --project hosts the pool and the service account; --project-number is its number
  (gcloud projects describe PROJECT_ID --format='value(projectNumber)').
  --repository-id and --owner-id: gh api repos/ORG/REPO --jq '.id, .owner.id' (a deleted and
  re-created repository or organisation of the same name gets new ids, and no token).
  --manage lists every resource that roles/ targets. Prints the commands; --apply runs them.`;

const ISSUER = 'https://token.actions.githubusercontent.com';
const ORG_ROLE_ID = 'gitgrantOrganizationIamBindings';

/**
 * Tokens are refused before any IAM check unless they come from this repository (name and id, and
 * the owner's id), from one of the cloud workflows as defined on main, running on main, in the
 * `gitgrant` environment (whose deployment branch policy admits main only). A pull request, a
 * branch, another workflow of the repository (gate, request, pr) or a same-named repository get
 * nothing. As tight as the AWS trust (sub = the environment), plus the workflow.
 */
export function attributeCondition({ repo, repositoryId, ownerId, environment = ENVIRONMENT }) {
  const workflows = CLOUD_WORKFLOWS.map((file) => `'${repo}/.github/workflows/${file}@refs/heads/main'`).join(', ');
  return [
    `assertion.repository == '${repo}'`,
    `assertion.repository_id == '${repositoryId}'`,
    `assertion.repository_owner_id == '${ownerId}'`,
    `assertion.ref == 'refs/heads/main'`,
    `assertion.environment == '${environment}'`,
    `assertion.job_workflow_ref in [${workflows}]`,
  ].join(' && ');
}

export function serviceAccountEmail({ serviceAccount, project }) {
  return `${serviceAccount}@${project}.iam.gserviceaccount.com`;
}

export function providerName({ projectNumber, pool, provider }) {
  return `projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`;
}

/** Editing a resource's IAM policy is all gitgrant does in GCP; one step per managed resource. */
export function resourceSteps(resource, member) {
  const [kind, id] = resource.split('/');
  const binding = ['--member', member, '--condition=None'];
  if (kind === 'projects') {
    return [
      {
        title: `Edit the IAM policy of project ${id}`,
        argv: ['gcloud', 'projects', 'add-iam-policy-binding', id, ...binding, '--role', 'roles/resourcemanager.projectIamAdmin'],
      },
    ];
  }
  if (kind === 'folders') {
    return [
      {
        title: `Edit the IAM policy of folder ${id}`,
        argv: ['gcloud', 'resource-manager', 'folders', 'add-iam-policy-binding', id, ...binding, '--role', 'roles/resourcemanager.folderIamAdmin'],
      },
    ];
  }
  // No predefined organization role is limited to the IAM policy (Organization Administrator can
  // do far more), so a custom role carries exactly the three permissions needed.
  return [
    {
      title: `A custom role on organization ${id} that reads and sets its IAM policy, and nothing else`,
      unless: ['gcloud', 'iam', 'roles', 'describe', ORG_ROLE_ID, '--organization', id],
      argv: [
        'gcloud', 'iam', 'roles', 'create', ORG_ROLE_ID,
        '--organization', id,
        '--title', 'gitgrant organization IAM bindings',
        '--permissions', 'resourcemanager.organizations.get,resourcemanager.organizations.getIamPolicy,resourcemanager.organizations.setIamPolicy',
        '--stage', 'GA',
      ],
    },
    {
      title: `Edit the IAM policy of organization ${id}`,
      argv: ['gcloud', 'organizations', 'add-iam-policy-binding', id, ...binding, '--role', `organizations/${id}/roles/${ORG_ROLE_ID}`],
    },
  ];
}

export function gcpWifSteps(options) {
  const { repo, project, projectNumber, pool, provider, serviceAccount, manage } = options;
  const email = serviceAccountEmail({ serviceAccount, project });
  const inPool = `projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}`;
  return [
    {
      title: 'APIs the token exchange and the IAM edits use',
      argv: [
        'gcloud', 'services', 'enable',
        'iam.googleapis.com', 'iamcredentials.googleapis.com', 'sts.googleapis.com', 'cloudresourcemanager.googleapis.com',
        '--project', project,
      ],
    },
    {
      title: 'Workload identity pool for GitHub Actions',
      unless: ['gcloud', 'iam', 'workload-identity-pools', 'describe', pool, '--project', project, '--location', 'global'],
      argv: [
        'gcloud', 'iam', 'workload-identity-pools', 'create', pool,
        '--project', project, '--location', 'global',
        '--display-name', 'gitgrant GitHub Actions',
      ],
    },
    {
      title: `GitHub OIDC provider that admits only ${repo}'s cloud workflows on main, environment ${ENVIRONMENT}`,
      unless: [
        'gcloud', 'iam', 'workload-identity-pools', 'providers', 'describe', provider,
        '--project', project, '--location', 'global', '--workload-identity-pool', pool,
      ],
      argv: [
        'gcloud', 'iam', 'workload-identity-pools', 'providers', 'create-oidc', provider,
        '--project', project, '--location', 'global', '--workload-identity-pool', pool,
        '--display-name', 'GitHub Actions',
        '--issuer-uri', ISSUER,
        '--attribute-mapping', 'google.subject=assertion.sub,attribute.repository=assertion.repository,attribute.ref=assertion.ref',
        '--attribute-condition', attributeCondition(options),
      ],
    },
    {
      title: 'The condition again, so a re-run corrects an existing provider',
      argv: [
        'gcloud', 'iam', 'workload-identity-pools', 'providers', 'update-oidc', provider,
        '--project', project, '--location', 'global', '--workload-identity-pool', pool,
        '--attribute-condition', attributeCondition(options),
      ],
    },
    {
      title: 'The automation service account the workflows act as',
      unless: ['gcloud', 'iam', 'service-accounts', 'describe', email, '--project', project],
      argv: [
        'gcloud', 'iam', 'service-accounts', 'create', serviceAccount,
        '--project', project,
        '--display-name', `gitgrant automation for ${repo}`,
      ],
    },
    {
      title: `Only identities from ${repo} may impersonate it`,
      argv: [
        'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', email,
        '--project', project,
        '--role', 'roles/iam.workloadIdentityUser',
        '--member', `principalSet://iam.googleapis.com/${inPool}/attribute.repository/${repo}`,
      ],
    },
    ...manage.flatMap((resource) => resourceSteps(resource, `serviceAccount:${email}`)),
    {
      title: 'Done. Set these repository variables:',
      note: [
        `GITGRANT_GCP_WORKLOAD_IDENTITY_PROVIDER=${providerName({ projectNumber, pool, provider })}`,
        `GITGRANT_GCP_SERVICE_ACCOUNT=${email}`,
      ].join('\n'),
    },
  ];
}

export function optionsFrom(argv) {
  const values = parseOptions(argv, {
    required: ['repo', 'repository-id', 'owner-id', 'project', 'project-number', 'manage'],
    optional: { pool: 'gitgrant-github', provider: 'github', 'service-account': 'gitgrant-automation' },
    usage: USAGE,
  });
  const resourceId = /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]|folders\/\d+|organizations\/\d+)$/;
  return {
    repo: check('repo', values.repo, /^[\w.-]+\/[\w.-]+$/, 'my-org/access'),
    repositoryId: check('repository-id', values['repository-id'], /^\d+$/, '123456789'),
    ownerId: check('owner-id', values['owner-id'], /^\d+$/, '987654'),
    project: check('project', values.project, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'my-project'),
    projectNumber: check('project-number', values['project-number'], /^\d+$/, '123456789012'),
    pool: check('pool', values.pool, /^[a-z][a-z0-9-]{3,31}$/, 'gitgrant-github'),
    provider: check('provider', values.provider, /^[a-z][a-z0-9-]{3,31}$/, 'github'),
    serviceAccount: check('service-account', values['service-account'], /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'gitgrant-automation'),
    manage: values.manage.split(',').map((resource) => check('manage', resource.trim(), resourceId, 'projects/my-project,folders/123')),
    apply: values.apply,
  };
}

if (isMain(import.meta.url)) {
  const options = optionsFrom(process.argv.slice(2));
  await printOrApply(renderScript(`GCP workload identity federation for ${options.repo}`, gcpWifSteps(options)), options.apply);
}
