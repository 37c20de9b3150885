/**
 * Turns ajv errors into diagnostics that point at the offending key or value and say, in plain
 * words, what to write instead.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { locate, pointer, type Part, type SourceMap } from './source-map.js';
import { closest } from './suggest.js';

/** YAML 1.1 read these as booleans; gitgrant reads YAML 1.2, where they are strings. */
const YAML11_BOOLEANS = new Set(['y', 'yes', 'n', 'no', 'on', 'off', 'true', 'false']);

export function schemaDiagnostics(errors: readonly ErrorObject[], source: SourceMap, data: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of prune(errors)) {
    const described = describe(error, data);
    const ptr = described.ptr ?? error.instancePath;
    const key = `${ptr}|${described.summary}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const span = locate(source, ptr, described.part);
    diagnostics.push({
      severity: 'error',
      code: described.code,
      summary: described.summary,
      hint: described.hint,
      file: source.file,
      start: span.start,
      end: span.end,
    });
  }
  return diagnostics;
}

/** ajv reports `if`/`allOf` wrappers alongside the real cause; keep only the causes. */
function prune(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf');
}

interface Described {
  code: string;
  summary: string;
  hint?: string;
  ptr?: string;
  part?: Part;
}

function describe(error: ErrorObject, data: unknown): Described {
  const name = fieldName(error.instancePath);
  const value = valueAt(data, error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { code: 'SCHEMA_REQUIRED', summary: `missing required key \`${missing}\``, part: 'key' };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(propertiesOf(error.parentSchema));
      const suggestion = closest(extra, allowed);
      return {
        code: 'SCHEMA_UNKNOWN_KEY',
        summary: `unknown key \`${extra}\``,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `allowed keys: ${allowed.join(', ')}`,
        ptr: error.instancePath + pointer([extra]),
        part: 'key',
      };
    }
    case 'false schema':
      return { code: 'SCHEMA_KEY_NOT_APPLICABLE', summary: `\`${name}\` does not apply here`, hint: 'remove it; see the schema for the keys this kind of entry takes', part: 'key' };
    case 'type': {
      const expected = (error.params as { type: string }).type;
      const hint =
        expected === 'boolean' && typeof value === 'string' && YAML11_BOOLEANS.has(value.toLowerCase())
          ? `write true or false: gitgrant reads YAML 1.2, where \`${value}\` is a string`
          : expected === 'string' && typeof value !== 'string'
            ? 'quote the value'
            : undefined;
      return { code: 'SCHEMA_TYPE', summary: `\`${name}\` must be ${article(expected)} ${expected}, not ${describeValue(value)}`, hint };
    }
    case 'pattern':
      return patternProblem(name, error);
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
      return {
        code: 'SCHEMA_ENUM',
        summary: `\`${name}\` must be one of ${allowed.join(', ')}`,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      };
    }
    case 'const':
      return { code: 'SCHEMA_ENUM', summary: `\`${name}\` must be ${String((error.params as { allowedValue: unknown }).allowedValue)}` };
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'minProperties':
    case 'maxProperties':
      return { code: 'SCHEMA_SIZE', summary: `\`${name}\` ${error.message ?? 'is out of range'}` };
    case 'uniqueItems':
      return { code: 'SCHEMA_DUPLICATE_ITEM', summary: `\`${name}\` lists the same item twice`, hint: 'remove the repeated entry' };
    case 'format':
      return { code: 'SCHEMA_FORMAT', summary: `\`${name}\` must be a valid ${(error.params as { format: string }).format}` };
    default:
      return { code: 'SCHEMA_INVALID', summary: `\`${name}\` ${error.message ?? 'is invalid'}` };
  }
}

const PATTERN_HELP: Record<string, { summary: string; hint: string }> = {
  expires: { summary: 'must be a date and time with a zone', hint: 'write e.g. 2026-11-22T18:00:00Z (UTC) or 2026-11-22T19:00:00+01:00' },
  starts: { summary: 'must be a date and time with a zone', hint: 'write e.g. 2026-11-22T14:00:00Z (UTC) or 2026-11-22T15:00:00+01:00' },
  ticket: { summary: 'must be a ticket key such as INC-1234, #123 or owner/repo#123', hint: 'use the ticket or issue that this access is for' },
  duration: { summary: 'must be a duration such as 30m, 4h, 3d or 1w', hint: 'combine units largest first, e.g. 1d12h' },
  principal: { summary: 'must be a GitHub @user or @org/team', hint: 'e.g. @example-org/security' },
};

function patternProblem(name: string, error: ErrorObject): Described {
  const schema = error.parentSchema as { description?: string } | undefined;
  const kind =
    name === 'expires' || name === 'starts' || name === 'ticket'
      ? name
      : schema?.description?.startsWith('A duration')
        ? 'duration'
        : schema?.description?.startsWith('A GitHub')
          ? 'principal'
          : undefined;
  const help = kind ? PATTERN_HELP[kind] : undefined;
  if (help) return { code: 'SCHEMA_PATTERN', summary: `\`${name}\` ${help.summary}`, hint: help.hint };
  return { code: 'SCHEMA_PATTERN', summary: `\`${name}\` has an invalid form`, hint: schema?.description };
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  return ((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
}

function fieldName(instancePath: string): string {
  if (instancePath === '') return 'file';
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

function valueAt(data: unknown, instancePath: string): unknown {
  let current: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
