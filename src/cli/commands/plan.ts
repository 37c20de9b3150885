/** `gitgrant plan [--json] [--markdown] [--offline] [--provider aws|gcp] [--target ID]`: reads, never writes. */
import { hasErrors } from '../../core/diagnostics/diagnostic.js';
import { planOffline, type PlanRequest, type Planned } from '../../app/plan-apply.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../core/plan/render.js';
import { actionsCore } from '../support/actions.js';
import { concurrencyOf, loadState, openReader, planReading, printHeld, scopeOf } from '../support/planning.js';
import { EXIT, type CliIo } from '../support/io.js';
import { nowOption, repoOption } from '../support/options.js';

export interface PlanOptions {
  repo?: string;
  now?: string;
  json?: boolean;
  markdown?: boolean;
  offline?: boolean;
  concurrency?: string;
  provider?: string;
  target?: string;
}

export async function planCommand(io: CliIo, options: PlanOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const concurrency = concurrencyOf(options.concurrency);
  const state = loadState(root, now);
  const request: PlanRequest = { now };
  const scope = scopeOf(state, request, options);
  if (scope) request.scope = scope;
  let planned: Planned;
  if (options.offline) planned = planOffline(state, request);
  else {
    // A reader, never an applier: nothing this command does can change access.
    const reader = await openReader(io, now, state.repo.policy);
    try {
      planned = await planReading(state, request, reader, concurrency);
    } finally {
      await reader.close();
    }
  }
  const { plan, held } = planned;
  // On stderr with --json, so stdout stays one JSON document.
  printHeld(io, 'gitgrant plan', planned, options.json ? io.stderr : io.stdout);
  io.stdout(options.json ? renderPlanJson(plan) : options.markdown ? renderPlanMarkdown(plan) : renderPlanText(plan));
  for (const failure of planned.readFailures) io.stdout(`gitgrant plan: could not read ${failure.target}: ${failure.cause}\n`);
  // Loaded by the CLI entry in Actions only: a run elsewhere never loads @actions/core.
  const core = io.env.GITHUB_ACTIONS === 'true' && io.env.GITHUB_STEP_SUMMARY ? actionsCore() : undefined;
  if (core) await core.summary.addRaw(renderPlanMarkdown(plan)).write();
  return hasErrors(plan.diagnostics) || planned.readFailures.length > 0 || held ? EXIT.findings : EXIT.ok;
}
