/**
 * The JSON Schemas of the three file kinds. The same files under schemas/ are what editors use
 * through the `yaml-language-server` comment at the top of every example file.
 *
 * `npm run build` also compiles them to standalone validator code (dist/model/validators.generated.js),
 * so a run does not spend its first 150 ms compiling schemas; without that file (tests running
 * from the TypeScript sources) they are compiled here, with the same ajv options.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FILE_KINDS, schemaId, type FileKind } from './schema-files.js';

export { schemaFor, type FileKind } from './schema-files.js';

type Validators = Record<FileKind, ValidateFunction>;

const precompiled = (await import(new URL('./validators.generated.js', import.meta.url).href).catch((error: { code?: string }) => {
  // Absent when running from the TypeScript sources; any other failure is a build bug to surface.
  if (error.code === 'ERR_MODULE_NOT_FOUND') return undefined;
  throw error;
})) as Validators | undefined;
// ajv itself is loaded only when there is nothing precompiled: it costs a run ~50 ms to import.
const validators: Validators = precompiled ?? compile(await import('./ajv-setup.js'));

function compile(setup: typeof import('./ajv-setup.js')): Validators {
  const ajv = setup.createAjv();
  return Object.fromEntries(FILE_KINDS.map((kind) => [kind, ajv.getSchema(schemaId(kind))!])) as Validators;
}

export function validateAgainstSchema(kind: FileKind, data: unknown): ErrorObject[] {
  const validate = validators[kind];
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
