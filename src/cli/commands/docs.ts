/** `gitgrant docs [--out DIR]`: the access procedure and the questionnaire answer, from the live configuration. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderProcedure, renderQuestionnaire } from '../../core/audit/policy-docs.js';
import { hasErrors } from '../../core/diagnostics/diagnostic.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { CommandFailure, EXIT, type CliIo } from '../support/io.js';
import { repoOption } from '../support/options.js';
import { printDiagnostics } from '../support/report.js';

export interface DocsOptions {
  repo?: string;
  out?: string;
}

export const DOC_FILES = { procedure: 'access-procedure.md', questionnaire: 'questionnaire-answer.md' } as const;

export function docsCommand(io: CliIo, options: DocsOptions): number {
  // Grants do not shape the documents; only policies/ and roles/ are read.
  const loaded = loadRepo(repoOption(io, options.repo), (path) => !path.startsWith('grants/'));
  if (hasErrors(loaded.diagnostics)) {
    printDiagnostics(io, loaded.diagnostics.filter((d) => d.severity === 'error'));
    io.stdout('gitgrant docs: fix the errors above first; the documents state what valid configuration enforces\n');
    return EXIT.findings;
  }
  const documents = { procedure: renderProcedure(loaded.repo), questionnaire: renderQuestionnaire(loaded.repo) };
  if (options.out === undefined) {
    io.stdout(`${documents.procedure}\n${documents.questionnaire}`);
    return EXIT.ok;
  }
  const dir = resolve(io.cwd, options.out);
  try {
    mkdirSync(dir, { recursive: true });
    for (const [key, name] of Object.entries(DOC_FILES)) writeFileSync(join(dir, name), documents[key as keyof typeof DOC_FILES]);
  } catch (error) {
    throw new CommandFailure(`could not write to ${dir}: ${(error as Error).message}`, 'choose a folder you can write to with --out');
  }
  io.stdout(`gitgrant docs: wrote ${Object.values(DOC_FILES).map((name) => join(dir, name)).join(' and ')}\n`);
  return EXIT.ok;
}
