/**
 * The main path for reading an access file: the data of a deliberately small subset of YAML, with
 * no position bookkeeping. Positions are recovered only when a finding needs one (see yaml-file.ts):
 * from the flat path (flat-yaml.ts) or the `yaml` library, both of which agree with this reader.
 *
 * The subset is what access files are written in: block mappings and block sequences indented with
 * spaces; single-line flow sequences and mappings (`[a, b]`, `{ k: v }`); plain, single-quoted and
 * escape-free double-quoted scalars on one line; `true`/`false` and small decimal integers; comments
 * and blank lines. Anything else — multi-line scalars, block scalars, escapes, anchors, aliases, tags,
 * directives, document markers, complex or quoted keys, null values, floats, duplicate keys,
 * `__proto__`, tabs, control characters, sequences not indented under their key — makes it return
 * `undefined`, and the caller uses the `yaml` library, which stays the reference. Property tests
 * (test/unit/model/fast-yaml.test.ts) check that wherever it answers, the library reads the same
 * data and finds no problem.
 */

export type FastValue = string | number | boolean | FastValue[] | { [key: string]: FastValue };
type Mapping = { [key: string]: FastValue };

interface Line {
  indent: number;
  text: string;
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

export function parseFastYaml(text: string): Mapping | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (SKIPPED_LINE.test(raw)) continue;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    lines.push({ indent, text: raw.slice(indent) });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0 || isSequenceItem(lines[0]!.text)) return undefined;
  const reader = new Reader(lines);
  try {
    const root = reader.block(0, 0);
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

class Reader {
  next = 0;
  constructor(private readonly lines: Line[]) {}

  /** The block node whose first line is the next one, at exactly `indent`. */
  block(indent: number, depth: number): FastValue {
    if (depth > MAX_DEPTH) fail();
    const line = this.lines[this.next]!;
    if (line.indent !== indent) fail();
    return isSequenceItem(line.text) ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Mapping {
    const result: Mapping = {};
    while (this.next < this.lines.length && this.lines[this.next]!.indent === indent) {
      const { text } = this.lines[this.next]!;
      const key = BLOCK_KEY.exec(text);
      if (!key) fail();
      const name = checkedKey(key[1]!, result);
      const rest = text.slice(key[0].length);
      this.next++;
      if (rest === '' || rest.charCodeAt(0) === 35 /* # */) {
        // The value is the block on the following, more indented lines (else it is null: not ours).
        const child = this.lines[this.next];
        if (!child || child.indent <= indent) fail();
        result[name] = this.block(child.indent, depth + 1);
      } else {
        result[name] = inline(rest, depth);
        this.afterInline(indent);
      }
    }
    if (this.next < this.lines.length && this.lines[this.next]!.indent > indent) fail();
    return result;
  }

  private sequence(indent: number, depth: number): FastValue[] {
    const result: FastValue[] = [];
    while (this.next < this.lines.length && this.lines[this.next]!.indent === indent && isSequenceItem(this.lines[this.next]!.text)) {
      const { text } = this.lines[this.next]!;
      let column = 1;
      while (text.charCodeAt(column) === 32) column++;
      const rest = text.slice(column);
      if (rest === '' || rest.charCodeAt(0) === 35 /* # */) fail();
      if (BLOCK_KEY.test(rest) || isSequenceItem(rest)) {
        // `- key: value` opens a mapping whose keys line up with `key`; `- - a`, a nested sequence.
        this.lines[this.next] = { indent: indent + column, text: rest };
        result.push(this.block(indent + column, depth + 1));
      } else {
        this.next++;
        result.push(inline(rest, depth));
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

/** A value on the rest of a line: a flow collection, a quoted or a plain scalar, then maybe a comment. */
function inline(rest: string, depth: number): FastValue {
  const first = rest.charCodeAt(0);
  let value: FastValue;
  let end: number;
  if (first === 91 /* [ */ || first === 123 /* { */) {
    [value, end] = flow(rest, 0, depth + 1);
  } else if (first === 39 /* ' */ || first === 34 /* " */) {
    [value, end] = quoted(rest, 0);
  } else {
    const plain = BLOCK_PLAIN.exec(rest);
    if (!plain) fail();
    value = scalar(plain[0]);
    end = plain[0].length;
  }
  if (end < rest.length && !TRAILER.test(rest.slice(end))) fail();
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

/** A flow sequence or mapping that opens at `start` and closes on the same line. */
function flow(text: string, start: number, depth: number): [FastValue, number] {
  if (depth > MAX_DEPTH) fail();
  const isSequence = text.charCodeAt(start) === 91;
  const close = isSequence ? 93 /* ] */ : 125; /* } */
  const sequence: FastValue[] = [];
  const mapping: Mapping = {};
  let at = skipSpaces(text, start + 1);
  if (text.charCodeAt(at) === close) return [isSequence ? sequence : mapping, at + 1];
  for (;;) {
    let key = '';
    if (!isSequence) {
      FLOW_KEY.lastIndex = at;
      const match = FLOW_KEY.exec(text);
      if (!match) fail();
      key = checkedKey(match[0], mapping);
      at += match[0].length;
      // `key: value`, with the space YAML needs after the colon.
      if (text.charCodeAt(at) !== 58 || text.charCodeAt(at + 1) !== 32) fail();
      at = skipSpaces(text, at + 1);
    }
    let value: FastValue;
    const first = text.charCodeAt(at);
    if (first === 91 || first === 123) [value, at] = flow(text, at, depth + 1);
    else if (first === 39 || first === 34) [value, at] = quoted(text, at);
    else {
      FLOW_PLAIN.lastIndex = at;
      const plain = FLOW_PLAIN.exec(text);
      if (!plain) fail();
      value = scalar(plain[0]);
      at += plain[0].length;
    }
    if (isSequence) sequence.push(value);
    else mapping[key] = value;
    at = skipSpaces(text, at);
    const next = text.charCodeAt(at);
    if (next === close) return [isSequence ? sequence : mapping, at + 1];
    if (next !== 44 /* , */) fail();
    at = skipSpaces(text, at + 1);
    // A trailing comma is valid YAML, but not needed: left to the library.
    if (text.charCodeAt(at) === close) fail();
  }
}
