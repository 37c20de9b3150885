/** `gitgrant dashboard --out DIR`: the static audit dashboard, written as DIR/index.html. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditSources } from '../../app/audit-sources.js';
import { renderDashboard } from '../../core/audit/dashboard.js';
import { auditAdapters } from '../support/audit-adapters.js';
import { CommandFailure, EXIT, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';

export interface DashboardOptions {
  repo?: string;
  out: string;
  now?: string;
}

export async function dashboardCommand(io: CliIo, options: DashboardOptions): Promise<number> {
  const now = nowOption(io, options.now);
  const root = repoOption(io, options.repo);
  const { history, github } = await auditSources({}, auditAdapters(io, root));
  const dir = resolve(io.cwd, options.out);
  const path = join(dir, 'index.html');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, renderDashboard(history, now, github));
  } catch (error) {
    throw new CommandFailure(`could not write ${path}: ${(error as Error).message}`, 'choose a folder you can write to with --out');
  }
  io.stdout(`gitgrant dashboard: wrote ${path} (${history.grants.length} grants)\n`);
  return EXIT.ok;
}
