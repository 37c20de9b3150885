/**
 * A diagnostic is a problem a user caused, with the place that caused it. The core collects them
 * and returns them; it never throws for bad input (throwing is reserved for bugs).
 */
import { compareText } from '../text/compare-text.js';

export type Severity = 'error' | 'warning' | 'notice';

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable, upper-snake code such as GRANT_DURATION_OVER_CAP: scripts and tests key on it. */
  code: string;
  summary: string;
  /** A hint on how to fix it, when one helps. */
  hint?: string;
  /** Repo-relative path with forward slashes; absent for problems that belong to no file. */
  file?: string;
  start?: Position;
  end?: Position;
}

export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    (a.start?.line ?? 0) - (b.start?.line ?? 0) ||
    (a.start?.col ?? 0) - (b.start?.col ?? 0) ||
    severityRank[a.severity] - severityRank[b.severity] ||
    compareText(a.code, b.code) ||
    compareText(a.summary, b.summary)
  );
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
