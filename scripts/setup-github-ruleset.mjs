#!/usr/bin/env node
// Prints (or with --apply creates, through `gh api`) the branch ruleset that makes the default
// branch of the access repo the reviewed source of truth: changes only by pull request, approved
// by the CODEOWNERS of what changed, with the `gitgrant gate` check green; no force pushes, no
// deletion. Only the gitgrant GitHub App may bypass it (expire and break-glass commit directly).
//
// The required check must come from the gitgrant App itself (its integration id), posted by the
// trusted gate workflow: a check or status of the same name from GitHub Actions, or from any
// workflow a pull request can edit, does not satisfy it. It also creates the `gitgrant`
// environment that holds the App key and the cloud trust, deployable from main only, and turns off
// "Allow GitHub Actions to create and approve pull requests": with it on, a workflow a writer pushes
// to any branch could approve a pull request with its GITHUB_TOKEN. --verify reads that setting
// back and exits 1 when it is on (or the default token may write).
import { $ } from 'zx';
import { ENVIRONMENT, check, isMain, parseOptions, printOrApply, renderScript } from './setup-common.mjs';

const USAGE = `usage: setup-github-ruleset.mjs --repo ORG/REPO --app-id APP_ID [--check 'gitgrant gate'] [--environment gitgrant] [--apply | --verify]
  --app-id is the numeric App ID on the GitHub App's settings page (not the installation id).
  Prints the ruleset and the gh command; --apply runs it with your gh login (needs repo admin).
  Running --apply twice creates a second ruleset; edit the first in Settings > Rules instead.
  --verify reads the repository's Actions settings (GH_TOKEN or GITHUB_TOKEN, else your gh login;
  GITHUB_API_URL for GitHub Enterprise) and exits 1 if GitHub Actions may approve pull requests.`;

/** The name `gitgrant gate --post-check` gives its check run (src/github/check-runs.ts). */
export const GATE_CHECK_NAME = 'gitgrant gate';
/** The branch the environment may be deployed from. */
const PROTECTED_BRANCH = 'main';

export function ruleset({ appId, checkName }) {
  return {
    name: 'gitgrant: main is the reviewed source of truth',
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    bypass_actors: [{ actor_id: appId, actor_type: 'Integration', bypass_mode: 'always' }],
    rules: [
      { type: 'deletion' },
      { type: 'non_fast_forward' },
      {
        type: 'pull_request',
        parameters: {
          required_approving_review_count: 1,
          require_code_owner_review: true,
          dismiss_stale_reviews_on_push: true,
          // An approval does not cover a push made after it, even by another writer.
          require_last_push_approval: true,
          required_review_thread_resolution: true,
        },
      },
      {
        type: 'required_status_checks',
        parameters: {
          // Up to date with main: two grants for an `exclusive` role must not both pass on stale bases.
          strict_required_status_checks_policy: true,
          // Only the gitgrant App can satisfy it: GitHub Actions (15368) or a workflow cannot.
          required_status_checks: [{ context: checkName, integration_id: appId }],
        },
      },
    ],
  };
}

/** PUT /repos/{owner}/{repo}/environments/{name}: deployable only from branches the policy names. */
export function environment() {
  return { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } };
}

/** POST .../deployment-branch-policies: the one branch, main. */
export function environmentBranchPolicy() {
  return { name: PROTECTED_BRANCH, type: 'branch' };
}

/**
 * PUT /repos/{owner}/{repo}/actions/permissions/workflow: GitHub Actions may not approve (or create)
 * pull requests, and GITHUB_TOKEN is read-only unless a workflow asks for more.
 */
export function workflowPermissions() {
  return { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false };
}

export function githubRulesetSteps({ repo, appId, checkName, environmentName = ENVIRONMENT }) {
  const envPath = `repos/${repo}/environments/${environmentName}`;
  return [
    {
      title: 'GitHub Actions may not approve pull requests; GITHUB_TOKEN read-only by default',
      files: [{ name: 'gitgrant-workflow-permissions.json', content: JSON.stringify(workflowPermissions(), null, 2) }],
      argv: ['gh', 'api', '--method', 'PUT', `repos/${repo}/actions/permissions/workflow`, '--input', 'gitgrant-workflow-permissions.json'],
      note: [
        'Otherwise a workflow pushed to any branch could approve a pull request with its GITHUB_TOKEN.',
        'HTTP 409: the organisation decides this setting; turn it off in the organisation (Settings > Actions > General).',
      ].join('\n'),
    },
    {
      title: `Environment ${environmentName}: the App key, cloud trust, SCIM token and Slack webhook, for main only`,
      files: [
        { name: 'gitgrant-environment.json', content: JSON.stringify(environment(), null, 2) },
        { name: 'gitgrant-environment-branch.json', content: JSON.stringify(environmentBranchPolicy(), null, 2) },
      ],
      argv: ['gh', 'api', '--method', 'PUT', envPath, '--input', 'gitgrant-environment.json'],
    },
    {
      title: `Deployment branch policy of ${environmentName}: ${PROTECTED_BRANCH} only`,
      unless: ['sh', '-c', `gh api ${envPath}/deployment-branch-policies --jq '.branch_policies[].name' | grep -qx ${PROTECTED_BRANCH}`],
      argv: ['gh', 'api', '--method', 'POST', `${envPath}/deployment-branch-policies`, '--input', 'gitgrant-environment-branch.json'],
      note: [
        `Put these in environment ${environmentName} (Settings > Environments), never as repository or organisation secrets,`,
        'which every branch\'s workflows can read: secret GITGRANT_APP_PRIVATE_KEY, GITGRANT_SCIM_TOKEN, GITGRANT_SLACK_WEBHOOK_URL.',
      ].join('\n'),
    },
    {
      title: `Branch ruleset for the default branch of ${repo}`,
      files: [{ name: 'gitgrant-ruleset.json', content: JSON.stringify(ruleset({ appId, checkName }), null, 2) }],
      argv: ['gh', 'api', '--method', 'POST', `repos/${repo}/rulesets`, '--input', 'gitgrant-ruleset.json'],
    },
  ];
}

/**
 * What --verify finds wrong in the repository's settings, one line each (cause and fix); empty
 * when all is as setup leaves it. A setting that cannot be read is a problem too: fail closed.
 */
export async function verifyRepoSettings({ repo, apiUrl, token, fetchImpl = fetch }) {
  const url = `${apiUrl.replace(/\/+$/, '')}/repos/${repo}/actions/permissions/workflow`;
  let response;
  try {
    response = await fetchImpl(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } });
  } catch (error) {
    return [`cannot read the Actions settings of ${repo} (${error.message}); check GITHUB_API_URL and the network, then run again`];
  }
  if (!response.ok) {
    return [`cannot read the Actions settings of ${repo} (HTTP ${response.status}); it needs a token of a repository admin (gh auth login, or GH_TOKEN)`];
  }
  const settings = await response.json();
  const problems = [];
  if (settings.can_approve_pull_request_reviews !== false) {
    problems.push(`"Allow GitHub Actions to create and approve pull requests" is on in ${repo}: a workflow pushed to any branch could approve a pull request; run this script with --apply, or turn it off in Settings > Actions > General`);
  }
  if (settings.default_workflow_permissions !== 'read') {
    problems.push(`the default GITHUB_TOKEN permissions of ${repo} are "${settings.default_workflow_permissions}", not "read"; run this script with --apply, or choose "Read repository contents" in Settings > Actions > General`);
  }
  return problems;
}

/** The token --verify reads with: GH_TOKEN or GITHUB_TOKEN, else the gh login's. Never printed. */
async function verifyToken(env) {
  const given = env.GH_TOKEN || env.GITHUB_TOKEN;
  if (given) return given;
  const result = await $({ nothrow: true, quiet: true })`gh auth token`;
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export function optionsFrom(argv) {
  const values = parseOptions(argv, { required: ['repo', 'app-id'], optional: { check: GATE_CHECK_NAME, environment: ENVIRONMENT }, flags: ['verify'], usage: USAGE });
  if (values.apply && values.verify) {
    process.stderr.write(`--apply and --verify exclude each other\n${USAGE}\n`);
    process.exit(2);
  }
  return {
    repo: check('repo', values.repo, /^[\w.-]+\/[\w.-]+$/, 'my-org/access'),
    appId: Number(check('app-id', values['app-id'], /^\d+$/, '123456')),
    checkName: check('check', values.check, /^\S.*$/, GATE_CHECK_NAME),
    environmentName: check('environment', values.environment, /^[\w.-]+$/, ENVIRONMENT),
    apply: values.apply,
    verify: values.verify,
  };
}

if (isMain(import.meta.url)) {
  const options = optionsFrom(process.argv.slice(2));
  if (options.verify) {
    const token = await verifyToken(process.env);
    if (!token) {
      process.stderr.write('no GitHub token: set GH_TOKEN, or log in with gh auth login\n');
      process.exit(1);
    }
    const problems = await verifyRepoSettings({ repo: options.repo, apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', token });
    for (const problem of problems) process.stdout.write(`setup-github-ruleset: ${problem}\n`);
    if (problems.length === 0) process.stdout.write(`setup-github-ruleset: ${options.repo}: GitHub Actions may not approve pull requests; GITHUB_TOKEN is read-only by default\n`);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  await printOrApply(renderScript(`GitHub ruleset for ${options.repo}`, githubRulesetSteps(options)), options.apply);
}
