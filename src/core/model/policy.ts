/**
 * Merges the files under policies/ into one Policy. Each top-level key may be set in one file
 * only, so no rule silently overrides another.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDuration, parseDuration } from './duration.js';
import type { RawPolicyPart } from './load-file.js';
import { readSections, type SectionFields } from './policy-section-checks.js';
import type { PolicySection } from './policy-sections.js';
import { locate, pointer } from './source-map.js';
import { gitHubPrincipal, type BreakGlassBudget, type CustomRule, type Escalation, type Policy, type Role, type TicketRequirement } from './types.js';
import { compareText } from '../text/compare-text.js';

/** The design's defaults: 4h by default, 30 days at most, break-glass at most 4h. */
export const POLICY_DEFAULTS = {
  defaultDuration: '4h',
  maxDuration: '30d',
  breakGlassMax: '4h',
  /** The break-glass budget's window; its total defaults to breakGlassMax (one use at the cap per day). */
  breakGlassBudgetWindow: '24h',
  reasonMinLength: 10,
} as const;

/** Whether a grant of `role` must name a ticket (policy `tickets.required`). */
export function ticketRequired(policy: Pick<Policy, 'tickets'>, role: Pick<Role, 'production'>): boolean {
  const { required } = policy.tickets;
  return required === 'always' || (required === 'production' && role.production);
}

/** A policy file that did not load: `keys` are the top-level keys it sets, when it parsed at all. */
export interface FailedPolicyFile {
  file: string;
  keys?: readonly string[];
}

/**
 * The load errors to show, when the policy's `section` may not hold what its file says (the file
 * did not load, or a value in the section was refused); empty when it holds what was written. A
 * job that acts on a section must stop when this is not empty: the defaults that stand in for a
 * broken section would otherwise decide what it does.
 */
export function sectionFailures(policy: Policy, diagnostics: readonly Diagnostic[], section: PolicySection): Diagnostic[] {
  const files = new Set(policy.refused.filter((r) => r.section === section || r.section === '*').map((r) => r.file));
  if (files.size === 0) return [];
  const errors = diagnostics.filter((d) => d.severity === 'error' && d.file !== undefined && files.has(d.file));
  return errors.length > 0 ? errors : [...files].sort().map((file): Diagnostic => ({
    severity: 'error', code: 'POLICY_SECTION_NOT_LOADED', summary: `the \`${section}\` section in ${file} did not load`, hint: 'run gitgrant validate and fix the policy file',
    file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
  }));
}

/** The policy files merged, as written; the schema has checked every key (the one cast from YAML to types is below). */
interface PolicyFields extends SectionFields {
  owners?: string[];
  durations?: { default?: string; max?: string; breakGlassMax?: string };
  escalations?: { name: string; aboveDuration: string; approvals: { count?: number; from: string[] } }[];
  tickets?: { required?: TicketRequirement; pattern?: string };
  reasons?: { minLength?: number };
  grantees?: { domains?: string[] };
  duplicates?: { allow?: boolean };
  rules?: { id: string; expression: string; message: string; severity?: 'error' | 'warning' }[];
}

/** `failed`: the policy files that did not load; keys they may set are unknown, so none is reported missing. */
export function mergePolicies(parts: readonly RawPolicyPart[], failed: readonly FailedPolicyFile[] = []): { policy: Policy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const merged: Record<string, unknown> = {};
  const sources: Policy['sources'] = {};
  for (const part of [...parts].sort((a, b) => compareText(a.file, b.file))) {
    for (const [key, value] of Object.entries(part.data)) {
      const earlier = sources[key];
      if (earlier) {
        const span = locate(part.source, pointer([key]), 'key');
        diagnostics.push({
          severity: 'error', code: 'POLICY_KEY_CONFLICT', summary: `\`${key}\` is already set in ${earlier.file}`,
          hint: 'set each policy key in one file only', file: part.file, start: span.start, end: span.end,
        });
        continue;
      }
      merged[key] = value;
      sources[key] = part.source;
    }
  }
  const fields = merged as PolicyFields;
  if (!fields.owners && failed.length === 0) {
    diagnostics.push({
      severity: 'error', code: 'POLICY_OWNERS_MISSING', summary: 'no policy file sets `owners`',
      hint: 'add `owners: [\'@your-org/security\']` to a file under policies/: they approve changes to roles, policies and code',
      file: parts[0]?.file ?? 'policies/', start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
    });
  }
  const durations = fields.durations ?? {};
  // The schema pattern admits `0d`, which parses to nothing: a zero cap must not silently mean "no cap".
  const positive = (text: string | undefined, path: (string | number)[], fallback: string): number => {
    const ms = text === undefined ? undefined : parseDuration(text);
    const source = sources[String(path[0])];
    if (text !== undefined && ms === undefined && source) {
      const span = locate(source, pointer(path));
      diagnostics.push({
        severity: 'error', code: 'POLICY_DURATION_ZERO', summary: `\`${path.join('.')}\` must be longer than zero, not ${text}`,
        hint: 'write a positive duration such as 4h or 30d', file: source.file, start: span.start, end: span.end,
      });
    }
    return ms ?? parseDuration(fallback)!;
  };
  const escalations: Escalation[] = (fields.escalations ?? []).map((e, index) => ({
    name: e.name,
    aboveDuration: positive(e.aboveDuration, ['escalations', index, 'aboveDuration'], '1m'),
    approvals: { name: e.name, count: e.approvals.count ?? 1, from: e.approvals.from.map(gitHubPrincipal) },
  }));
  const breakGlassMax = positive(durations.breakGlassMax, ['durations', 'breakGlassMax'], POLICY_DEFAULTS.breakGlassMax);
  const budgetFields = fields.breakGlass?.budget ?? {};
  const budget: BreakGlassBudget = {
    total: budgetFields.total === undefined ? breakGlassMax : positive(budgetFields.total, ['breakGlass', 'budget', 'total'], POLICY_DEFAULTS.breakGlassMax),
    window: positive(budgetFields.window, ['breakGlass', 'budget', 'window'], POLICY_DEFAULTS.breakGlassBudgetWindow),
  };
  const budgetAt = (key: 'total' | 'window') => {
    const source = sources.breakGlass;
    const span = source && budgetFields[key] !== undefined ? locate(source, pointer(['breakGlass', 'budget', key])) : undefined;
    return span && source ? { file: source.file, start: span.start, end: span.end } : undefined;
  };
  // A total longer than its window could only be spent on overlapping uses: almost surely a typo.
  const overWindow = budget.total > budget.window ? budgetAt('total') ?? budgetAt('window') : undefined;
  if (overWindow) {
    diagnostics.push({
      severity: 'error', code: 'POLICY_BREAK_GLASS_BUDGET_OVER_WINDOW',
      summary: `\`breakGlass.budget.total\` ${formatDuration(budget.total)} is longer than its window of ${formatDuration(budget.window)}`,
      hint: 'the total is the break-glass time one person may have within any window: make it shorter than the window (e.g. total: 4h, window: 24h)', ...overWindow,
    });
  }
  const belowCap = budget.total < breakGlassMax ? budgetAt('total') : undefined;
  if (belowCap) {
    diagnostics.push({
      severity: 'warning', code: 'POLICY_BREAK_GLASS_BUDGET_BELOW_CAP',
      summary: `\`breakGlass.budget.total\` ${formatDuration(budget.total)} is below the break-glass cap of ${formatDuration(breakGlassMax)}: no single use can last the cap`,
      hint: 'raise the total to durations.breakGlassMax or more, or lower the cap', ...belowCap,
    });
  }
  const rules: CustomRule[] = (fields.rules ?? []).map((r) => ({ id: r.id, expression: r.expression, message: r.message, severity: r.severity ?? 'error' }));
  const read = readSections(fields, sources);
  diagnostics.push(...read.diagnostics);
  const refused: Policy['refused'] = [
    ...failed.flatMap((f) => (f.keys ?? ['*']).map((section) => ({ section, file: f.file }))),
    ...read.refused.map((section) => ({ section, file: sources[section]?.file ?? 'policies/' })),
  ];
  const { breakGlassSettings, ...sections } = read.sections;
  const policy: Policy = {
    owners: (fields.owners ?? []).map(gitHubPrincipal),
    durations: {
      default: positive(durations.default, ['durations', 'default'], POLICY_DEFAULTS.defaultDuration),
      max: positive(durations.max, ['durations', 'max'], POLICY_DEFAULTS.maxDuration),
      breakGlassMax,
    },
    escalations,
    tickets: { required: fields.tickets?.required ?? 'never', pattern: fields.tickets?.pattern },
    reasons: { minLength: fields.reasons?.minLength ?? POLICY_DEFAULTS.reasonMinLength },
    allowDuplicateGrants: fields.duplicates?.allow ?? false,
    grantDomains: fields.grantees?.domains,
    rules,
    breakGlass: { budget, ...breakGlassSettings },
    ...sections,
    refused,
    sources,
  };
  return { policy, diagnostics };
}
