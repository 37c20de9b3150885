/**
 * Each benchmark owns one section of docs/benchmarks.md, between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->`, and rewrites only that section, so benchmarks run at different times
 * keep each other's figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS_INTRO = [
  '# Benchmarks',
  '',
  'Each benchmark runs offline against the local emulators and rewrites only its own section of this',
  'file with the figures of its latest run. Run one with `npm run bench:<name>` (for example',
  '`npm run bench:apply`), or all of them with `npm run bench`. Figures depend on the machine; each',
  'section says which one it was run on.',
  '',
].join('\n');

/** Pure: the document with the named section replaced, or appended when it is not there yet. */
export function withSection(document: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${body.trimEnd()}\n${close}`;
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start >= 0 && end > start) return document.slice(0, start) + section + document.slice(end + close.length);
  return `${document.trimEnd()}\n\n${section}\n`;
}

export function writeSection(path: string, name: string, body: string): void {
  const document = existsSync(path) ? readFileSync(path, 'utf8') : BENCHMARKS_INTRO;
  writeFileSync(path, withSection(document, name, body));
}
