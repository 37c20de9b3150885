/** Printing diagnostics: text lines, JSON, and GitHub Actions annotations. */
import type { AnnotationProperties } from '@actions/core';
import { actionsCore } from './actions.js';
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../core/diagnostics/format.js';
import type { CliIo } from './io.js';

export interface Counts {
  errors: number;
  warnings: number;
  notices: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): Counts {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    notices: diagnostics.filter((d) => d.severity === 'notice').length,
  };
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stdout(formatDiagnostic(d) + '\n');
  const core = io.env.GITHUB_ACTIONS === 'true' ? actionsCore() : undefined;
  if (core) annotate(core, diagnostics);
}

/** In Actions, findings also appear on the PR's changed lines. */
function annotate(core: NonNullable<ReturnType<typeof actionsCore>>, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const properties: AnnotationProperties = {
      title: d.code,
      file: d.file,
      startLine: d.start?.line,
      startColumn: d.start?.col,
    };
    const message = d.hint ? `${d.summary} (hint: ${d.hint})` : d.summary;
    if (d.severity === 'error') core.error(message, properties);
    else if (d.severity === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
