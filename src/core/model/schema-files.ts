/** The schema files under schemas/ and their ids: what both ajv set-ups and editors read. */
import { readFileSync } from 'node:fs';

export type FileKind = 'grant' | 'role' | 'policy';

export const FILE_KINDS: readonly FileKind[] = ['grant', 'role', 'policy'];

export const schemaDir = new URL('../../../schemas/', import.meta.url);

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

export function schemaId(kind: FileKind): string {
  return `https://gitgrant.dev/schemas/${kind}.schema.json`;
}

export function schemaFor(kind: FileKind): Record<string, unknown> {
  return readSchema(`${kind}.schema.json`);
}
