/**
 * The JSON Schemas of the three file kinds. The same files under schemas/ are what editors use
 * through the `yaml-language-server` comment at the top of every example file. The validators
 * are precompiled by the build (see validators.ts).
 */
import type { ErrorObject } from 'ajv';
import type { FileKind } from './schema-files.js';
import { loadValidators } from './validators.js';

export type { FileKind } from './schema-files.js';

const validators = await loadValidators();

export function validateAgainstSchema(kind: FileKind, data: unknown): ErrorObject[] {
  const validate = validators[kind];
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
