import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlatMapping } from '../../../src/core/model/flat-yaml.js';
import { parseYamlText } from '../../../src/core/model/yaml-file.js';

/** The library's answer for the same text, in the fast path's shape. */
function reference(text: string) {
  const parsed = parseYamlText('file.yaml', text);
  return { diagnostics: parsed.diagnostics, data: parsed.data, nodes: parsed.source.nodes };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

describe('the flat fast path', () => {
  it('gives exactly what the yaml library gives for every example and corpus file it takes', () => {
    const files = ['examples/example-org/grants', 'examples/example-org/roles', 'examples/example-org/policies', 'test/fixtures/bad-inputs'].flatMap(yamlFiles);
    let taken = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const flat = parseFlatMapping(text);
      if (!flat) continue;
      taken += 1;
      const ref = reference(text);
      expect(ref.diagnostics, file).toEqual([]);
      expect(JSON.stringify({ data: flat.data, nodes: flat.nodes }), file).toBe(JSON.stringify({ data: ref.data, nodes: ref.nodes }));
    }
    expect(taken).toBeGreaterThan(10);
  });

  it('agrees with the library on random flat files, whenever it answers', () => {
    const key = fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,11}$/), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty'));
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', ' ', ':', '#', "'", '"', '-', '@', '.', '/', '!', '&', '*', '[', '{', 'é', 'ж', '\\', '%', '?', ',', '|', '>'), maxLength: 24 });
    const value = fc.oneof(
      text.map((t) => t),
      text.map((t) => `'${t.replace(/'/g, "''")}'`),
      text.map((t) => `"${t}"`),
      fc.constantFrom('true', 'false', 'no', 'yes', '0755', '1e3', '~', 'null', '2026-11-23T10:00:00Z', 'INC-12', '.5', '+1', '__proto__', 'constructor', 'toString'),
    );
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(key, value, fc.constantFrom('', '  # note', ' #x', '   ')).map(([k, v, c]) => `${k}: ${v}${c}`) },
      { weight: 1, arbitrary: fc.constantFrom('', '# comment', '  # indented comment') },
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean(), (lines, finalNewline) => {
        const source = lines.join('\n') + (finalNewline ? '\n' : '');
        const flat = parseFlatMapping(source);
        if (!flat) return;
        answered += 1;
        const ref = reference(source);
        expect(ref.diagnostics).toEqual([]);
        expect(JSON.stringify({ data: flat.data, nodes: flat.nodes })).toBe(JSON.stringify({ data: ref.data, nodes: ref.nodes }));
      }),
      { numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it.each([
    ['an indented line', 'grantee: a@b.c\n  reason: x\n'],
    ['a double-quoted value with an escape', 'reason: "x\\ty"\n'],
    ['an anchor', 'reason: &a x\n'],
    ['a tag', 'reason: !!str x\n'],
    ['a number', 'ticket: 0755\n'],
    ['an empty value (null)', 'ticket:\n'],
    ['a duplicate key', 'reason: a\nreason: b\n'],
    ['a document marker', '---\nreason: a\n'],
    ['a directive', '%YAML 1.1\n---\nreason: a\n'],
    ['a tab', 'reason:\ta\n'],
    ['a flow mapping', 'target: { a: b }\n'],
    ['a block list', 'owners:\n  - a\n'],
    ['a comment only', '# nothing\n'],
  ])('leaves %s to the library', (_what, text) => {
    expect(parseFlatMapping(text)).toBeUndefined();
  });

  it('reads values named like Object members as the strings they are, and leaves a __proto__ key to the library', () => {
    expect(parseFlatMapping('incident: __proto__\nreason: constructor\n')?.data).toEqual({ incident: '__proto__', reason: 'constructor' });
    expect(parseFlatMapping('__proto__: x\n')).toBeUndefined();
  });

  it('reads `no` as the string it is in YAML 1.2, and true as a boolean', () => {
    expect(parseFlatMapping('breakGlass: no\nstanding: true\n')?.data).toEqual({ breakGlass: 'no', standing: true });
  });
});
