import { describe, expect, it } from 'vitest';
import { lintWorkflow, WorkflowCode } from '../../support/workflow-lint/workflow-lint.js';

const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';

interface WorkflowOptions {
  on?: string;
  topLevel?: string[];
  jobPermissions?: string[] | null;
  timeout?: boolean;
}

/**
 * A one-job workflow; `steps` are written verbatim under `steps:`. With the defaults the first
 * step is on line 11, so tests can name exact positions.
 */
function aWorkflow(steps: string[], options: WorkflowOptions = {}): string {
  const jobPermissions = options.jobPermissions === undefined ? ['contents: read'] : options.jobPermissions;
  return [
    'name: test',
    `on: ${options.on ?? 'issues'}`,
    ...(options.topLevel ?? ['permissions: {}']),
    'jobs:',
    '  triage:',
    '    runs-on: ubuntu-latest',
    ...(options.timeout === false ? [] : ['    timeout-minutes: 5']),
    ...(jobPermissions === null ? [] : ['    permissions:', ...jobPermissions.map((line) => `      ${line}`)]),
    '    steps:',
    ...steps.map((line) => `      ${line}`),
    '',
  ].join('\n');
}

function lint(text: string) {
  return lintWorkflow('.github/workflows/test.yml', text);
}

function codesOf(text: string): string[] {
  return lint(text).map((d) => d.code);
}

describe('a hardened workflow', () => {
  it('has nothing to report', () => {
    const text = aWorkflow([
      `- uses: ${CHECKOUT}`,
      '  with:',
      '    persist-credentials: false',
      '- env:',
      '    TITLE: ${{ github.event.issue.title }}',
      '  run: echo "$TITLE"',
    ]);
    expect(lint(text)).toEqual([]);
  });
});

describe('template injection', () => {
  it('finds an issue title pasted into an inline script, at the reference', () => {
    const text = aWorkflow(['- run: echo "${{ github.event.issue.title }}"']);
    expect(lint(text)).toEqual([
      expect.objectContaining({
        code: WorkflowCode.templateInjection,
        severity: 'error',
        file: '.github/workflows/test.yml',
        start: { line: 11, col: 24 },
        end: { line: 11, col: 48 },
      }),
    ]);
  });

  it('finds it on the right line inside a block script', () => {
    const text = aWorkflow(['- run: |', '    set -e', '    gh issue comment 1 --body "${{ github.event.issue.body }}"']);
    const [finding] = lint(text);
    expect(finding).toMatchObject({ code: WorkflowCode.templateInjection, start: { line: 13, col: 42 } });
  });

  it('finds dispatch inputs, branch names and whole event objects', () => {
    const text = aWorkflow([
      '- run: deploy ${{ inputs.target }}',
      '- run: git checkout ${{ github.head_ref }}',
      '- run: echo \'${{ toJSON(github.event) }}\'',
      '- run: echo "${{ github.event.commits[0].message }}"',
    ]);
    expect(lint(text).map((d) => [d.code, d.start?.line])).toEqual([
      [WorkflowCode.templateInjection, 11],
      [WorkflowCode.templateInjection, 12],
      [WorkflowCode.templateInjection, 13],
      [WorkflowCode.templateInjection, 14],
    ]);
  });

  it('checks the script of actions/github-script too', () => {
    const text = aWorkflow([
      '- uses: actions/github-script@f28e40c7f34bde8b3046d885e986cb6290c5673b # v7.1.0',
      '  with:',
      '    script: console.log("${{ github.event.pull_request.title }}")',
    ]);
    expect(codesOf(text)).toEqual([WorkflowCode.templateInjection]);
  });

  it('leaves values nobody outside the repo controls alone', () => {
    const text = aWorkflow([
      '- run: gh issue view ${{ github.event.issue.number }} --repo ${{ github.repository }}',
      '- run: echo "${{ github.event.pull_request.head.sha }} ${{ steps.x.outputs.y }}"',
      "- run: echo ${{ format('{0}', 'github.event.issue.title') }}",
    ]);
    expect(lint(text)).toEqual([]);
  });
});

describe('pinning', () => {
  it('finds an action used by tag, at the reference', () => {
    const text = aWorkflow(['- uses: actions/checkout@v4', '  with:', '    persist-credentials: false']);
    expect(lint(text)).toEqual([
      expect.objectContaining({
        code: WorkflowCode.unpinnedAction,
        severity: 'error',
        start: { line: 11, col: 15 },
        end: { line: 11, col: 34 },
      }),
    ]);
  });

  it('finds reusable workflows and docker images used by tag', () => {
    const text = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  shared:',
      '    permissions: {}',
      '    uses: octo-org/workflows/.github/workflows/ci.yml@main',
      '  image:',
      '    runs-on: ubuntu-latest',
      '    timeout-minutes: 5',
      '    permissions: {}',
      '    steps:',
      '      - uses: docker://alpine:3.20',
      '',
    ].join('\n');
    expect(lint(text).map((d) => [d.code, d.start?.line])).toEqual([
      [WorkflowCode.unpinnedAction, 6],
      [WorkflowCode.unpinnedAction, 12],
    ]);
  });

  it('accepts local actions and docker images pinned by digest', () => {
    const digest = 'a'.repeat(64);
    const text = aWorkflow(['- uses: ./.github/actions/setup', `- uses: docker://alpine@sha256:${digest}`]);
    expect(lint(text)).toEqual([]);
  });

  it('warns when a SHA does not say which release it is', () => {
    const text = aWorkflow([
      '- uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      '  with:',
      '    persist-credentials: false',
    ]);
    expect(lint(text)).toEqual([expect.objectContaining({ code: WorkflowCode.pinWithoutVersion, severity: 'warning' })]);
  });
});

describe('permissions', () => {
  it('finds a workflow without top-level permissions, at its first key', () => {
    const text = aWorkflow(['- run: true'], { topLevel: [] });
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.permissionsMissing, start: { line: 1, col: 1 } }),
    ]);
  });

  it('finds a job without permissions, at the job', () => {
    const text = aWorkflow(['- run: true'], { jobPermissions: null });
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.permissionsMissing, start: { line: 5, col: 3 }, end: { line: 5, col: 9 } }),
    ]);
  });

  it('finds write-all and read-all wherever they are', () => {
    const text = aWorkflow(['- run: true'], { topLevel: ['permissions: read-all'] }).replace(
      '    permissions:\n      contents: read',
      '    permissions: write-all',
    );
    expect(lint(text).map((d) => [d.code, d.start?.line, d.start?.col])).toEqual([
      [WorkflowCode.permissionsBroad, 3, 14],
      [WorkflowCode.permissionsBroad, 8, 18],
    ]);
  });
});

describe('privileged triggers', () => {
  const checkoutOfHead = [
    `- uses: ${CHECKOUT}`,
    '  with:',
    '    ref: ${{ github.event.pull_request.head.sha }}',
    '    persist-credentials: false',
  ];

  it('finds pull_request_target checking out the pull request head', () => {
    const text = aWorkflow(checkoutOfHead, { on: 'pull_request_target' });
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.untrustedCheckout, start: { line: 13, col: 16 } }),
    ]);
  });

  it('finds workflow_run running gh pr checkout', () => {
    const text = aWorkflow(['- run: gh pr checkout 12'], { on: '{ workflow_run: { workflows: [ci], types: [completed] } }' });
    expect(codesOf(text)).toEqual([WorkflowCode.untrustedCheckout]);
  });

  it('allows the same checkout under pull_request, which has no secrets', () => {
    expect(lint(aWorkflow(checkoutOfHead, { on: 'pull_request' }))).toEqual([]);
  });
});

describe('secrets and credentials', () => {
  it('finds a secret in the workflow-level env', () => {
    const text = aWorkflow(['- run: true'], { topLevel: ['permissions: {}', 'env:', '  TOKEN: ${{ secrets.SCIM_TOKEN }}'] });
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.secretInWorkflowEnv, start: { line: 5, col: 14 } }),
    ]);
  });

  it('finds a checkout that keeps its token in a job that never pushes', () => {
    const text = aWorkflow([`- uses: ${CHECKOUT}`, '- run: npm test']);
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.checkoutPersistsCredentials, start: { line: 11, col: 15 } }),
    ]);
  });

  it('lets a job that pushes keep the checkout token', () => {
    const text = aWorkflow([`- uses: ${CHECKOUT}`, '- run: git push origin HEAD:main'], { jobPermissions: ['contents: write'] });
    expect(lint(text)).toEqual([]);
  });
});

describe('timeouts and syntax', () => {
  it('warns about a job without a timeout', () => {
    const text = aWorkflow(['- run: true'], { timeout: false });
    expect(lint(text)).toEqual([
      expect.objectContaining({ code: WorkflowCode.timeoutMissing, severity: 'warning', start: { line: 5, col: 3 } }),
    ]);
  });

  it('reports broken YAML at the place it breaks instead of throwing', () => {
    const [finding] = lint('on: push\njobs:\n  a: [unclosed\n');
    expect(finding).toMatchObject({ code: WorkflowCode.syntax, severity: 'error', file: '.github/workflows/test.yml' });
    expect(finding?.start?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a document that is not a mapping', () => {
    expect(codesOf('- just\n- a list\n')).toEqual([WorkflowCode.syntax]);
  });
});
