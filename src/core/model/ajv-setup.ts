/**
 * The ajv set-up shared by run-time compilation and the build step that writes standalone
 * validators: the same options, schemas and fragments in both.
 */
import { readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FILE_KINDS, readSchema, schemaDir } from './schema-files.js';

/** The ajv instance every validator comes from, with all schemas and fragments added. */
export function createAjv(options: { standalone?: boolean } = {}): Ajv2020 {
  // verbose: schema-errors.ts reads each error's parentSchema for "did you mean" and pattern hints.
  const ajv = new Ajv2020({
    allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true,
    ...(options.standalone ? { code: { source: true, esm: true } } : {}),
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  // Sections owned by one part of gitgrant (hr, ...) keep their schema in a fragment of their own.
  for (const fragment of readdirSync(new URL('fragments/', schemaDir)).filter((f) => f.endsWith('.json')).sort()) {
    ajv.addSchema(readSchema(`fragments/${fragment}`));
  }
  for (const kind of FILE_KINDS) ajv.addSchema(readSchema(`${kind}.schema.json`));
  return ajv;
}
