/**
 * The design's source documents (the "seeds") are the project's own background: no text a user
 * reads (help, messages, pull request bodies, generated documents) may refer to them ("seed 001",
 * "the seed documents", `seeds/`). Seeding the sandbox's emulators is another word and stays.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

/** The code of a source file without its comments, which are for maintainers. */
const SEED_DOCUMENT = /\bseeds?\s+(#?\d+|documents?)\b|\bseeds\/|\bthe seeds\b/i;

function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
}

describe('user-facing text', () => {
  it('never mentions the seeds, in any string of the shipped code', () => {
    const src = join(PROJECT_ROOT, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const mentions = files.flatMap((file) => codeOf(readFileSync(join(src, file), 'utf8')).split('\n').filter((line) => SEED_DOCUMENT.test(line)).map((line) => `${file}: ${line.trim()}`));
    expect(mentions).toEqual([]);
  });

  it('never mentions the seeds in help or in the generated documents', async () => {
    const repo = TempRepo.fromExample();
    const help = await runCli(['report', '--help'], { cwd: repo.root });
    const docs = await runCli(['docs'], { cwd: repo.root });
    expect(docs.code).toBe(0);
    expect(`${help.stdout}${help.stderr}${docs.stdout}`).not.toMatch(/\bseeds?\b/i);
  });

  it('recognises a reference to the seed documents', () => {
    expect(['see seed 001', 'as the seed documents say', 'from seeds/002.md', 'the seeds ask for it'].filter((t) => SEED_DOCUMENT.test(t))).toHaveLength(4);
    expect(['seeded from the repo', 'seedAws(endpoint)', 'const seed = sandboxSeed(repo)'].filter((t) => SEED_DOCUMENT.test(t))).toEqual([]);
  });
});
