import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintWorkflow, WorkflowCode } from '../../support/workflow-lint/workflow-lint.js';

const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';
const APP_TOKEN = 'actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e # v2.0.6';
const fixtures = join(import.meta.dirname, '../../fixtures/workflows');

interface Options {
  on: string;
  permissions?: string[];
  jobLines?: string[];
}

/**
 * A one-job workflow. Line 1 `name`, 2 `on`, 3 `permissions: {}`, 4 `jobs:`, 5 the job, 6-7
 * runs-on and timeout, then `jobLines`, `permissions:` and its lines, `steps:` and the steps.
 */
function aWorkflow(steps: string[], options: Options): string {
  return [
    'name: test',
    `on: ${options.on}`,
    'permissions: {}',
    'jobs:',
    '  job:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 5',
    ...(options.jobLines ?? []).map((line) => `    ${line}`),
    '    permissions:',
    ...(options.permissions ?? ['contents: read']).map((line) => `      ${line}`),
    '    steps:',
    ...steps.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

const lint = (text: string) => lintWorkflow('.github/workflows/test.yml', text);
const found = (text: string) => lint(text).map((d) => [d.code, d.start?.line, d.start?.col]);

describe('the attack: the old pr.yml, which a requester could edit to print the App key', () => {
  const text = readFileSync(join(fixtures, 'old-pr.yml'), 'utf8');

  it('fails the trust rules where it mints the App token and reads the key, in both jobs', () => {
    const trust = lintWorkflow('.github/workflows/pr.yml', text).filter((d) =>
      [WorkflowCode.prJobSecret, WorkflowCode.prJobAppToken].includes(d.code as never),
    );
    expect(trust.map((d) => `${d.start?.line}:${d.start?.col} ${d.code}`)).toEqual([
      '63:15 WORKFLOW_PR_JOB_APP_TOKEN',
      '67:28 WORKFLOW_PR_JOB_SECRET',
      '106:15 WORKFLOW_PR_JOB_APP_TOKEN',
      '110:28 WORKFLOW_PR_JOB_SECRET',
    ]);
    expect(trust[1]!.summary).toBe(
      '`secrets.GITGRANT_APP_PRIVATE_KEY` in a `pull_request` workflow: a pull request can edit this workflow and print the secret',
    );
  });
});

describe('a PR-triggered job', () => {
  it('may check out, build and validate with a read-only token', () => {
    const text = aWorkflow([`- uses: ${CHECKOUT}`, '  with:', '    persist-credentials: false', '- run: npm ci && npx gitgrant validate'], {
      on: 'pull_request',
    });
    expect(lint(text)).toEqual([]);
  });

  it('references no secret, under any PR trigger', () => {
    for (const on of ['pull_request', 'pull_request_review', 'pull_request_review_comment', 'issue_comment', 'merge_group']) {
      const text = aWorkflow(['- env:', '    HOOK: ${{ secrets.GITGRANT_SLACK_WEBHOOK_URL }}', '  run: curl -d x "$HOOK"'], { on });
      expect(found(text), on).toContainEqual([WorkflowCode.prJobSecret, 12, 21]);
    }
  });

  it('does not pass secrets on to a reusable workflow', () => {
    const text = ['on: pull_request', 'permissions: {}', 'jobs:', '  call:', '    permissions: {}', '    uses: ./.github/workflows/x.yml', '    secrets: inherit', ''].join('\n');
    expect(found(text)).toEqual([[WorkflowCode.prJobSecret, 7, 14]]);
  });

  it('mints no App token, even without a secret (e.g. a key from a variable)', () => {
    const text = aWorkflow([`- uses: ${APP_TOKEN}`, '  with:', '    app-id: ${{ vars.APP_ID }}', '    private-key: ${{ vars.KEY }}'], { on: 'pull_request' });
    expect(found(text)).toEqual([
      [WorkflowCode.credentialOutsideEnvironment, 11, 15],
      [WorkflowCode.prJobAppToken, 11, 15],
    ]);
  });

  it('declares no write scope, at job or workflow level', () => {
    const text = aWorkflow(['- run: true'], { on: 'pull_request', permissions: ['contents: read', 'id-token: write'] });
    expect(found(text)).toEqual([[WorkflowCode.prJobWritePermission, 10, 17]]);
    expect(lint(text)[0]!.summary).toContain('`id-token: write`');

    const workflowLevel = aWorkflow(['- run: true'], { on: 'pull_request_review' }).replace('permissions: {}', 'permissions: write-all');
    expect(found(workflowLevel)).toContainEqual([WorkflowCode.prJobWritePermission, 3, 14]);
  });

  it('uses no environment', () => {
    const text = aWorkflow(['- run: true'], { on: 'pull_request', jobLines: ['environment: gitgrant'] });
    expect(found(text)).toEqual([[WorkflowCode.prJobEnvironment, 8, 5]]);
  });
});

describe('a trusted job (pull_request_target, workflow_run)', () => {
  const workflowRun = '{ workflow_run: { workflows: [pr], types: [completed] } }';

  it('may check out main, build it, fetch the PR head as objects and read blobs', () => {
    const text = aWorkflow(
      [
        `- uses: ${CHECKOUT}`,
        '  with:',
        '    persist-credentials: false',
        '- run: npm ci --ignore-scripts && npm run build',
        '- env:',
        '    HEAD_SHA: ${{ github.event.workflow_run.head_sha }}',
        '  run: |',
        '    git -c http.extraheader="$auth" fetch --no-tags origin "$HEAD_SHA"',
        '    git ls-tree -r "$HEAD_SHA" && git cat-file -p "$HEAD_SHA:grants/x.yaml"',
        '    node bin/gitgrant.js gate --head-sha "$HEAD_SHA"',
      ],
      { on: workflowRun, jobLines: ['environment: gitgrant'] },
    );
    expect(lint(text)).toEqual([]);
  });

  it('does not check out the PR head with actions/checkout', () => {
    const text = aWorkflow([`- uses: ${CHECKOUT}`, '  with:', '    ref: ${{ github.event.pull_request.head.sha }}', '    persist-credentials: false'], {
      on: 'pull_request_target',
    });
    expect(found(text)).toEqual([[WorkflowCode.untrustedCheckout, 13, 16]]);
  });

  it('does not check out the workflow_run head, nor a repository or ref passed through another context', () => {
    const text = aWorkflow(
      [
        `- uses: ${CHECKOUT}`,
        '  with:',
        '    repository: ${{ github.event.workflow_run.head_repository.full_name }}',
        '    ref: ${{ steps.find.outputs.sha }}',
        '    persist-credentials: false',
      ],
      { on: workflowRun },
    );
    expect(found(text)).toEqual([
      [WorkflowCode.untrustedCheckout, 13, 23],
      [WorkflowCode.untrustedCheckout, 14, 16],
    ]);
  });

  it('does not fetch and check out a PR ref with git, nor run gh pr checkout', () => {
    const text = aWorkflow(
      ['- run: |', '    git fetch origin "refs/pull/$PR/head"', '    git -c advice.detachedHead=false checkout FETCH_HEAD', '- run: gh pr checkout "$PR"'],
      { on: 'pull_request_target' },
    );
    expect(found(text)).toEqual([
      [WorkflowCode.untrustedCheckout, 13, 11],
      [WorkflowCode.untrustedCheckout, 14, 14],
    ]);
  });

  it('runs no install, build or script after PR code is in the working tree', () => {
    const text = aWorkflow(
      [
        '- run: gh pr checkout "$PR"',
        '- run: npm ci',
        '- run: |',
        '    echo building',
        '    ./scripts/build.sh',
        '- uses: ./.github/actions/local',
      ],
      { on: 'pull_request_target' },
    );
    expect(found(text).filter(([code]) => code === WorkflowCode.trustedRunsPrCode)).toEqual([
      [WorkflowCode.trustedRunsPrCode, 12, 14],
      [WorkflowCode.trustedRunsPrCode, 15, 11],
      [WorkflowCode.trustedRunsPrCode, 16, 15],
    ]);
  });

  it('leaves the same steps alone under pull_request, where no secret exists', () => {
    const text = aWorkflow(['- run: gh pr checkout "$PR"', '- run: npm ci'], { on: 'pull_request' });
    expect(lint(text)).toEqual([]);
  });
});

describe('credentials', () => {
  it('are used only by jobs that name their environment', () => {
    const text = aWorkflow(
      ['- uses: aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df # v4.2.1', '  with:', '    role-to-assume: ${{ vars.ROLE }}'],
      { on: 'push', permissions: ['id-token: write'] },
    );
    expect(found(text)).toEqual([[WorkflowCode.credentialOutsideEnvironment, 11, 15]]);
    expect(lint(text.replace('    permissions:', '    environment: gitgrant\n    permissions:'))).toEqual([]);
  });

  it('a secret in a job without an environment is found at the reference', () => {
    const text = aWorkflow(['- env:', '    TOKEN: ${{ secrets.GITGRANT_SCIM_TOKEN }}', '  run: true'], { on: 'schedule' });
    expect(found(text)).toEqual([[WorkflowCode.credentialOutsideEnvironment, 12, 22]]);
  });
});
