#!/usr/bin/env node
// Prints (or with --apply creates, through `gh api`) the branch ruleset that makes the default
// branch of the access repo the reviewed source of truth: changes only by pull request, approved
// by the CODEOWNERS of what changed, with the `gate` check green; no force pushes, no deletion.
// Only the gitgrant GitHub App may bypass it (expire and break-glass commit directly).
import { check, isMain, parseOptions, printOrApply, renderScript } from './setup-common.mjs';

const USAGE = `usage: setup-github-ruleset.mjs --repo ORG/REPO --app-id APP_ID [--check gate] [--apply]
  --app-id is the numeric App ID on the GitHub App's settings page (not the installation id).
  Prints the ruleset and the gh command; --apply runs it with your gh login (needs repo admin).
  Running --apply twice creates a second ruleset; edit the first in Settings > Rules instead.`;

/** The GitHub Actions app: only a check run from Actions can satisfy the required check. */
const GITHUB_ACTIONS_INTEGRATION_ID = 15368;

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
          required_status_checks: [{ context: checkName, integration_id: GITHUB_ACTIONS_INTEGRATION_ID }],
        },
      },
    ],
  };
}

export function githubRulesetSteps({ repo, appId, checkName }) {
  return [
    {
      title: `Branch ruleset for the default branch of ${repo}`,
      files: [{ name: 'gitgrant-ruleset.json', content: JSON.stringify(ruleset({ appId, checkName }), null, 2) }],
      argv: ['gh', 'api', '--method', 'POST', `repos/${repo}/rulesets`, '--input', 'gitgrant-ruleset.json'],
    },
  ];
}

export function optionsFrom(argv) {
  const values = parseOptions(argv, { required: ['repo', 'app-id'], optional: { check: 'gate' }, usage: USAGE });
  return {
    repo: check('repo', values.repo, /^[\w.-]+\/[\w.-]+$/, 'my-org/access'),
    appId: Number(check('app-id', values['app-id'], /^\d+$/, '123456')),
    checkName: check('check', values.check, /^\S.*$/, 'gate'),
    apply: values.apply,
  };
}

if (isMain(import.meta.url)) {
  const options = optionsFrom(process.argv.slice(2));
  await printOrApply(renderScript(`GitHub ruleset for ${options.repo}`, githubRulesetSteps(options)), options.apply);
}
