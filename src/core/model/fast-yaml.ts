/**
 * The main path for reading an access file: the data of a deliberately small subset of YAML, with
 * no position bookkeeping. Positions are recovered only when a finding needs one (see yaml-file.ts),
 * by reading the same text again with `spans`: the same walk, recording where each node was written
 * exactly as the `yaml` library's source map has it (property-tested), so a file this reader takes
 * never needs the library at all.
 *
 * The subset is what access files are written in: block mappings and block sequences indented with
 * spaces; single-line flow sequences and mappings (`[a, b]`, `{ k: v }`); plain, single-quoted and
 * escape-free double-quoted scalars on one line; `true`/`false` and small decimal integers; comments
 * and blank lines. Anything else — multi-line scalars, block scalars, escapes, anchors, aliases, tags,
 * directives, document markers, complex or quoted keys, null values, floats, duplicate keys,
 * `__proto__`, tabs, control characters, sequences not indented under their key, comment lines
 * indented otherwise than the line after them — makes it return
 * `undefined`, and the caller uses the `yaml` library, which stays the reference. Property tests
 * (test/unit/model/fast-yaml.test.ts) check that wherever it answers, the library reads the same
 * data and finds no problem.
 */

import type { Position } from '../diagnostics/diagnostic.js';
import { pointer, type NodeSpans, type SourceMap, type Span } from './source-map.js';

export type FastValue = string | number | boolean | FastValue[] | { [key: string]: FastValue };
type Mapping = { [key: string]: FastValue };

interface Line {
  indent: number;
  text: string;
  /** 1-based line number in the file. */
  number: number;
}

/** Characters the subset never contains; the library decides what they mean. */
const UNSUPPORTED = /[\t\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00A0\u1680\u2000-\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF\uFFFE\uFFFF]/;
const SKIPPED_LINE = /^ *(?:#.*)?$/;
/** A block mapping key: plain, on one line, followed by `:` and a space or the end of the line. */
const BLOCK_KEY = /^([A-Za-z0-9_][A-Za-z0-9_.@+-]*):(?: +|$)/;
const FLOW_KEY = /[A-Za-z0-9_][A-Za-z0-9_.@+-]*/y;
const BLOCK_PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`](?:[^:\s]|:(?=\S)|[ ]+(?![ ]*(?:#|$)))*/;
const FLOW_PLAIN = /[A-Za-z0-9_/](?:[A-Za-z0-9_./@+=~$()-]| +(?=[A-Za-z0-9_./@+=~$()-]))*/y;
const TRAILER = /^(?: +(?:#.*)?)?$/;
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** Plain scalars the YAML 1.2 core schema reads as something other than a string or a small integer. */
const NOT_A_STRING = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL)$/;
const BOOLEANS = new Map<string, boolean>([['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false]]);
/** The library refuses implicit keys longer than this; such files are left to it. */
const MAX_KEY = 1000;
const MAX_DEPTH = 40;

class Unsupported extends Error {}
const UNSUPPORTED_ERROR = new Unsupported();
function fail(): never {
  throw UNSUPPORTED_ERROR;
}

/**
 * The file's data, or `undefined` for anything outside the subset. With `spans`, also fills it with
 * each node's key and value spans, keyed by JSON pointer in the library's order (a parent before its
 * children); whenever the data is read, the spans are too.
 */
export function parseFastYaml(text: string, spans?: SourceMap['nodes']): Mapping | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  const lines: Line[] = [];
  const raws = text.split('\n');
  // Indented comment lines waiting for the line they describe.
  let commentIndent: number | undefined;
  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index]!;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (SKIPPED_LINE.test(raw)) {
      // A comment indented otherwise than the next content line may belong to a block that ends
      // before it, where the library's positions depend on it: such files are left to the library.
      if (raw.charCodeAt(indent) === 35 /* # */ && indent > 0) {
        if (commentIndent !== undefined && commentIndent !== indent) return undefined;
        commentIndent = indent;
      }
      continue;
    }
    if (commentIndent !== undefined && commentIndent !== indent) return undefined;
    commentIndent = undefined;
    lines.push({ indent, text: raw.slice(indent), number: index + 1 });
  }
  if (commentIndent !== undefined) return undefined;
  if (lines.length === 0 || lines[0]!.indent !== 0 || isSequenceItem(lines[0]!.text)) return undefined;
  const reader = new Reader(lines, spans && new Recorder(spans, raws));
  try {
    const root = reader.block(0, 0, '');
    if (reader.next < lines.length) return undefined;
    return root as Mapping;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function isSequenceItem(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && (text.length === 1 || text.charCodeAt(1) === 32);
}

function checkedKey(key: string, into: Mapping): string {
  if (key.length > MAX_KEY || key === '__proto__' || BOOLEANS.has(key) || NOT_A_STRING.test(key) || Object.prototype.hasOwnProperty.call(into, key)) fail();
  return key;
}

function scalar(plain: string): FastValue {
  const boolean = BOOLEANS.get(plain);
  if (boolean !== undefined) return boolean;
  if (INTEGER.test(plain)) return Number(plain);
  if (NOT_A_STRING.test(plain)) fail();
  return plain;
}

/**
 * Where nodes were written, as the library's source map has them: a scalar or flow collection spans
 * its text; a block collection runs from its first character to just after its last content line
 * (the line's newline included, or the end of the file), so comments and blank lines after it are
 * outside. (The library would count an indented comment after a block's last line as part of some
 * of the blocks that end there; the reader leaves those files to it, see `parseFastYaml`.)
 */
class Recorder {
  constructor(
    readonly spans: SourceMap['nodes'],
    private readonly raws: string[],
  ) {}

  /** Records `ptr` now, so a parent comes before its children; `end` is filled in by `close`. */
  open(ptr: string, key: Span | undefined, line: number, col: number): NodeSpans {
    const entry: NodeSpans = { key, value: { start: { line, col }, end: { line, col } } };
    this.spans[ptr] = entry;
    return entry;
  }

  inline(ptr: string, key: Span | undefined, line: number, col: number, length: number): void {
    this.spans[ptr] = { key, value: span(line, col, length) };
  }

  /** Ends a block collection whose last content line is `line`. */
  close(entry: NodeSpans, line: number): void {
    entry.value.end = line < this.raws.length ? { line: line + 1, col: 1 } : { line, col: this.raws[line - 1]!.length + 1 };
  }
}

function span(line: number, col: number, length: number): Span {
  const start: Position = { line, col };
  return { start, end: { line, col: col + length } };
}

class Reader {
  next = 0;
  constructor(
    private readonly lines: Line[],
    private readonly recorder: Recorder | undefined,
  ) {}

  /** The block node whose first line is the next one, at exactly `indent`. */
  block(indent: number, depth: number, ptr: string, key?: Span): FastValue {
    if (depth > MAX_DEPTH) fail();
    const line = this.lines[this.next]!;
    if (line.indent !== indent) fail();
    const entry = this.recorder?.open(ptr, key, line.number, indent + 1);
    const value = isSequenceItem(line.text) ? this.sequence(indent, depth, ptr) : this.mapping(indent, depth, ptr);
    if (entry) this.recorder!.close(entry, this.lines[this.next - 1]!.number);
    return value;
  }

  private mapping(indent: number, depth: number, ptr: string): Mapping {
    const result: Mapping = {};
    while (this.next < this.lines.length && this.lines[this.next]!.indent === indent) {
      const { text, number } = this.lines[this.next]!;
      const key = BLOCK_KEY.exec(text);
      if (!key) fail();
      const name = checkedKey(key[1]!, result);
      const rest = text.slice(key[0].length);
      const childPtr = this.recorder && ptr + pointer([name]);
      const keySpan = this.recorder && span(number, indent + 1, name.length);
      this.next++;
      if (rest === '' || rest.charCodeAt(0) === 35 /* # */) {
        // The value is the block on the following, more indented lines (else it is null: not ours).
        const child = this.lines[this.next];
        if (!child || child.indent <= indent) fail();
        result[name] = this.block(child.indent, depth + 1, childPtr!, keySpan);
      } else {
        result[name] = inline(rest, depth, this.recorder && { ptr: childPtr!, key: keySpan, line: number, col: indent + key[0].length + 1, recorder: this.recorder });
        this.afterInline(indent);
      }
    }
    if (this.next < this.lines.length && this.lines[this.next]!.indent > indent) fail();
    return result;
  }

  private sequence(indent: number, depth: number, ptr: string): FastValue[] {
    const result: FastValue[] = [];
    while (this.next < this.lines.length && this.lines[this.next]!.indent === indent && isSequenceItem(this.lines[this.next]!.text)) {
      const { text, number } = this.lines[this.next]!;
      let column = 1;
      while (text.charCodeAt(column) === 32) column++;
      const rest = text.slice(column);
      if (rest === '' || rest.charCodeAt(0) === 35 /* # */) fail();
      const itemPtr = this.recorder && ptr + pointer([result.length]);
      if (BLOCK_KEY.test(rest) || isSequenceItem(rest)) {
        // `- key: value` opens a mapping whose keys line up with `key`; `- - a`, a nested sequence.
        this.lines[this.next] = { indent: indent + column, text: rest, number };
        result.push(this.block(indent + column, depth + 1, itemPtr!));
      } else {
        this.next++;
        result.push(inline(rest, depth, this.recorder && { ptr: itemPtr!, key: undefined, line: number, col: indent + column + 1, recorder: this.recorder }));
        this.afterInline(indent);
      }
    }
    if (this.next < this.lines.length && this.lines[this.next]!.indent >= indent) fail();
    return result;
  }

  /** A value written on its key's line ends there: a more indented next line would continue it. */
  private afterInline(indent: number): void {
    const following = this.lines[this.next];
    if (following && following.indent > indent) fail();
  }
}

/** Where an inline value starts, for recording its span and its children's. */
interface At {
  ptr: string;
  key: Span | undefined;
  line: number;
  /** The 1-based column of the value's first character. */
  col: number;
  recorder: Recorder;
}

/** A value on the rest of a line: a flow collection, a quoted or a plain scalar, then maybe a comment. */
function inline(rest: string, depth: number, at?: At): FastValue {
  const first = rest.charCodeAt(0);
  let value: FastValue;
  let end: number;
  if (first === 91 /* [ */ || first === 123 /* { */) {
    const entry = at?.recorder.open(at.ptr, at.key, at.line, at.col);
    [value, end] = flow(rest, 0, depth + 1, at && { ...at, col: at.col });
    if (entry) entry.value.end = { line: at!.line, col: at!.col + end };
  } else if (first === 39 /* ' */ || first === 34 /* " */) {
    [value, end] = quoted(rest, 0);
  } else {
    const plain = BLOCK_PLAIN.exec(rest);
    if (!plain) fail();
    value = scalar(plain[0]);
    end = plain[0].length;
  }
  if (end < rest.length && !TRAILER.test(rest.slice(end))) fail();
  if (at && first !== 91 && first !== 123) at.recorder.inline(at.ptr, at.key, at.line, at.col, end);
  return value;
}

function quoted(text: string, start: number): [string, number] {
  if (text.charCodeAt(start) === 34 /* " */) {
    const close = text.indexOf('"', start + 1);
    if (close < 0) fail();
    const value = text.slice(start + 1, close);
    if (value.includes('\\')) fail();
    return [value, close + 1];
  }
  let value = '';
  let at = start + 1;
  for (;;) {
    const close = text.indexOf("'", at);
    if (close < 0) fail();
    value += text.slice(at, close);
    if (text.charCodeAt(close + 1) === 39) {
      value += "'";
      at = close + 2;
    } else return [value, close + 1];
  }
}

function skipSpaces(text: string, at: number): number {
  while (text.charCodeAt(at) === 32) at++;
  return at;
}

/**
 * A flow sequence or mapping that opens at `start` and closes on the same line. With `at` (where
 * `text` begins in the file, and the collection's own pointer), its elements' spans are recorded.
 */
function flow(text: string, start: number, depth: number, at?: At): [FastValue, number] {
  if (depth > MAX_DEPTH) fail();
  const isSequence = text.charCodeAt(start) === 91;
  const close = isSequence ? 93 /* ] */ : 125; /* } */
  const sequence: FastValue[] = [];
  const mapping: Mapping = {};
  // `text` index → the file's 1-based column.
  const column = (index: number) => at!.col - start + index;
  let cursor = skipSpaces(text, start + 1);
  if (text.charCodeAt(cursor) === close) return [isSequence ? sequence : mapping, cursor + 1];
  for (;;) {
    let key = '';
    let keySpan: Span | undefined;
    if (!isSequence) {
      FLOW_KEY.lastIndex = cursor;
      const match = FLOW_KEY.exec(text);
      if (!match) fail();
      key = checkedKey(match[0], mapping);
      if (at) keySpan = span(at.line, column(cursor), key.length);
      cursor += match[0].length;
      // `key: value`, with the space YAML needs after the colon.
      if (text.charCodeAt(cursor) !== 58 || text.charCodeAt(cursor + 1) !== 32) fail();
      cursor = skipSpaces(text, cursor + 1);
    }
    const childPtr = at && at.ptr + pointer([isSequence ? sequence.length : key]);
    const valueStart = cursor;
    const entry = at?.recorder.open(childPtr!, keySpan, at.line, column(cursor));
    let value: FastValue;
    const first = text.charCodeAt(cursor);
    if (first === 91 || first === 123) [value, cursor] = flow(text, cursor, depth + 1, at && { ...at, ptr: childPtr!, col: column(cursor) });
    else if (first === 39 || first === 34) [value, cursor] = quoted(text, cursor);
    else {
      FLOW_PLAIN.lastIndex = cursor;
      const plain = FLOW_PLAIN.exec(text);
      if (!plain) fail();
      value = scalar(plain[0]);
      cursor += plain[0].length;
    }
    if (entry) entry.value.end = { line: at!.line, col: column(valueStart) + cursor - valueStart };
    if (isSequence) sequence.push(value);
    else mapping[key] = value;
    cursor = skipSpaces(text, cursor);
    const next = text.charCodeAt(cursor);
    if (next === close) return [isSequence ? sequence : mapping, cursor + 1];
    if (next !== 44 /* , */) fail();
    cursor = skipSpaces(text, cursor + 1);
    // A trailing comma is valid YAML, but not needed: left to the library.
    if (text.charCodeAt(cursor) === close) fail();
  }
}
