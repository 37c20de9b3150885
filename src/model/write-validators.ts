/** Build step: writes the schemas as standalone validator code next to this module in dist/. */
import { writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv } from './ajv-setup.js';
import { FILE_KINDS, schemaId } from './schema-files.js';

const ajv = createAjv({ standalone: true });
const code = (standaloneCode as unknown as (a: typeof ajv, refs: Record<string, string>) => string)(
  ajv,
  Object.fromEntries(FILE_KINDS.map((kind) => [kind, schemaId(kind)])),
);
// ajv's standalone ESM output still require()s its runtime helpers (formats, ucs2length).
const header = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n";
writeFileSync(new URL('./validators.generated.js', import.meta.url), header + code.replace(/^"use strict";/, ''));
