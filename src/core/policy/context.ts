/** What the policy engine is told about the world: time, what changed, and the request. */
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { locate, pointer, type Part } from '../model/source-map.js';
import type { AccessRepo, Grant, GrantId, Instant } from '../model/types.js';
import type { RequestContext } from './approval-types.js';

export interface EvaluationOptions {
  now: Instant;
  /**
   * Grants added or changed by the change under review. Absent: nothing is known to be new (a run on
   * main), so grants past their expiry are awaiting the sweep rather than errors.
   */
  changed?: ReadonlySet<GrantId>;
  /** Limit per-grant rules to these grants (`--changed-since`); cross-file rules still see all grants. */
  scope?: ReadonlySet<GrantId>;
  request?: RequestContext;
}

export interface RuleContext {
  repo: AccessRepo;
  options: EvaluationOptions;
  isChanged(grant: Grant): boolean;
  inScope(grant: Grant): boolean;
  report(grant: Grant, path: (string | number)[], finding: Finding): void;
}

export interface Finding {
  code: string;
  summary: string;
  hint?: string;
  severity?: Severity;
  part?: Part;
}

export function createRuleContext(repo: AccessRepo, options: EvaluationOptions, sink: Diagnostic[]): RuleContext {
  return {
    repo,
    options,
    isChanged: (grant) => options.changed?.has(grant.id) ?? false,
    inScope: (grant) => options.scope?.has(grant.id) ?? true,
    report(grant, path, finding) {
      const span = locate(grant.source, pointer(path), finding.part ?? 'value');
      sink.push({
        severity: finding.severity ?? 'error',
        code: finding.code,
        summary: finding.summary,
        hint: finding.hint,
        file: grant.source.file,
        start: span.start,
        end: span.end,
      });
    },
  };
}
