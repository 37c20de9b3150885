import { readFileSync } from 'node:fs';

/** The text of a fixture under test/fixtures/hr/. */
export function hrFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/hr/${name}`, import.meta.url), 'utf8');
}
