/**
 * Where each node of a YAML file was written. It is a plain table keyed by JSON pointer (the same
 * form as ajv's `instancePath`), so schema errors and semantic rules find the same line, and so
 * it can cross a worker-thread boundary.
 */
import type { Position } from '../diagnostics/diagnostic.js';

export interface Span {
  start: Position;
  end: Position;
}

export interface NodeSpans {
  /** The key of the pair holding this node, when the node is a map value. */
  key?: Span;
  value: Span;
}

export interface SourceMap {
  file: string;
  /** JSON pointer (`''` for the root, `/targets/0/gcp`) → spans. */
  nodes: Record<string, NodeSpans>;
}

export type Part = 'key' | 'value';

export function pointer(path: readonly (string | number)[]): string {
  return path.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * The span of the node at `ptr`; if that node does not exist (a missing key), the nearest
 * ancestor that does, so a diagnostic always has a place.
 */
export function locate(source: SourceMap, ptr: string, part: Part = 'value'): Span {
  let current = ptr;
  for (;;) {
    const spans = source.nodes[current];
    if (spans) return (part === 'key' && spans.key) || spans.value;
    if (current === '') return { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

export function emptySourceMap(file: string): SourceMap {
  return { file, nodes: {} };
}
