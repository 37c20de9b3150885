/**
 * Parses one YAML file into plain data plus a source map. The main path (fast-yaml.ts) reads the
 * files people write; any other file goes to the reference reader, the `yaml` library
 * (yaml-reference.ts), which refuses the YAML features that make files hard to read or dangerous to
 * load. The reference reader is an input, so a caller that can load it later loads it only when a
 * file needs it (see adapters/fs/load-parallel.ts).
 */
import type { Diagnostic, Position } from '../diagnostics/diagnostic.js';
import { parseFastYaml } from './fast-yaml.js';
import type { SourceMap } from './source-map.js';

/** Larger than any sane access file; protects the loader from a file built to exhaust it. */
export const MAX_FILE_BYTES = 64 * 1024;

export interface ParsedYaml {
  data: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
}

/** Reads a file the main path declines: `parseYamlText` of yaml-reference.ts. */
export type ReferenceReader = (file: string, text: string) => ParsedYaml;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file that cannot be read as one YAML mapping: one diagnostic, no data. */
export function failure(file: string, code: string, summary: string, hint?: string, start: Position = { line: 1, col: 1 }): ParsedYaml {
  return { data: undefined, source: { file, nodes: {} }, diagnostics: [{ severity: 'error', code, summary, hint, file, start, end: start }] };
}

export function parseYamlFile(file: string, bytes: Uint8Array, reference: ReferenceReader): ParsedYaml {
  const fail = (code: string, summary: string, hint?: string) => failure(file, code, summary, hint);

  if (bytes.byteLength > MAX_FILE_BYTES) {
    return fail('FILE_TOO_LARGE', `file is ${bytes.byteLength} bytes; the limit is ${MAX_FILE_BYTES}`, 'split it, or remove what does not belong in an access file');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('FILE_NOT_TEXT', 'file is not UTF-8 text', 'save it as UTF-8 YAML');
  }
  if (text.includes('\u0000')) return fail('FILE_NOT_TEXT', 'file contains a NUL byte', 'save it as UTF-8 YAML');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // The main path reads the data only; where a finding needs a place, the positions are recovered
  // then (and only then) by the same reader, as the library would give them (property-tested).
  const data = parseFastYaml(text);
  if (data) return { data, source: positionsOnDemand(file, text), diagnostics: [] };
  return reference(file, text);
}

function positionsOnDemand(file: string, text: string): SourceMap {
  let nodes: SourceMap['nodes'] | undefined;
  return {
    file,
    get nodes() {
      if (nodes) return nodes;
      const recovered: SourceMap['nodes'] = {};
      // The same walk as the data's, so it cannot decline a file whose data it read.
      if (!parseFastYaml(text, recovered)) throw new Error(`${file}: the main YAML reader read the data but not the positions`);
      return (nodes = recovered);
    },
  };
}
