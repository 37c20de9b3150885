/**
 * A fast path for the common case of a flat access file: one mapping of `key: value` lines, each
 * value a plain or quoted scalar on its own line, with comments and blank lines. Grant files
 * are written that way (by people, by `new-grant`, by the automation), and a repository holds
 * thousands of them, so this path keeps `validate` fast.
 *
 * It is deliberately narrow: anything it does not fully understand (indentation, flow or block
 * collections, escapes in double quotes, anchors, tags, directives, document markers, tabs, duplicate keys,
 * scalars the YAML 1.2 core schema would read as numbers or null) makes it return `undefined`, and
 * the caller uses the `yaml` library, which stays the reference. A property test checks that both
 * give the same data and the same source map wherever this path answers.
 */
import type { Position } from '../diagnostics/diagnostic.js';
import { pointer, type SourceMap } from './source-map.js';

export interface FlatParse {
  data: Record<string, string | boolean>;
  nodes: SourceMap['nodes'];
}

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
const PLAIN_VALUE = /^[^\s\-?:,[\]{}#&*!|>'"%@`](?:[^:\s]|:(?=\S)|[ \t]+(?![ \t]*(?:#|$)))*/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'/;
/** Double quotes without escapes: the text between them is the value. */
const DOUBLE_QUOTED = /^"([^"\\]*)"/;
/** What may follow a value, or fill a line: nothing, or spaces and a comment. */
const TRAILER = /^(?:[ ]+(?:#.*)?)?$/;
const COMMENT_LINE = /^#/;
/** Plain scalars the YAML 1.2 core schema reads as something other than a string. */
const NOT_A_STRING = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL)$/;
const BOOLEANS = new Map<string, boolean>([['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false]]);

export function parseFlatMapping(text: string): FlatParse | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const data: Record<string, string | boolean> = {};
  // The root first, as the library records it, so both paths give the same table.
  const nodes: SourceMap['nodes'] = { '': { value: { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } } } };
  const lines = text.split('\n');
  let line = 0;
  let first: Position | undefined;
  let last = 0;
  for (const raw of lines) {
    line += 1;
    // An indented comment may belong to the mapping or not, depending on what surrounds it.
    if (/^ +#/.test(raw)) return undefined;
    if (TRAILER.test(raw) || COMMENT_LINE.test(raw)) continue;
    const key = KEY.exec(raw);
    if (!key) return undefined;
    const name = key[1]!;
    // `__proto__` would set the object's prototype instead of a key: left to the library.
    if (name === '__proto__' || Object.prototype.hasOwnProperty.call(data, name)) return undefined;
    const valueCol = key[0].length;
    const rest = raw.slice(valueCol);
    let value: string | boolean;
    let length: number;
    const single = SINGLE_QUOTED.exec(rest);
    const double = single ? null : DOUBLE_QUOTED.exec(rest);
    if (single) {
      value = single[1]!.replace(/''/g, "'");
      length = single[0].length;
    } else if (double) {
      value = double[1]!;
      length = double[0].length;
    } else {
      const plain = PLAIN_VALUE.exec(rest);
      // An empty value is null in YAML: left to the library.
      if (!plain) return undefined;
      const scalar = plain[0];
      if (NOT_A_STRING.test(scalar)) return undefined;
      value = BOOLEANS.get(scalar) ?? scalar;
      length = scalar.length;
    }
    if (!TRAILER.test(rest.slice(length))) return undefined;
    data[name] = value;
    first ??= { line, col: 1 };
    last = line;
    nodes[pointer([name])] = {
      key: { start: { line, col: 1 }, end: { line, col: name.length + 1 } },
      value: { start: { line, col: valueCol + 1 }, end: { line, col: valueCol + length + 1 } },
    };
  }
  if (!first) return undefined;
  // The library ends the root mapping after its last line's newline (at the end of the text when
  // the file has no final newline); blank lines and comments after it are outside.
  const end = last < lines.length ? { line: last + 1, col: 1 } : { line: last, col: lines[last - 1]!.length + 1 };
  nodes[''] = { value: { start: first, end } };
  return { data, nodes };
}
