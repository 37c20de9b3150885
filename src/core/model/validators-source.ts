/**
 * The schemas as standalone validator code (ESM), for the build (dist/model/validators.generated.js)
 * and the single-file bundle. ajv's standalone output still `require()`s a few runtime helpers
 * (formats, ucs2length, equal): the bundler resolves those calls itself, while the file in dist/
 * gets a `require` made with createRequire (`forNode`).
 */
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv } from './ajv-setup.js';
import { FILE_KINDS, schemaId } from './schema-files.js';

export function validatorsSource({ forNode }: { forNode: boolean }): string {
  const ajv = createAjv({ standalone: true });
  const code = (standaloneCode as unknown as (a: typeof ajv, refs: Record<string, string>) => string)(
    ajv,
    Object.fromEntries(FILE_KINDS.map((kind) => [kind, schemaId(kind)])),
  );
  const header = forNode ? "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" : '';
  return header + code.replace(/^"use strict";/, '');
}
