/**
 * The workflow trust rule, enforced: code or workflow definitions a pull request can change never
 * run where a secret, an App token, cloud credentials or a write-scoped token is reachable.
 *
 * - A PR-triggered workflow runs the PR's own definition (or, for comments, next to PR code), so
 *   its jobs get a read-only token and nothing else: no `secrets.*`, no App token, no write scope,
 *   no environment.
 * - A trusted workflow (`pull_request_target`, `workflow_run`) runs main's definition with
 *   secrets, so it reads the PR as data only: it never checks out, builds or runs the PR's code.
 * - Anything that holds a credential names the environment that holds it, whose deployment
 *   branch policy admits main only.
 * Each rule returns findings with source offsets and never throws (see workflow-lint.ts).
 */
import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { findExpressions, findContextReferences, findReferencesTo } from './workflow-lint-expressions.js';
import { mapAt, scalarAt, source, span } from './workflow-lint-view.js';
import type { JobView, StepView, WorkflowView } from './workflow-lint-view.js';
import { WorkflowCode, type Rule } from './workflow-lint-rules.js';

const TrustCode = WorkflowCode;

/**
 * Triggers whose run is shaped by the pull request: its workflow definition comes from the PR
 * (`pull_request*`, `merge_group`), or it sits next to PR text and is commonly used to act on PR
 * code (`issue_comment`). Jobs of these workflows are the untrusted side.
 */
export const PR_TRIGGERS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment', 'issue_comment', 'merge_group']);

/** Triggers that run main's definition with secrets while a PR is what caused them. */
export const TRUSTED_PR_TRIGGERS: ReadonlySet<string> = new Set(['pull_request_target', 'workflow_run']);

const APP_TOKEN_ACTION = /^(actions\/create-github-app-token|tibdex\/github-app-token|getsentry\/action-github-app-token|peter-murray\/workflow-application-token-action)@/i;
const CLOUD_AUTH_ACTION = /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@/i;
const CHECKOUT = /^actions\/checkout@/i;

// Refs that name the pull request's own code.
const PR_HEAD_REFERENCE =
  /github\.head_ref|github\.event\.pull_request\.head\.|github\.event\.workflow_run\.(head_|pull_requests)|github\.event\.issue\.pull_request|refs\/pull\//;

/** What a trusted job may check out: the commit it runs on, main, or the PR's base. */
const SAFE_CHECKOUT_CONTEXTS = new Set([
  'github.sha',
  'github.ref',
  'github.ref_name',
  'github.repository',
  'github.event.repository.default_branch',
  'github.event.repository.full_name',
  'github.event.pull_request.base.sha',
  'github.event.pull_request.base.ref',
]);

// git commands that put a commit's files into the working tree (or fetch + merge them there).
// `git fetch` alone, `cat-file`, `ls-tree`, `show`, `merge-tree --write-tree` only read objects.
const GIT_OPTIONS = String.raw`(?:\s+(?:-[cC]\s+\S+|--[\w-]+(?:=\S+)?))*`;
const MATERIALISING_GIT = new RegExp(
  String.raw`\bgit${GIT_OPTIONS}\s+(checkout|switch|worktree|restore|reset|read-tree|checkout-index|pull|rebase|cherry-pick|am|apply|stash|clone|merge(?!-tree|-base))\b`,
  'g',
);
const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/g;
// Runs code from the working tree: package managers (their scripts and lifecycle hooks), builds,
// interpreters, and scripts by path.
const RUNS_CODE = /(^|[\s;&|(])(npm|npx|yarn|pnpm|bun|deno|node|make|python3?|pip3?|bash|sh|\.\/[\w./-]+)\b/g;

function prTrigger(workflow: WorkflowView): string | undefined {
  return workflow.triggers.find((name) => PR_TRIGGERS.has(name));
}

function trustedTrigger(workflow: WorkflowView): string | undefined {
  return workflow.triggers.find((name) => TRUSTED_PR_TRIGGERS.has(name));
}

// --- the untrusted side ----------------------------------------------------------------------------

const prJobsHaveNoSecrets: Rule = (workflow) => {
  const trigger = prTrigger(workflow);
  if (!trigger) return [];
  const nodes: Node[] = [...(mapAt(workflow.root, 'env') ? [mapAt(workflow.root, 'env')!] : []), ...workflow.jobs.map((job) => job.map)];
  const references = nodes.flatMap((node) => {
    const origin = span(node).start;
    return findReferencesTo(source(workflow, node), 'secrets').map((reference) => ({ ...reference, start: origin + reference.start, end: origin + reference.end }));
  });
  const inherited = workflow.jobs.flatMap((job) => {
    const secrets = scalarAt(job.map, 'secrets');
    return secrets && String(secrets.value) === 'inherit' ? [{ text: 'secrets: inherit', ...span(secrets) }] : [];
  });
  return [...references, ...inherited].map((reference) => ({
    code: TrustCode.prJobSecret,
    severity: 'error' as const,
    summary: `\`${reference.text}\` in a \`${trigger}\` workflow: a pull request can edit this workflow and print the secret`,
    hint: 'move the step to a trusted workflow (workflow_run on main, environment `gitgrant`) that reads the PR as data',
    start: reference.start,
    end: reference.end,
  }));
};

const prJobsMintNoAppToken: Rule = (workflow) => {
  const trigger = prTrigger(workflow);
  if (!trigger) return [];
  return workflow.jobs
    .flatMap((job) => job.steps)
    .filter((step) => step.uses && APP_TOKEN_ACTION.test(String(step.uses.value)))
    .map((step) => ({
      code: TrustCode.prJobAppToken,
      severity: 'error' as const,
      summary: `a \`${trigger}\` workflow mints a GitHub App token: whoever edits this workflow in a pull request gets the App's power`,
      hint: "the App's token belongs in the trusted workflow on main, in environment `gitgrant`",
      ...span(step.uses!),
    }));
};

function writeScopes(map: YAMLMap): Array<{ node: Node; label: string }> {
  const permissions = map.get('permissions', true) as Node | undefined;
  if (isScalar(permissions)) return String(permissions.value) === 'write-all' ? [{ node: permissions, label: 'write-all' }] : [];
  if (!isMap(permissions)) return [];
  return permissions.items
    .filter((pair) => isScalar(pair.value) && String(pair.value.value) === 'write')
    .map((pair) => ({ node: pair.value as Scalar, label: `${String((pair.key as Scalar).value)}: write` }));
}

const prJobsAreReadOnly: Rule = (workflow) => {
  const trigger = prTrigger(workflow);
  if (!trigger) return [];
  return [workflow.root, ...workflow.jobs.map((job) => job.map)].flatMap(writeScopes).map(({ node, label }) => ({
    code: TrustCode.prJobWritePermission,
    severity: 'error' as const,
    summary: `a \`${trigger}\` workflow asks for \`${label}\`: the PR's own definition would hold that token`,
    hint: 'PR-triggered jobs read only (`contents: read`); writes happen in the trusted workflow on main',
    ...span(node),
  }));
};

const prJobsUseNoEnvironment: Rule = (workflow) => {
  const trigger = prTrigger(workflow);
  if (!trigger) return [];
  return workflow.jobs.flatMap((job) => {
    const pair = job.map.items.find((item) => isScalar(item.key) && item.key.value === 'environment');
    if (!pair) return [];
    return [
      {
        code: TrustCode.prJobEnvironment,
        severity: 'error' as const,
        summary: `job \`${job.id}\` of a \`${trigger}\` workflow names an environment: its secrets and cloud trust are for main only`,
        hint: 'remove `environment:`; the trusted workflow on main is the one that uses it',
        ...span(pair.key as Scalar),
      },
    ];
  });
};

// --- the trusted side ------------------------------------------------------------------------------

interface PrCheckout {
  node: Scalar;
  start: number;
  end: number;
}

function isCheckoutAction(step: StepView): boolean {
  return step.uses !== undefined && CHECKOUT.test(String(step.uses.value));
}

/** A checkout input is safe when it names nothing from the PR and only allowed contexts. */
function namesPrCode(workflow: WorkflowView, node: Scalar): boolean {
  const text = source(workflow, node);
  if (PR_HEAD_REFERENCE.test(text)) return true;
  return findExpressions(text)
    .flatMap(({ body, bodyStart }) => findContextReferences(body, bodyStart))
    .some((reference) => !SAFE_CHECKOUT_CONTEXTS.has(reference.path.join('.')));
}

/** Where a step of a trusted job brings PR code into the working tree. */
function prCheckoutsIn(workflow: WorkflowView, step: StepView): PrCheckout[] {
  if (isCheckoutAction(step) && step.with) {
    return [scalarAt(step.with, 'ref'), scalarAt(step.with, 'repository')]
      .filter((node): node is Scalar => node !== undefined && namesPrCode(workflow, node))
      .map((node) => ({ node, ...span(node) }));
  }
  if (!step.run) return [];
  const script = source(workflow, step.run);
  const origin = span(step.run).start;
  return [...script.matchAll(MATERIALISING_GIT), ...script.matchAll(GH_PR_CHECKOUT)]
    .map((match) => ({ node: step.run!, start: origin + match.index, end: origin + match.index + match[0].length }))
    .sort((a, b) => a.start - b.start);
}

const trustedJobsCheckOutNoPrCode: Rule = (workflow) => {
  const trigger = trustedTrigger(workflow);
  if (!trigger) return [];
  return workflow.jobs.flatMap((job) =>
    job.steps.flatMap((step) => prCheckoutsIn(workflow, step)).map((checkout) => ({
      code: TrustCode.untrustedCheckout,
      severity: 'error' as const,
      summary: `\`${trigger}\` runs with secrets, and this puts pull request code in the working tree`,
      hint: 'read the PR as data: `git fetch origin <head sha>` then `git cat-file`/`ls-tree`, or the GitHub API; never check it out',
      start: checkout.start,
      end: checkout.end,
    })),
  );
};

function codeRunsIn(workflow: WorkflowView, step: StepView, after: number): Array<{ start: number; end: number }> {
  if (step.uses && String(step.uses.value).startsWith('./')) return [span(step.uses)];
  if (!step.run) return [];
  const script = source(workflow, step.run);
  const origin = span(step.run).start;
  return [...script.matchAll(RUNS_CODE)]
    .map((match) => {
      const offset = match.index + match[1]!.length;
      return { start: origin + offset, end: origin + offset + match[2]!.length };
    })
    .filter((hit) => hit.start > after)
    .slice(0, 1);
}

const trustedJobsRunNoPrCode: Rule = (workflow) => {
  const trigger = trustedTrigger(workflow);
  if (!trigger) return [];
  return workflow.jobs.flatMap((job: JobView) => {
    const first = job.steps.findIndex((step) => prCheckoutsIn(workflow, step).length > 0);
    if (first < 0) return [];
    const checkoutAt = prCheckoutsIn(workflow, job.steps[first]!)[0]!.end;
    return job.steps.slice(first).flatMap((step) =>
      codeRunsIn(workflow, step, checkoutAt).map((hit) => ({
        code: TrustCode.trustedRunsPrCode,
        severity: 'error' as const,
        summary: `\`${trigger}\` job \`${job.id}\` runs code after checking out the pull request: install scripts, builds and scripts come from the PR`,
        hint: 'build gitgrant from main before anything from the PR is fetched, and read the PR as data only',
        ...hit,
      })),
    );
  });
};

// --- credentials live in the environment ------------------------------------------------------------

const credentialsOnlyInEnvironment: Rule = (workflow) =>
  workflow.jobs.flatMap((job) => {
    if (job.map.has('environment')) return [];
    const origin = span(job.map).start;
    const secret = findReferencesTo(source(workflow, job.map), 'secrets').find((r) => r.path[1] !== 'github_token');
    const action = job.steps.find((step) => step.uses && (APP_TOKEN_ACTION.test(String(step.uses.value)) || CLOUD_AUTH_ACTION.test(String(step.uses.value))));
    const where = secret ? { start: origin + secret.start, end: origin + secret.end } : action ? span(action.uses!) : undefined;
    if (!where) return [];
    return [
      {
        code: TrustCode.credentialOutsideEnvironment,
        severity: 'error' as const,
        summary: `job \`${job.id}\` uses a credential without naming its environment: repository secrets reach any branch's workflows`,
        hint: 'add `environment: gitgrant` (deployment branches: main only) and keep the secret there, not in the repository',
        ...where,
      },
    ];
  });

export const trustRules: readonly Rule[] = [
  prJobsHaveNoSecrets,
  prJobsMintNoAppToken,
  prJobsAreReadOnly,
  prJobsUseNoEnvironment,
  trustedJobsCheckOutNoPrCode,
  trustedJobsRunNoPrCode,
  credentialsOnlyInEnvironment,
];
