/** `gitgrant apply [--dry-run] [--max-removals N|P%] [--provider aws|gcp] [--target ID] [--yes]`. */
import { concurrencyOf, runApply } from '../support/planning.js';
import { UsageError, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';

export interface ApplyOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  maxRemovals?: string;
  concurrency?: string;
  yes?: boolean;
  provider?: string;
  target?: string;
}

export async function applyCommand(io: CliIo, options: ApplyOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOf(options.concurrency);
  // Outside CI a person must say they mean it: apply changes who can touch production.
  if (!options.dryRun && io.env.CI !== 'true' && !options.yes) throw new UsageError('apply changes cloud access; outside CI it needs --yes', 'run with --dry-run to see the plan first');
  return runApply(io, {
    prefix: 'gitgrant apply', root, now, concurrency, dryRun: Boolean(options.dryRun),
    ...(options.maxRemovals !== undefined ? { maxRemovals: options.maxRemovals } : {}),
    scope: { ...(options.provider !== undefined ? { provider: options.provider } : {}), ...(options.target !== undefined ? { target: options.target } : {}) },
  });
}
