/**
 * GitHub's published OpenAPI description (from `@octokit/openapi`), loaded once per process and
 * indexed by method and path template, with ajv validators for parameters, request bodies and
 * responses. The GitHub double checks every exchange against it, so a client that works against
 * the double sends requests GitHub would accept and relies only on documented response fields.
 */
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Schema = Record<string, unknown>;
type Json = unknown;

interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  template: string;
}

interface IndexedOperation extends Operation {
  pattern: RegExp;
  pathNames: string[];
  literalSegments: number;
  parameters: ParameterSpec[];
  body?: { required: boolean; schema?: Schema };
  responses: Record<string, Schema | undefined>;
}

export interface RouteMatch {
  operation: Operation;
  pathParams: Record<string, string>;
}

const SPEC_ID = 'https://gitgrant.test/github-openapi.json';
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable` needs rewriting (ajv's own support
 * rejects `nullable` without `type`, which GitHub's description uses), and local `$ref`s must point
 * into the one registered document.
 */
function normalise(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalise);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  let nullable = false;
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === 'nullable') nullable = value === true;
    else if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) out.$ref = SPEC_ID + value;
    else if (key === 'properties' || key === 'patternProperties') out[key] = normaliseMap(value);
    else out[key] = normalise(value);
  }
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

/** A map from names to schemas: the names are data (a property may be called `nullable`). */
function normaliseMap(map: Json): Json {
  return Object.fromEntries(Object.entries(map as Schema).map(([name, schema]) => [name, normalise(schema)]));
}

export class GitHubOpenApi {
  private readonly byMethod = new Map<string, IndexedOperation[]>();
  private readonly byId = new Map<string, IndexedOperation>();
  private readonly components: Record<string, Record<string, Json>>;
  /** Bodies and responses: exact JSON types. */
  private readonly strictAjv: Ajv;
  /** Path and query parameters arrive as strings: coerce, as GitHub does. */
  private readonly paramAjv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly normalisedSchemas = new Map<string, Schema>();

  constructor(spec: { paths: Record<string, Record<string, Json>>; components: Record<string, Record<string, Json>> }) {
    this.components = spec.components;
    const schemas = { components: { schemas: normaliseMap(spec.components.schemas) } };
    this.strictAjv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
    this.paramAjv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: 'array' }));
    for (const ajv of [this.strictAjv, this.paramAjv]) ajv.addSchema({ $id: SPEC_ID, ...schemas });

    for (const [template, item] of Object.entries(spec.paths)) {
      const shared = ((item as Schema).parameters as Json[] | undefined) ?? [];
      for (const [method, raw] of Object.entries(item as Schema)) {
        if (method === 'parameters' || !raw || typeof raw !== 'object') continue;
        const op = raw as Schema;
        const pathNames: string[] = [];
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
          pathNames.push(name);
          return '([^/]+)';
        });
        const indexed: IndexedOperation = {
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          pathNames,
          literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
          parameters: [...shared, ...((op.parameters as Json[] | undefined) ?? [])].map((p) => this.deref(p) as ParameterSpec),
          responses: Object.fromEntries(
            Object.entries((op.responses as Record<string, Json>) ?? {}).map(([status, response]) => [
              status,
              ((this.deref(response) as Schema).content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined,
            ]),
          ),
        };
        const body = op.requestBody ? (this.deref(op.requestBody) as Schema) : undefined;
        if (body) {
          const schema = (body.content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined;
          indexed.body = { required: body.required === true, ...(schema ? { schema } : {}) };
        }
        const list = this.byMethod.get(indexed.method) ?? [];
        list.push(indexed);
        this.byMethod.set(indexed.method, list);
        this.byId.set(indexed.operationId, indexed);
      }
    }
    // `/issues/comments/{id}` must win over `/issues/{issue_number}`: prefer more literal segments.
    for (const list of this.byMethod.values()) list.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  private deref(node: Json): Json {
    let current = node as Schema;
    while (current && typeof current.$ref === 'string') {
      const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(current.$ref) ?? [];
      current = this.components[kind!]?.[name!] as Schema;
    }
    return current;
  }

  match(method: string, pathname: string): RouteMatch | undefined {
    for (const op of this.byMethod.get(method.toUpperCase()) ?? []) {
      const m = op.pattern.exec(pathname);
      if (!m) continue;
      const pathParams = Object.fromEntries(op.pathNames.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
      return { operation: op, pathParams };
    }
    return undefined;
  }

  operation(operationId: string): Operation {
    const op = this.byId.get(operationId);
    if (!op) throw new Error(`No GitHub operation ${operationId}`);
    return op;
  }

  private validator(key: string, ajv: Ajv, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = ajv.compile(normalise(schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * Problems with a request: parameters (path, query; unknown query parameters included, since
   * GitHub silently ignores them and a typo would otherwise go unnoticed) and the JSON body.
   * Coerces `query` values in place to their documented types.
   */
  validateRequest(operationId: string, pathParams: Record<string, string>, query: Record<string, Json>, body: Json): string[] {
    const op = this.byId.get(operationId)!;
    const problems: string[] = [];
    for (const where of ['path', 'query'] as const) {
      const specs = op.parameters.filter((p) => p.in === where);
      const schema: Schema = {
        type: 'object',
        properties: Object.fromEntries(specs.map((p) => [p.name, p.schema ?? {}])),
        required: specs.filter((p) => p.required || where === 'path').map((p) => p.name),
        additionalProperties: false,
      };
      const validate = this.validator(`${operationId} ${where}`, this.paramAjv, schema);
      if (!validate(where === 'path' ? { ...pathParams } : query)) problems.push(...describe(`${where} parameters`, validate));
    }
    if (op.body) {
      if (body === undefined) {
        if (op.body.required) problems.push('request body: required by the operation but missing');
      } else if (op.body.schema) {
        const validate = this.validator(`${operationId} body`, this.strictAjv, op.body.schema);
        if (!validate(body)) problems.push(...describe('request body', validate));
      }
    } else if (body !== undefined) {
      problems.push('request body: the operation takes none');
    }
    return problems;
  }

  responseSchema(operationId: string, status: number): Schema | undefined {
    return this.byId.get(operationId)?.responses[String(status)];
  }

  validateResponse(operationId: string, status: number, body: Json): string[] {
    const op = this.byId.get(operationId)!;
    if (!(String(status) in op.responses)) return [`response: status ${status} is not documented for ${operationId}`];
    const schema = op.responses[String(status)];
    if (!schema) return [];
    const validate = this.validator(`${operationId} ${status}`, this.strictAjv, schema);
    return validate(body) ? [] : describe(`response ${status}`, validate);
  }

  /**
   * Completes a partial response object with every property the schema requires, using neutral
   * placeholder values, so the double's handlers state only the fields that matter and the result
   * still has the documented shape. Fields the handler gives are kept (and validated afterwards).
   */
  conform(operationId: string, status: number, partial: Json): Json {
    const schema = this.responseSchema(operationId, status);
    return schema ? this.fill(normalise(schema) as Schema, partial) : partial;
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    while (typeof current.$ref === 'string') {
      const name = current.$ref.slice(`${SPEC_ID}#/components/schemas/`.length);
      let schema = this.normalisedSchemas.get(name);
      if (!schema) {
        schema = normalise(this.components.schemas![name]) as Schema;
        this.normalisedSchemas.set(name, schema);
      }
      current = schema;
    }
    return current;
  }

  private fill(raw: Schema, value: Json): Json {
    const schema = this.resolve(raw);
    const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (branches) {
      const resolved = branches.map((b) => this.resolve(b));
      if (value === null || (value === undefined && resolved.some((b) => b.type === 'null'))) return null;
      // The branch the value was written as: for an object, one that declares every field it has,
      // then the one it misses the fewest required fields of (a `review_dismissed` issue event is not
      // a `labeled` one missing its label).
      const candidates = resolved.filter((b) => b.type !== 'null' && kindFits(b, value));
      const fitting = bestFit(candidates, value) ?? resolved.find((b) => b.type !== 'null')!;
      return this.fill(fitting, value);
    }
    if (schema.allOf) return (schema.allOf as Schema[]).reduce<Json>((acc, part) => this.fill(part, acc), value);
    if (value === undefined) return this.placeholder(schema);
    if (Array.isArray(value) && schema.items) return value.map((item) => this.fill(schema.items as Schema, item));
    if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
      const out: Schema = { ...(value as Schema) };
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, sub] of Object.entries(schema.properties as Record<string, Schema>)) {
        if (name in out) out[name] = this.fill(sub, out[name]);
        else if (required.has(name)) out[name] = this.fill(sub, undefined);
      }
      return out;
    }
    return value;
  }

  private placeholder(schema: Schema): Json {
    if (Array.isArray(schema.enum)) return schema.enum[0];
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type ?? (schema.properties ? 'object' : undefined)) {
      case 'object':
        return this.fill(schema, {});
      case 'array':
        return [];
      case 'integer':
      case 'number':
        return typeof schema.minimum === 'number' ? schema.minimum : 0;
      case 'boolean':
        return false;
      case 'string':
        return PLACEHOLDER_STRINGS[schema.format as string] ?? '';
      default:
        return null;
    }
  }
}

const PLACEHOLDER_STRINGS: Record<string, string> = {
  uri: 'https://github.invalid/placeholder',
  'uri-template': 'https://github.invalid/placeholder{/id}',
  'date-time': '2000-01-01T00:00:00Z',
  date: '2000-01-01',
  email: 'placeholder@example.invalid',
  uuid: '00000000-0000-0000-0000-000000000000',
};

function kindFits(schema: Schema, value: Json): boolean {
  if (value === undefined) return true;
  const types = ([] as unknown[]).concat(schema.type ?? (schema.properties ? 'object' : []));
  if (types.length === 0) return true;
  const kind = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  return types.includes(kind) || (kind === 'integer' && types.includes('number'));
}

/** The first branch with the lowest (undeclared fields, missing required fields) for an object; the first branch otherwise. */
function bestFit(branches: readonly Schema[], value: Json): Schema | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return branches[0];
  const keys = Object.keys(value as Schema);
  const score = (b: Schema) => {
    const declared = (b.properties ?? {}) as Schema;
    const undeclared = b.properties ? keys.filter((k) => !(k in declared)).length : 0;
    const missing = ((b.required as string[] | undefined) ?? []).filter((name) => !(name in (value as Schema))).length;
    return undeclared * 10_000 + missing;
  };
  let best: Schema | undefined;
  let bestScore = Infinity;
  for (const branch of branches) {
    const s = score(branch);
    if (s < bestScore) [best, bestScore] = [branch, s];
  }
  return best;
}

function describe(where: string, validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(root)'} ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

let loaded: GitHubOpenApi | undefined;

/** The description is 13 MB: parsed and indexed once per process, on first use. */
export function gitHubOpenApi(): GitHubOpenApi {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = new GitHubOpenApi(require('@octokit/openapi/generated/api.github.com.json'));
  }
  return loaded;
}
