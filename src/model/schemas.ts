/**
 * The JSON Schemas of the three file kinds, compiled once. The same files under schemas/ are what
 * editors use through the `yaml-language-server` comment at the top of every example file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type FileKind = 'grant' | 'role' | 'policy';

const schemaDir = new URL('../../schemas/', import.meta.url);

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

let validators: Record<FileKind, ValidateFunction> | undefined;

function compile(): Record<FileKind, ValidateFunction> {
  // verbose: schema-errors.ts reads each error's parentSchema for "did you mean" and pattern hints.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  // Sections owned by one part of gitgrant (hr, ...) keep their schema in a fragment of their own.
  for (const fragment of readdirSync(new URL('fragments/', schemaDir)).filter((f) => f.endsWith('.json')).sort()) {
    ajv.addSchema(readSchema(`fragments/${fragment}`));
  }
  return {
    grant: ajv.compile(readSchema('grant.schema.json')),
    role: ajv.compile(readSchema('role.schema.json')),
    policy: ajv.compile(readSchema('policy.schema.json')),
  };
}

export function schemaFor(kind: FileKind): Record<string, unknown> {
  return readSchema(`${kind}.schema.json`);
}

export function validateAgainstSchema(kind: FileKind, data: unknown): ErrorObject[] {
  validators ??= compile();
  const validate = validators[kind];
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
