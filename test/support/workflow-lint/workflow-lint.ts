/**
 * Lints one GitHub Actions workflow against gitgrant's hardening rules. Pure: takes the file's
 * repo-relative path and its text, returns sorted diagnostics with line and column; no I/O.
 */
import { sortDiagnostics } from '../../../src/core/diagnostics/diagnostic.js';
import type { Diagnostic } from '../../../src/core/diagnostics/diagnostic.js';
import { WorkflowCode, workflowRules } from './workflow-lint-rules.js';
import { parseWorkflow } from './workflow-lint-view.js';
import { trustRules } from './workflow-trust-rules.js';

export { WorkflowCode } from './workflow-lint-rules.js';

export function lintWorkflow(file: string, text: string): Diagnostic[] {
  const { view, syntaxErrors } = parseWorkflow(text);
  if (!view) {
    return syntaxErrors.map((error) => ({
      severity: 'error',
      code: WorkflowCode.syntax,
      summary: error.message,
      file,
      start: error.start,
      end: error.end,
    }));
  }
  const diagnostics = [...workflowRules, ...trustRules].flatMap((rule) =>
    rule(view).map(({ start, end, ...finding }): Diagnostic => ({
      ...finding,
      file,
      start: view.position(start),
      end: view.position(end),
    })),
  );
  return sortDiagnostics(diagnostics);
}
