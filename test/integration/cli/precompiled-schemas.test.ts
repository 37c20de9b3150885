/**
 * The build writes the schemas as standalone validator code; the sources compile them at run time.
 * Both must judge every file alike, or the CLI in Actions would say something the tests never saw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FileKind } from '../../../src/core/model/schema-files.js';
import { validateAgainstSchema } from '../../../src/core/model/schemas.js';
import { parseYamlText } from '../../../src/core/model/yaml-reference.js';
import { ensureBuilt } from '../../support/built-cli.js';
import { EXAMPLE_ORG, PROJECT_ROOT } from '../../support/temp-repo.js';

type Validate = typeof validateAgainstSchema;
let built: Validate;

beforeAll(async () => {
  ensureBuilt();
  built = ((await import(pathToFileURL(join(PROJECT_ROOT, 'dist/core/model/schemas.js')).href)) as { validateAgainstSchema: Validate }).validateAgainstSchema;
});

interface Case { fixture?: string; path: string }

function samples(): { name: string; kind: FileKind; data: unknown }[] {
  const corpus = join(PROJECT_ROOT, 'test/fixtures/bad-inputs');
  const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as Case[] | { cases: Case[] };
  const list = Array.isArray(cases) ? cases : cases.cases;
  const fromCorpus = list.filter((c) => c.fixture).map((c) => ({ file: join(corpus, c.fixture!), path: c.path }));
  const fromExample = ['policies', 'roles', 'grants'].flatMap((top) =>
    readdirSync(join(EXAMPLE_ORG, top), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
      .map((e) => ({ file: join(e.parentPath, e.name), path: join(e.parentPath, e.name).slice(EXAMPLE_ORG.length + 1) })),
  );
  return [...fromCorpus, ...fromExample].flatMap(({ file, path }) => {
    const kind: FileKind | undefined = path.startsWith('grants/') ? 'grant' : path.startsWith('roles/') ? 'role' : path.startsWith('policies/') ? 'policy' : undefined;
    const parsed = parseYamlText(path, readFileSync(file, 'utf8'));
    return kind && parsed.diagnostics.length === 0 ? [{ name: path, kind, data: parsed.data }] : [];
  });
}

describe('the precompiled schema validators', () => {
  it('report exactly what run-time compilation reports, for the corpus and the example org', () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((s) => validateAgainstSchema(s.kind, s.data).length > 0).length).toBeGreaterThan(20);
    const shape = (errors: ReturnType<Validate>) => errors.map((e) => ({ at: e.instancePath, keyword: e.keyword, params: e.params, parent: e.parentSchema !== undefined }));
    for (const sample of all) expect(shape(built(sample.kind, sample.data)), sample.name).toEqual(shape(validateAgainstSchema(sample.kind, sample.data)));
  });
});
