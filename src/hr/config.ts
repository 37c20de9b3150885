/**
 * The policy's `hr` section: where HR data comes from and what to do on each HR finding. The
 * JSON Schema fragment below is also written to schemas/fragments/hr.schema.json, which is merged
 * into the policy schema; a unit test keeps the two equal.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { validateHrSection } from '../model/schemas.js';
import { locate, type SourceMap } from '../model/source-map.js';

export type HrAction = 'revoke' | 'report';

/** What `validate`, `new-grant`, `request` and the gate do with a grant for someone HR marks as gone or does not know. */
export type HrAtRequest = 'refuse' | 'warn';

/** The fields a CSV source maps from its own column names. */
export const HR_COLUMNS = ['email', 'active', 'status', 'department', 'title', 'manager', 'employeeNumber'] as const;
export type HrColumn = (typeof HR_COLUMNS)[number];

interface SourceCommon {
  /** A short name for diagnostics and merge warnings; defaults to the path or URL. */
  name?: string;
}

export interface JsonSourceConfig extends SourceCommon {
  kind: 'json';
  /** Repo-relative path. */
  path: string;
}

export interface CsvSourceConfig extends SourceCommon {
  kind: 'csv';
  path: string;
  /** Column header for each field, when it is not the field's own name. */
  columns?: Partial<Record<HrColumn, string>>;
}

export interface ScimSourceConfig extends SourceCommon {
  kind: 'scim';
  /** Base URL of the SCIM 2.0 service, e.g. `https://scim.example.com/scim/v2`. */
  url: string;
  /** The environment variable holding the bearer token: tokens never live in the repo. */
  tokenEnv: string;
  pageSize?: number;
  timeoutSeconds?: number;
}

export type HrSourceConfig = JsonSourceConfig | CsvSourceConfig | ScimSourceConfig;

export interface HrConfig {
  sources: HrSourceConfig[];
  onTerminated: HrAction;
  onIneligible: HrAction;
  onApproverLeft: HrAction;
  atRequest: HrAtRequest;
}

/** Defaults: a leaver loses access at once; softer findings go to people first. */
export const DEFAULT_HR_CONFIG: HrConfig = {
  sources: [],
  onTerminated: 'revoke',
  onIneligible: 'report',
  onApproverLeft: 'report',
  atRequest: 'refuse',
};

/**
 * The token a SCIM source sends goes to the source's url, and the policy names both. Were any
 * variable allowed, a policy change could send AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN or the GCP
 * access token (GITGRANT_GCP_TOKEN) to a server of its choosing; only variables made for SCIM
 * tokens can be named, and the token only travels encrypted (plain http to loopback, for tests).
 */
export const SCIM_TOKEN_ENV_PATTERN = '^GITGRANT_SCIM_[A-Z0-9_]+$';
export const SCIM_URL_PATTERN = '^(https://|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]+)?(/|$))';

const action = { enum: ['revoke', 'report'] };
const name = { type: 'string', minLength: 1, description: 'Short name used in diagnostics.' };
const repoPath = { type: 'string', minLength: 1, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$', description: 'Repo-relative path.' };

export const hrSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://gitgrant.dev/schemas/fragments/hr.schema.json',
  title: 'hr',
  description: 'HR sources and what to do on each HR finding.',
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      type: 'array',
      description: 'Read in order and merged by email: later sources fill gaps; disagreements are warned about.',
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['json', 'csv', 'scim'] } },
        // if/then rather than oneOf, so a mistake is reported against the kind the author meant.
        allOf: [
          {
            if: { properties: { kind: { const: 'json' } } },
            then: { additionalProperties: false, required: ['path'], properties: { kind: true, path: repoPath, name } },
          },
          {
            if: { properties: { kind: { const: 'csv' } } },
            then: {
              additionalProperties: false,
              required: ['path'],
              properties: {
                kind: true,
                path: repoPath,
                name,
                columns: {
                  type: 'object',
                  additionalProperties: false,
                  description: 'Column header for each field, when it is not the field name itself.',
                  properties: Object.fromEntries(HR_COLUMNS.map((column) => [column, { type: 'string', minLength: 1 }])),
                },
              },
            },
          },
          {
            if: { properties: { kind: { const: 'scim' } } },
            then: {
              additionalProperties: false,
              required: ['url', 'tokenEnv'],
              properties: {
                kind: true,
                url: { type: 'string', pattern: SCIM_URL_PATTERN, description: 'Base URL of the SCIM service: https:// (plain http:// only to localhost, for tests), so the token never travels in clear text.' },
                tokenEnv: { type: 'string', pattern: SCIM_TOKEN_ENV_PATTERN, description: 'Environment variable holding the bearer token, named GITGRANT_SCIM_<NAME> (e.g. GITGRANT_SCIM_TOKEN): no other variable is ever sent to an HR service.' },
                pageSize: { type: 'integer', minimum: 1, maximum: 1000 },
                timeoutSeconds: { type: 'integer', minimum: 1, maximum: 600 },
                name,
              },
            },
          },
        ],
      },
    },
    onTerminated: { ...action, description: 'A grantee HR lists as terminated or inactive, or does not list at all.' },
    onIneligible: { ...action, description: "A grantee who no longer matches the role's `eligible` attributes." },
    onApproverLeft: { ...action, description: 'An approver of an active grant has left.' },
    atRequest: {
      enum: ['refuse', 'warn'],
      description: 'A grant requested for someone HR marks as gone or does not know: refuse it (the default) or only warn.',
    },
  },
} as const;

function describe(error: ErrorObject): string {
  const where = error.instancePath ? `hr${error.instancePath.replace(/\//g, '.')}` : 'hr';
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/tokenEnv')) return `${where} must name a variable starting GITGRANT_SCIM_, not ${String(error.data)}`;
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/url')) return `${where} must be an https:// URL (http:// only to localhost or 127.0.0.1), not ${String(error.data)}`;
  if (error.keyword === 'additionalProperties') return `${where} has an unknown key \`${String(error.params.additionalProperty)}\``;
  if (error.keyword === 'enum') return `${where} must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

function hintFor(error: ErrorObject): string {
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/tokenEnv')) {
    return 'name the SCIM token variable GITGRANT_SCIM_<NAME> (e.g. GITGRANT_SCIM_TOKEN): only those are ever sent to an HR service';
  }
  if (error.keyword === 'pattern' && error.instancePath.endsWith('/url')) return 'the bearer token must not travel in clear text: use the service\'s https:// address';
  return 'see schemas/fragments/hr.schema.json for the keys the hr section takes';
}

/**
 * Reads the raw `hr` section (absent means "no HR sources", with the default actions). `source`
 * is the policy file's source map, so problems point at the line that caused them.
 */
export function readHrConfig(raw: unknown, source?: SourceMap): { value: HrConfig; diagnostics: Diagnostic[] } {
  if (raw === undefined) return { value: DEFAULT_HR_CONFIG, diagnostics: [] };
  // schemas/fragments/hr.schema.json (kept equal to hrSchema by a test), precompiled by the build.
  const validate = validateHrSection;
  if (!validate(raw)) {
    // ajv reports the `if` wrapper beside the real cause; keep only the causes.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    const diagnostics = errors.map((error): Diagnostic => {
      const span = source ? locate(source, `/hr${error.instancePath}`) : undefined;
      return {
        severity: 'error',
        code: 'HR_CONFIG_INVALID',
        summary: describe(error),
        hint: hintFor(error),
        ...(source && span ? { file: source.file, start: span.start, end: span.end } : {}),
      };
    });
    return { value: DEFAULT_HR_CONFIG, diagnostics };
  }
  return { value: { ...DEFAULT_HR_CONFIG, ...(raw as Partial<HrConfig>) }, diagnostics: [] };
}

/** The name a source goes by in diagnostics and merge warnings. */
export function sourceName(config: HrSourceConfig): string {
  if (config.name) return config.name;
  return config.kind === 'scim' ? `scim:${config.url}` : config.path;
}
