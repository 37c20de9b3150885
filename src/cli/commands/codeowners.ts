/** `gitgrant codeowners --check | --write`. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasErrors } from '../../core/diagnostics/diagnostic.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { CODEOWNERS_PATH, renderCodeowners } from '../../core/policy/codeowners.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export function codeownersCommand(io: CliIo, options: { repo?: string; check?: boolean; write?: boolean }): number {
  if (Boolean(options.check) === Boolean(options.write)) throw new UsageError('give exactly one of --check or --write');
  const root = repoOption(io, options.repo);
  const loaded = loadRepo(root);
  if (hasErrors(loaded.diagnostics)) {
    printDiagnostics(io, loaded.diagnostics.filter((d) => d.severity === 'error'));
    io.stdout('gitgrant codeowners: fix the errors above first; CODEOWNERS is generated from valid roles\n');
    return EXIT.findings;
  }
  const expected = renderCodeowners(loaded.repo);
  const path = join(root, CODEOWNERS_PATH);
  const actual = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (options.write) {
    if (actual === expected) {
      io.stdout(`gitgrant codeowners: ${CODEOWNERS_PATH} is up to date\n`);
      return EXIT.ok;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, expected);
    io.stdout(`gitgrant codeowners: wrote ${CODEOWNERS_PATH}\n`);
    return EXIT.ok;
  }
  if (actual === expected) {
    io.stdout(`gitgrant codeowners: ${CODEOWNERS_PATH} matches the roles\n`);
    return EXIT.ok;
  }
  io.stdout(`${CODEOWNERS_PATH}:1:1: error CODEOWNERS_OUT_OF_DATE: ${actual === undefined ? 'file is missing' : 'file differs from the roles\' owners'} (hint: run \`gitgrant codeowners --write\` and commit the result)\n`);
  io.stdout(diffLines(actual ?? '', expected));
  return EXIT.findings;
}

function diffLines(actual: string, expected: string): string {
  const have = new Set(actual.split('\n'));
  const want = new Set(expected.split('\n'));
  const removed = [...have].filter((l) => l && !want.has(l)).map((l) => `- ${l}`);
  const added = [...want].filter((l) => l && !have.has(l)).map((l) => `+ ${l}`);
  return [...removed, ...added].map((l) => `  ${l}\n`).join('');
}
