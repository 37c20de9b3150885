/**
 * The policy's `exceptions` section:
 *
 *   exceptions:
 *     label: gitgrant-exception     # every exception issue carries it; kinds add `exception:<kind>`
 *     expiryGraceMinutes: 60        # an expired grant still on main after this long is overdue
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer, type SourceMap } from '../model/source-map.js';

export interface ExceptionsConfig {
  label: string;
  expiryGraceMinutes: number;
}

export const DEFAULT_EXCEPTIONS_CONFIG: ExceptionsConfig = { label: 'gitgrant-exception', expiryGraceMinutes: 60 };

/** `source` is the policy file's source map, so a problem points at the key that caused it. */
export function readExceptionsConfig(raw: unknown, source?: SourceMap): { value: ExceptionsConfig; diagnostics: Diagnostic[] } {
  if (raw === undefined) return { value: DEFAULT_EXCEPTIONS_CONFIG, diagnostics: [] };
  const section = raw as Partial<Record<keyof ExceptionsConfig, unknown>>;
  const value = { ...DEFAULT_EXCEPTIONS_CONFIG };
  const diagnostics: Diagnostic[] = [];
  const problem = (summary: string, key: keyof ExceptionsConfig) => {
    const span = source ? locate(source, pointer(['exceptions', key]), 'key') : undefined;
    diagnostics.push({
      severity: 'error', code: 'EXCEPTIONS_CONFIG_INVALID', summary, hint: 'exceptions takes label (text) and expiryGraceMinutes (a positive whole number)',
      ...(source && span ? { file: source.file, start: span.start, end: span.end } : {}),
    });
  };
  if (section.label !== undefined) {
    if (typeof section.label === 'string' && /^[^,]{1,50}$/.test(section.label)) value.label = section.label;
    else problem('exceptions.label must be a label name of at most 50 characters, without commas', 'label');
  }
  if (section.expiryGraceMinutes !== undefined) {
    if (typeof section.expiryGraceMinutes === 'number' && Number.isInteger(section.expiryGraceMinutes) && section.expiryGraceMinutes > 0) value.expiryGraceMinutes = section.expiryGraceMinutes;
    else problem('exceptions.expiryGraceMinutes must be a positive whole number', 'expiryGraceMinutes');
  }
  return { value, diagnostics };
}
