import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

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

  it('trusts only the audience sts.amazonaws.com and the two pinned subjects, no wildcard', () => {
    const statement = aws.trustPolicy(options).Statement[0];
    expect(statement.Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    expect(statement.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': ['repo:acme/access:environment:production', 'repo:acme/access:ref:refs/heads/main'],
      },
    });
    expect(JSON.stringify(aws.trustPolicy(options))).not.toContain('*');
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
    project: 'acme-gitgrant',
    projectNumber: '123456789',
    pool: 'gitgrant-github',
    provider: 'github',
    serviceAccount: 'gitgrant-automation',
    manage: ['projects/acme-prod', 'folders/42', 'organizations/7'],
  };
  const steps: Step[] = gcp.gcpWifSteps(options);
  const commands = steps.flatMap((step) => (step.argv ? [step.argv.join(' ')] : []));

  it('pins the provider to the repository and its main branch', () => {
    expect(gcp.attributeCondition('acme/access')).toBe("assertion.repository == 'acme/access' && assertion.ref == 'refs/heads/main'");
    const create = steps.find((step) => step.argv?.includes('create-oidc'))?.argv ?? [];
    expect(create[create.indexOf('--attribute-condition') + 1]).toBe(gcp.attributeCondition('acme/access'));
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
  const body = github.ruleset({ appId: 4242, checkName: 'gate' });

  it('is a valid request body for POST /repos/{owner}/{repo}/rulesets', () => {
    const spec = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.deref.json');
    const schema = spec.paths['/repos/{owner}/{repo}/rulesets'].post.requestBody.content['application/json'].schema;
    const validate = new Ajv.default({ strict: false, allErrors: true }).compile(schema);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('requires gate from GitHub Actions, fresh CODEOWNERS approval and resolved conversations', () => {
    const rules = Object.fromEntries((body.rules as Json[]).map((rule) => [rule.type, rule.parameters ?? true]));
    expect(rules.required_status_checks.required_status_checks).toEqual([{ context: 'gate', integration_id: 15368 }]);
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
    const script = render(github.githubRulesetSteps({ repo: 'acme/access', appId: 4242, checkName: 'gate' }));
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(script).toContain('gh api --method POST repos/acme/access/rulesets --input gitgrant-ruleset.json');
  });
});

describe('rendering', () => {
  it('quotes arguments so a value cannot become shell syntax', () => {
    const script = render([{ title: 'x', argv: ['echo', "a'b; rm -rf /", '$(id)'] }]);
    expect(script).toContain("echo $'a\\'b; rm -rf /' $'$(id)'");
  });
});
