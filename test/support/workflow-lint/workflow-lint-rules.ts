/**
 * The project's own hardening rules for GitHub Actions workflows, one small function each. A rule
 * looks at the parsed workflow and returns findings with source offsets; it never throws.
 */
import type { Node, Scalar } from 'yaml';
import type { Severity } from '../../../src/core/diagnostics/diagnostic.js';
import { findReferencesTo, findUntrustedReferences } from './workflow-lint-expressions.js';
import { mapAt, scalarAt, source, span } from './workflow-lint-view.js';
import type { JobView, StepView, WorkflowView } from './workflow-lint-view.js';

export const WorkflowCode = {
  syntax: 'WORKFLOW_YAML_INVALID',
  permissionsMissing: 'WORKFLOW_PERMISSIONS_MISSING',
  permissionsBroad: 'WORKFLOW_PERMISSIONS_BROAD',
  unpinnedAction: 'WORKFLOW_UNPINNED_ACTION',
  pinWithoutVersion: 'WORKFLOW_PIN_WITHOUT_VERSION',
  templateInjection: 'WORKFLOW_TEMPLATE_INJECTION',
  untrustedCheckout: 'WORKFLOW_UNTRUSTED_CHECKOUT',
  prJobSecret: 'WORKFLOW_PR_JOB_SECRET',
  prJobAppToken: 'WORKFLOW_PR_JOB_APP_TOKEN',
  prJobWritePermission: 'WORKFLOW_PR_JOB_WRITE_PERMISSION',
  prJobEnvironment: 'WORKFLOW_PR_JOB_ENVIRONMENT',
  trustedRunsPrCode: 'WORKFLOW_TRUSTED_RUNS_PR_CODE',
  credentialOutsideEnvironment: 'WORKFLOW_CREDENTIAL_OUTSIDE_ENVIRONMENT',
  secretInWorkflowEnv: 'WORKFLOW_SECRET_IN_WORKFLOW_ENV',
  checkoutPersistsCredentials: 'WORKFLOW_CHECKOUT_PERSISTS_CREDENTIALS',
  timeoutMissing: 'WORKFLOW_JOB_TIMEOUT_MISSING',
} as const;

export interface Finding {
  code: string;
  severity: Severity;
  summary: string;
  hint?: string;
  /** Offsets into the workflow text. */
  start: number;
  end: number;
}

export type Rule = (workflow: WorkflowView) => Finding[];

const FULL_SHA = /@[0-9a-f]{40}$/;
const DOCKER_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /^\s*v?\d+(\.\d+)*\b/;
const CHECKOUT = /^actions\/checkout@/i;
const GIT_PUSH = /\bgit\b[^\n]*\bpush\b/;

function isCheckout(step: StepView): boolean {
  return step.uses !== undefined && CHECKOUT.test(String(step.uses.value));
}

const permissionsDeclared: Rule = (workflow) => {
  const findings: Finding[] = [];
  if (!workflow.root.has('permissions')) {
    const first = workflow.root.items[0]?.key as Node | undefined;
    findings.push({
      code: WorkflowCode.permissionsMissing,
      severity: 'error',
      summary: 'the workflow has no top-level `permissions:`, so every job starts with the default token scopes',
      hint: 'add `permissions: {}` at the top and grant each job only what it needs',
      ...(first ? span(first) : { start: 0, end: 0 }),
    });
  }
  for (const job of workflow.jobs) {
    if (job.map.has('permissions')) continue;
    findings.push({
      code: WorkflowCode.permissionsMissing,
      severity: 'error',
      summary: `job \`${job.id}\` has no \`permissions:\`; least privilege is declared per job`,
      hint: 'add a `permissions:` block listing only the scopes this job uses (`{}` for none)',
      ...span(job.key),
    });
  }
  return findings;
};

const permissionsNotBroad: Rule = (workflow) => {
  const blocks = [workflow.root, ...workflow.jobs.map((job) => job.map)];
  return blocks.flatMap((map) => {
    const value = scalarAt(map, 'permissions');
    if (!value || (value.value !== 'write-all' && value.value !== 'read-all')) return [];
    return [
      {
        code: WorkflowCode.permissionsBroad,
        severity: 'error' as const,
        summary: `\`permissions: ${String(value.value)}\` grants every scope`,
        hint: 'list the scopes the job needs, e.g. `contents: read`',
        ...span(value),
      },
    ];
  });
};

function usesOf(job: JobView): Scalar[] {
  const jobUses = scalarAt(job.map, 'uses');
  return [...(jobUses ? [jobUses] : []), ...job.steps.flatMap((step) => (step.uses ? [step.uses] : []))];
}

const actionsPinned: Rule = (workflow) =>
  workflow.jobs.flatMap(usesOf).flatMap((uses): Finding[] => {
    const ref = String(uses.value);
    if (ref.startsWith('./')) return [];
    if (ref.startsWith('docker://')) {
      if (DOCKER_DIGEST.test(ref)) return [];
      return [
        {
          code: WorkflowCode.unpinnedAction,
          severity: 'error',
          summary: `\`${ref}\` is not pinned to an image digest`,
          hint: 'use `docker://image@sha256:<digest>`',
          ...span(uses),
        },
      ];
    }
    if (!FULL_SHA.test(ref)) {
      return [
        {
          code: WorkflowCode.unpinnedAction,
          severity: 'error',
          summary: `\`${ref}\` is not pinned to a full commit SHA; a tag or branch can be moved to other code`,
          hint: 'pin to the 40-hex commit of a release and keep the tag as a comment: `owner/action@<sha> # vX.Y.Z`',
          ...span(uses),
        },
      ];
    }
    if (uses.comment && VERSION_COMMENT.test(uses.comment)) return [];
    return [
      {
        code: WorkflowCode.pinWithoutVersion,
        severity: 'warning',
        summary: `\`${ref}\` is pinned but does not say which release the SHA is`,
        hint: 'add the release tag as a trailing comment, e.g. `# v4.2.2`, so reviewers and Dependabot can follow it',
        ...span(uses),
      },
    ];
  });

function scriptsOf(step: StepView): Scalar[] {
  const scripts: Scalar[] = step.run ? [step.run] : [];
  const isGithubScript = step.uses !== undefined && /^actions\/github-script@/i.test(String(step.uses.value));
  const script = isGithubScript && step.with ? scalarAt(step.with, 'script') : undefined;
  return script ? [...scripts, script] : scripts;
}

const noTemplateInjection: Rule = (workflow) =>
  workflow.jobs
    .flatMap((job) => job.steps.flatMap(scriptsOf))
    .flatMap((script) => {
      const origin = span(script).start;
      return findUntrustedReferences(source(workflow, script)).map((reference) => ({
        code: WorkflowCode.templateInjection,
        severity: 'error' as const,
        summary: `\`${reference.text}\` can be set by an outsider and is pasted into a script, where it runs as code`,
        hint: 'pass it through `env:` (e.g. `TITLE: ${{ ... }}`) and use "$TITLE" in the script',
        start: origin + reference.start,
        end: origin + reference.end,
      }));
    });

const noSecretsInWorkflowEnv: Rule = (workflow) => {
  const env = mapAt(workflow.root, 'env');
  if (!env) return [];
  return env.items.flatMap((pair) => {
    const value = pair.value as Node | null;
    if (!value) return [];
    const origin = span(value).start;
    return findReferencesTo(source(workflow, value), 'secrets').map((reference) => ({
      code: WorkflowCode.secretInWorkflowEnv,
      severity: 'error' as const,
      summary: `\`${reference.text}\` in the workflow-level \`env:\` reaches every step of every job`,
      hint: 'move it to the `env:` of the one step that uses it',
      start: origin + reference.start,
      end: origin + reference.end,
    }));
  });
};

function dropsCredentials(step: StepView): boolean {
  const persist = step.with ? scalarAt(step.with, 'persist-credentials') : undefined;
  return persist !== undefined && String(persist.value) === 'false';
}

const checkoutDropsCredentials: Rule = (workflow) =>
  workflow.jobs
    .filter((job) => !job.steps.some((step) => step.run && GIT_PUSH.test(String(step.run.value))))
    .flatMap((job) => job.steps.filter((step) => isCheckout(step) && !dropsCredentials(step)))
    .map((step) => ({
      code: WorkflowCode.checkoutPersistsCredentials,
      severity: 'error' as const,
      summary: 'checkout leaves the token in .git/config for every later step, and this job never pushes',
      hint: 'add `with: { persist-credentials: false }`',
      ...span(step.uses as Scalar),
    }));

const jobsHaveTimeouts: Rule = (workflow) =>
  workflow.jobs
    .filter((job) => !job.map.has('timeout-minutes') && !job.map.has('uses'))
    .map((job) => ({
      code: WorkflowCode.timeoutMissing,
      severity: 'warning' as const,
      summary: `job \`${job.id}\` has no \`timeout-minutes:\`; a hung run holds its concurrency group for 6 hours`,
      hint: 'set `timeout-minutes:` to a few times the job\'s normal duration',
      ...span(job.key),
    }));

export const workflowRules: readonly Rule[] = [
  permissionsDeclared,
  permissionsNotBroad,
  actionsPinned,
  noTemplateInjection,
  noSecretsInWorkflowEnv,
  checkoutDropsCredentials,
  jobsHaveTimeouts,
];
