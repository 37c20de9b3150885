import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run as runCel } from '@bufbuild/cel';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { GATE_CHECK_NAME } from '../../../src/adapters/github/check-runs.js';

// The zx scripts are plain .mjs without type declarations; each exports the pure builders its
// command line uses, so the dry-run text is checked here without starting a process.
interface Step {
  title: string;
  argv?: string[];
  unless?: string[];
  files?: Array<{ name: string; content: string }>;
  note?: string;
}
type Json = Record<string, any>;

const scriptsDir = join(import.meta.dirname, '../../../scripts');
const load = async (name: string) => (await import(pathToFileURL(join(scriptsDir, name)).href)) as Json;

const common = await load('setup-common.mjs');
const aws = await load('setup-aws-oidc.mjs');
const gcp = await load('setup-gcp-wif.mjs');
const github = await load('setup-github-ruleset.mjs');

const render = (steps: Step[]): string => common.renderScript('test', steps);

describe('setup-aws-oidc', () => {
  const options = { repo: 'acme/access', account: '123456789012', roleName: 'gitgrant-automation', policyPath: '/gitgrant/' };

  it('trusts only the audience sts.amazonaws.com and the gitgrant environment of the repository, no wildcard', () => {
    const statement = aws.trustPolicy(options).Statement[0];
    expect(statement.Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    expect(statement.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/access:environment:gitgrant',
      },
    });
    expect(JSON.stringify(aws.trustPolicy(options))).not.toContain('*');
  });

  it('refuses the subjects a pull request, a branch or a job on main outside the environment would present', () => {
    const accepted = [aws.trustPolicy(options).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']].flat();
    // The old trust also accepted `ref:refs/heads/main`: any workflow on main without the environment.
    for (const sub of ['repo:acme/access:pull_request', 'repo:acme/access:ref:refs/heads/main', 'repo:acme/access:ref:refs/heads/attack', 'repo:acme/access:environment:production', 'repo:acme/access-fork:environment:gitgrant']) {
      expect(accepted, sub).not.toContain(sub);
    }
  });

  it('lets the role attach only policies under gitgrant’s own path', () => {
    const statements: Json[] = aws.permissionsPolicy(options).Statement;
    const attach = statements.find((s) => s.Action.includes('iam:AttachUserPolicy'));
    expect(attach?.Condition).toEqual({ ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::123456789012:policy/gitgrant/*' } });
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions).toEqual(expect.arrayContaining(['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment']));
    expect(actions.filter((action) => action.endsWith('*'))).toEqual([]);
  });

  it('reads each account with one call, and may write revocation policies only on the target roles given', () => {
    const statements: Json[] = aws.permissionsPolicy({ ...options, targetRoles: ['ProdOrdersDbReadOnly'] }).Statement;
    expect(statements.find((s) => s.Action.includes('iam:GetAccountAuthorizationDetails'))).toBeDefined();
    const revoke = statements.find((s) => s.Action.includes('iam:PutRolePolicy') && s.Sid === 'RevokeSessionsAlreadyIssued');
    expect(revoke?.Resource).toEqual(['arn:aws:iam::123456789012:role/ProdOrdersDbReadOnly']);
    const actions = statements.flatMap((s) => s.Action as string[]);
    expect(actions).not.toEqual(expect.arrayContaining(['iam:ListPolicies']));
  });

  it('dry-runs as a bash script that creates what is missing and re-applies the policies', () => {
    const script = render(aws.awsOidcSteps(options));
    expect(script).toContain(
      'aws iam get-role --role-name gitgrant-automation >/dev/null 2>&1 || aws iam create-role --role-name gitgrant-automation',
    );
    expect(script).toContain("cat > gitgrant-trust-policy.json <<'GITGRANT_EOF'");
    expect(script).toContain('aws iam update-assume-role-policy --role-name gitgrant-automation --policy-document file://gitgrant-trust-policy.json');
    expect(script).toContain('#   arn:aws:iam::123456789012:role/gitgrant-automation');
  });
});

describe('setup-gcp-wif', () => {
  const options = {
    repo: 'acme/access',
    repositoryId: '555001',
    ownerId: '777',
    project: 'acme-gitgrant',
    projectNumber: '123456789',
    pool: 'gitgrant-github',
    provider: 'github',
    serviceAccount: 'gitgrant-automation',
    manage: ['projects/acme-prod', 'folders/42', 'organizations/7'],
  };
  const steps: Step[] = gcp.gcpWifSteps(options);
  const commands = steps.flatMap((step) => (step.argv ? [step.argv.join(' ')] : []));

  it('pins the provider to the repository (name, id, owner id), the cloud workflows on main and the environment', () => {
    expect(gcp.attributeCondition(options)).toBe(
      "assertion.repository == 'acme/access' && assertion.repository_id == '555001' && assertion.repository_owner_id == '777'" +
        " && assertion.ref == 'refs/heads/main' && assertion.environment == 'gitgrant'" +
        " && assertion.job_workflow_ref in ['acme/access/.github/workflows/apply.yml@refs/heads/main', 'acme/access/.github/workflows/break-glass.yml@refs/heads/main'," +
        " 'acme/access/.github/workflows/expire.yml@refs/heads/main', 'acme/access/.github/workflows/nightly.yml@refs/heads/main']",
    );
    for (const verb of ['create-oidc', 'update-oidc']) {
      const argv = steps.find((step) => step.argv?.includes(verb))?.argv ?? [];
      expect(argv[argv.indexOf('--attribute-condition') + 1], verb).toBe(gcp.attributeCondition(options));
    }
  });

  describe('the condition, evaluated as CEL against the claims GitHub puts in each token', () => {
    const apply = {
      repository: 'acme/access',
      repository_id: '555001',
      repository_owner_id: '777',
      ref: 'refs/heads/main',
      environment: 'gitgrant',
      job_workflow_ref: 'acme/access/.github/workflows/apply.yml@refs/heads/main',
    };
    // GCP refuses the token when the condition is false or cannot be evaluated (a missing claim).
    const admits = (claims: Record<string, string>): boolean => {
      try {
        return runCel(gcp.attributeCondition(options), { assertion: new Map(Object.entries(claims)) }) === true;
      } catch {
        return false;
      }
    };
    const { environment: _none, ...withoutEnvironment } = apply;

    it('admits apply on main in the gitgrant environment', () => {
      expect(admits(apply)).toBe(true);
    });

    it.each([
      ['a pull request job (the old condition let none in, but only by ref)', { ...withoutEnvironment, ref: 'refs/pull/7/merge', job_workflow_ref: 'acme/access/.github/workflows/pr.yml@refs/pull/7/merge' }],
      ['a workflow a branch adds, pushed to that branch', { ...apply, ref: 'refs/heads/attack', job_workflow_ref: 'acme/access/.github/workflows/exfil.yml@refs/heads/attack' }],
      ['another workflow on main in the environment (the trusted gate)', { ...apply, job_workflow_ref: 'acme/access/.github/workflows/gate.yml@refs/heads/main' }],
      ['a job on main without the environment', withoutEnvironment],
      ['a repository re-created under the same name', { ...apply, repository_id: '999999' }],
      ['an organisation re-created under the same name', { ...apply, repository_owner_id: '1' }],
      ['another environment', { ...apply, environment: 'staging' }],
    ])('refuses %s', (_what, claims) => {
      expect(admits(claims)).toBe(false);
    });
  });

  it('lets only the repository impersonate the service account', () => {
    expect(commands).toContain(
      'gcloud iam service-accounts add-iam-policy-binding gitgrant-automation@acme-gitgrant.iam.gserviceaccount.com --project acme-gitgrant' +
        ' --role roles/iam.workloadIdentityUser' +
        ' --member principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/gitgrant-github/attribute.repository/acme/access',
    );
  });

  it('grants the IAM-policy role that fits each managed resource', () => {
    const roles = commands.filter((c) => c.includes('add-iam-policy-binding') && !c.includes('workloadIdentityUser')).map((c) => c.split(' --role ')[1]);
    expect(roles).toEqual([
      'roles/resourcemanager.projectIamAdmin',
      'roles/resourcemanager.folderIamAdmin',
      'organizations/7/roles/gitgrantOrganizationIamBindings',
    ]);
  });

  it('names the two repository variables the workflows read', () => {
    const done = steps.at(-1)?.note ?? '';
    expect(done).toContain('GITGRANT_GCP_WORKLOAD_IDENTITY_PROVIDER=projects/123456789/locations/global/workloadIdentityPools/gitgrant-github/providers/github');
    expect(done).toContain('GITGRANT_GCP_SERVICE_ACCOUNT=gitgrant-automation@acme-gitgrant.iam.gserviceaccount.com');
  });
});

describe('setup-github-ruleset', () => {
  const body = github.ruleset({ appId: 4242, checkName: 'gitgrant gate' });
  const spec = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.deref.json');
  const validBody = (path: string, method: string, value: unknown) => {
    const schema = spec.paths[path][method].requestBody.content['application/json'].schema;
    const validate = new Ajv.default({ strict: false, allErrors: true }).compile(schema);
    return validate(value) ? 'valid' : JSON.stringify(validate.errors);
  };

  it('is a valid request body for POST /repos/{owner}/{repo}/rulesets', () => {
    expect(validBody('/repos/{owner}/{repo}/rulesets', 'post', body)).toBe('valid');
  });

  it('requires the gitgrant gate check from the gitgrant App only, fresh CODEOWNERS approval and resolved conversations', () => {
    const rules = Object.fromEntries((body.rules as Json[]).map((rule) => [rule.type, rule.parameters ?? true]));
    // Not GitHub Actions (15368): a check from any workflow, which a pull request can edit, must not count.
    expect(rules.required_status_checks.required_status_checks).toEqual([{ context: 'gitgrant gate', integration_id: 4242 }]);
    expect(rules.pull_request).toMatchObject({
      require_code_owner_review: true,
      dismiss_stale_reviews_on_push: true,
      required_review_thread_resolution: true,
    });
    expect(rules.non_fast_forward).toBe(true);
    expect(rules.deletion).toBe(true);
  });

  it('lets only the gitgrant app bypass it', () => {
    expect(body.bypass_actors).toEqual([{ actor_id: 4242, actor_type: 'Integration', bypass_mode: 'always' }]);
  });

  it('dry-runs as the gh api call with the ruleset beside it', () => {
    const script = render(github.githubRulesetSteps({ repo: 'acme/access', appId: 4242, checkName: 'gitgrant gate' }));
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(script).toContain('gh api --method POST repos/acme/access/rulesets --input gitgrant-ruleset.json');
  });

  it('creates the gitgrant environment deployable from main only, with valid request bodies', () => {
    expect(github.environment()).toEqual({ deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } });
    expect(validBody('/repos/{owner}/{repo}/environments/{environment_name}', 'put', github.environment())).toBe('valid');
    expect(github.environmentBranchPolicy()).toEqual({ name: 'main', type: 'branch' });
    expect(validBody('/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', 'post', github.environmentBranchPolicy())).toBe('valid');
    const script = render(github.githubRulesetSteps({ repo: 'acme/access', appId: 4242, checkName: 'gitgrant gate' }));
    expect(script).toContain('gh api --method PUT repos/acme/access/environments/gitgrant --input gitgrant-environment.json');
    expect(script).toContain('gh api --method POST repos/acme/access/environments/gitgrant/deployment-branch-policies --input gitgrant-environment-branch.json');
    expect(script).toContain('never as repository or organisation secrets');
  });

  it('turns off "Allow GitHub Actions to create and approve pull requests" with a valid request body, the default token read-only', () => {
    expect(github.workflowPermissions()).toEqual({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false });
    expect(validBody('/repos/{owner}/{repo}/actions/permissions/workflow', 'put', github.workflowPermissions())).toBe('valid');
    const script = render(github.githubRulesetSteps({ repo: 'acme/access', appId: 4242, checkName: 'gitgrant gate' }));
    expect(script).toContain('gh api --method PUT repos/acme/access/actions/permissions/workflow --input gitgrant-workflow-permissions.json');
    expect(script).toContain('#   HTTP 409: the organisation decides this setting');
  });

  it('takes --verify as a flag', () => {
    expect(github.optionsFrom(['--repo', 'acme/access', '--app-id', '4242', '--verify'])).toMatchObject({ verify: true, apply: false });
    expect(github.optionsFrom(['--repo', 'acme/access', '--app-id', '4242'])).toMatchObject({ verify: false });
  });

  it('uses the check name gitgrant posts, by default', () => {
    expect(github.optionsFrom(['--repo', 'acme/access', '--app-id', '4242']).checkName).toBe(GATE_CHECK_NAME);
    expect(GATE_CHECK_NAME).toBe('gitgrant gate');
  });
});

describe('rendering', () => {
  it('quotes arguments so a value cannot become shell syntax', () => {
    const script = render([{ title: 'x', argv: ['echo', "a'b; rm -rf /", '$(id)'] }]);
    expect(script).toContain("echo $'a\\'b; rm -rf /' $'$(id)'");
  });
});
