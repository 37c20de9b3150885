/** `gitgrant plan [--json] [--markdown] [--offline]`. */
import * as core from '@actions/core';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../plan/render.js';
import { plainText } from '../../render/escape.js';
import { buildPlan } from '../planning.js';
import { heldHeadline } from '../../plan/fail-safe.js';
import { EXIT, type CliIo } from '../io.js';
import { nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';

export interface PlanOptions {
  repo?: string;
  now?: string;
  json?: boolean;
  markdown?: boolean;
  offline?: boolean;
  concurrency?: string;
}

export async function planCommand(io: CliIo, options: PlanOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const planned = await buildPlan(io, root, now, { offline: Boolean(options.offline), concurrency: Number(options.concurrency ?? 8) });
  try {
    const { plan, held } = planned;
    if (held) {
      // On stderr with --json, so stdout stays one JSON document.
      const say = options.json ? io.stderr : io.stdout;
      printDiagnostics(options.json ? { ...io, stdout: io.stderr } : io, planned.findings);
      say(`gitgrant plan: ${heldHeadline(held)}\n`);
      for (const reason of held.reasons) say(`gitgrant plan: ${plainText(reason)}\n`);
    }
    io.stdout(options.json ? renderPlanJson(plan) : options.markdown ? renderPlanMarkdown(plan) : renderPlanText(plan));
    for (const failure of planned.readFailures) io.stdout(`gitgrant plan: could not read ${failure.target}: ${failure.cause}\n`);
    if (io.env.GITHUB_ACTIONS === 'true' && io.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderPlanMarkdown(plan)).write();
    return hasErrors(plan.diagnostics) || planned.readFailures.length > 0 || held ? EXIT.findings : EXIT.ok;
  } finally {
    await planned.cloud?.close();
  }
}
