/**
 * The reference reader: the `yaml` library, for every file the main path (fast-yaml.ts) does not
 * take. It refuses the YAML features that make files hard to read or dangerous to load: several
 * documents, anchors and aliases (alias bombs), explicit tags, and `%YAML` directives (which would
 * switch on YAML 1.1, where `no` means false).
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { Diagnostic, Position } from '../diagnostics/diagnostic.js';
import { pointer, type SourceMap, type Span } from './source-map.js';
import { failure, type ParsedYaml } from './yaml-file.js';

export function parseYamlText(file: string, text: string): ParsedYaml {
  const source: SourceMap = { file, nodes: {} };
  const fail = (code: string, summary: string, hint?: string, start?: Position) => failure(file, code, summary, hint, start);

  const lineCounter = new LineCounter();
  const position = (offset: number): Position => lineCounter.linePos(offset);
  const documents = parseAllDocuments(text, { lineCounter, version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [];
  if (docs.length === 0 || (docs.length === 1 && docs[0]!.contents === null)) {
    return fail('FILE_EMPTY', 'file has no content', 'write the keys the schema asks for; see the example files');
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    return fail('YAML_MULTIPLE_DOCUMENTS', 'file holds more than one YAML document', 'keep one grant, role or policy per file', position(second.range[0]));
  }
  const doc = docs[0]!;
  const diagnostics: Diagnostic[] = [];
  let syntaxReported = false;
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    // After the first syntax error the parser is guessing, and what it reports next is noise.
    if (!duplicate && syntaxReported) continue;
    syntaxReported ||= !duplicate;
    const start = position(openingOf(doc, error) ?? error.pos[0]);
    diagnostics.push({
      severity: 'error',
      code: duplicate ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX',
      summary: firstLine(error.message),
      hint: duplicate ? 'each key may appear once; delete or merge the repeated one' : undefined,
      file,
      start,
      end: position(error.pos[1]),
    });
  }
  if (doc.directives?.yaml.explicit) {
    diagnostics.push({
      severity: 'error', code: 'YAML_DIRECTIVE_NOT_ALLOWED', summary: '`%YAML` directives are not allowed',
      hint: 'delete the directive line: gitgrant reads YAML 1.2 only, where `no` is a string, not false',
      file, start: { line: 1, col: 1 }, end: { line: 1, col: 1 },
    });
  }
  let aliasReported = false;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      // One alias is enough to explain the problem; an alias bomb would otherwise print thousands.
      if (!aliasReported) diagnostics.push(at(file, position, node.range, 'YAML_ALIAS_NOT_ALLOWED', 'anchors and aliases are not allowed', 'write the value out in full'));
      aliasReported = true;
      return visit.SKIP;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) {
      // The node's range starts at its value; the `&name` written before it is what to delete.
      const anchorAt = node.range ? text.lastIndexOf(`&${node.anchor}`, node.range[0]) : -1;
      const range: [number, number, number] | null | undefined = anchorAt >= 0 ? [anchorAt, anchorAt + node.anchor.length + 1, anchorAt + node.anchor.length + 1] : node.range;
      diagnostics.push(at(file, position, range, 'YAML_ALIAS_NOT_ALLOWED', `anchor \`&${node.anchor}\` is not allowed`, 'write values out in full; files stay readable without anchors'));
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag) {
      // Point at the tag as written (`!!binary`, not `tag:yaml.org,2002:binary`): it sits before the value.
      let tagAt = node.range ? text.lastIndexOf('!', node.range[0] - 1) : -1;
      while (tagAt > 0 && text[tagAt - 1] === '!') tagAt--;
      const written = tagAt >= 0 ? text.slice(tagAt).split(/[\s,[\]{}]/)[0]! : node.tag;
      const range: [number, number, number] | null | undefined = tagAt >= 0 ? [tagAt, tagAt + written.length, tagAt + written.length] : node.range;
      diagnostics.push(at(file, position, range, 'YAML_TAG_NOT_ALLOWED', `explicit tag \`${written}\` is not allowed`, 'remove the tag; quote the value if it is text'));
    }
    return undefined;
  });
  if (diagnostics.length > 0) return { data: undefined, source, diagnostics };

  recordSpans(doc.contents as Node | null, '', undefined, source, position);
  return { data: doc.toJS({ maxAliasCount: 0 }), source, diagnostics };
}

function recordSpans(node: Node | null, ptr: string, key: Span | undefined, source: SourceMap, position: (offset: number) => Position): void {
  if (!node) return;
  const range = node.range;
  if (range) {
    source.nodes[ptr] = { key, value: { start: position(range[0]), end: position(range[1]) } };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const keyRange = pair.key.range!;
      const keySpan = { start: position(keyRange[0]), end: position(keyRange[1]) };
      const childPtr = ptr + pointer([String(pair.key.value)]);
      if (pair.value) recordSpans(pair.value as Node, childPtr, keySpan, source, position);
      else source.nodes[childPtr] = { key: keySpan, value: keySpan };
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => recordSpans(item as Node, ptr + pointer([index]), undefined, source, position));
  }
}

function at(file: string, position: (offset: number) => Position, range: [number, number, number] | null | undefined, code: string, summary: string, hint: string): Diagnostic {
  const start = position(range?.[0] ?? 0);
  return { severity: 'error', code, summary, hint, file, start, end: position(range?.[1] ?? 0) };
}

/** The yaml library reports an unclosed quote or bracket where the file ends; the opening is what to fix. */
function openingOf(doc: Document, error: YAMLError): number | undefined {
  if (!/^Missing closing .?quote|must (be sufficiently indented and )?end with a/.test(error.message)) return undefined;
  let opening: number | undefined;
  visit(doc, (_key, node) => {
    const opens = (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) || (isCollection(node) && node.flow === true);
    if (opens && node.range?.[1] === error.pos[0]) opening = Math.max(opening ?? -1, node.range[0]);
  });
  return opening;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
