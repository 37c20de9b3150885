/**
 * Where the schema validators come from. `npm run build` writes them as standalone code next to
 * this module in dist/ (validators.generated.js), so a run does not spend its first 150 ms compiling
 * schemas; without that file (tests running from the TypeScript sources) they are compiled here,
 * with the same ajv options. The single-file bundle (scripts/bundle.ts) replaces this whole module
 * with the generated code, so the bundle needs neither ajv's compiler nor the schema files.
 */
import type { ValidateFunction } from 'ajv';
import type { FileKind } from './schema-files.js';

export type Validators = Record<FileKind, ValidateFunction>;

export async function loadValidators(): Promise<Validators> {
  const precompiled = (await import(new URL('./validators.generated.js', import.meta.url).href).catch((error: { code?: string }) => {
    // Absent when running from the TypeScript sources; any other failure is a build bug to surface.
    if (error.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  })) as Validators | undefined;
  if (precompiled) return precompiled;
  // ajv itself is loaded only when there is nothing precompiled: it costs a run ~50 ms to import.
  const [{ createAjv }, { FILE_KINDS, schemaId }] = await Promise.all([import('./ajv-setup.js'), import('./schema-files.js')]);
  const ajv = createAjv();
  return Object.fromEntries(FILE_KINDS.map((kind) => [kind, ajv.getSchema(schemaId(kind))!])) as Validators;
}
