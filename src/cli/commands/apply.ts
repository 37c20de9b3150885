/** `gitgrant apply [--dry-run] [--max-removals N|P%] [--yes]`. */
import * as core from '@actions/core';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { applyPlan } from '../../plan/apply.js';
import { planTotals } from '../../plan/diff.js';
import { heldHeadline } from '../../plan/fail-safe.js';
import { guardViolations } from '../../plan/guards.js';
import { renderPlanMarkdown, renderPlanText } from '../../plan/render.js';
import { markdownText, plainText } from '../../render/escape.js';
import { buildPlan } from '../planning.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { removalLimitOption, nowOption, repoOption } from '../options.js';
import { printDiagnostics } from '../report.js';

export interface ApplyOptions {
  repo?: string;
  now?: string;
  dryRun?: boolean;
  maxRemovals?: string;
  concurrency?: string;
  yes?: boolean;
}

export async function applyCommand(io: CliIo, options: ApplyOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const limit = removalLimitOption(options.maxRemovals);
  const concurrency = Number(options.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency ${options.concurrency} is not a positive whole number`);
  // Outside CI a person must say they mean it: apply changes who can touch production.
  if (!options.dryRun && io.env.CI !== 'true' && !options.yes) throw new UsageError('apply changes cloud access; outside CI it needs --yes', 'run with --dry-run to see the plan first');
  const planned = await buildPlan(io, root, now, { offline: false, concurrency });
  try {
    const { plan, held } = planned;
    if (held) {
      printDiagnostics(io, planned.findings);
      io.stdout(`gitgrant apply: ${heldHeadline(held)}\n`);
      for (const reason of held.reasons) io.stdout(`gitgrant apply: ${plainText(reason)}\n`);
    }
    io.stdout(renderPlanText(plan));
    if (plan.changes.some((c) => c.blockedBy)) {
      io.stdout('gitgrant apply: some targets would break a cloud limit (see above): only their removals are applied\n');
    }
    const violations = guardViolations(plan, limit, planned.repo.policy.apply.protected);
    if (violations.length > 0) {
      for (const v of violations) io.stdout(`gitgrant apply: stopped before any change: ${plainText(v)}\n`);
      io.stdout('hint: if the removals are intended, raise --max-removals for this run; check the checkout first\n');
      return EXIT.findings;
    }
    if (options.dryRun) {
      io.stdout('gitgrant apply: dry run, nothing applied\n');
      return planned.readFailures.length > 0 || held ? EXIT.findings : EXIT.ok;
    }
    const result = await applyPlan(plan, planned.cloud!.providers, {
      concurrency,
      onProgress: (e) => {
        if (e.status !== 'start') io.stdout(`apply: ${e.target}: ${e.changes} change${e.changes === 1 ? '' : 's'} ${e.status === 'done' ? 'applied' : `FAILED: ${plainText(e.cause ?? '')}`}\n`);
      },
    });
    const failures = [...planned.readFailures.map((f) => ({ target: f.target, cause: `read failed: ${f.cause}` })), ...result.failures];
    const totals = planTotals(plan);
    io.stdout(`gitgrant apply: ${result.applied.length} target${result.applied.length === 1 ? '' : 's'} changed (${totals.add} added, ${totals.update} changed, ${totals.remove} removed); ${failures.length} failure${failures.length === 1 ? '' : 's'}\n`);
    for (const f of failures) io.stdout(`gitgrant apply: ${f.target}: ${plainText(f.cause)}\n`);
    if (failures.length > 0) io.stdout('hint: nothing is lost: the grant files stay, and the next run retries what failed\n');
    if (io.env.GITHUB_ACTIONS === 'true' && io.env.GITHUB_STEP_SUMMARY) {
      const failed = failures.map((f) => `- ${markdownText(f.target)}: ${markdownText(f.cause)}`).join('\n');
      const heldNote = held ? `\n**${markdownText(heldHeadline(held))}**\n\n${held.reasons.map((r) => `- ${markdownText(r)}`).join('\n')}\n` : '';
      await core.summary.addRaw(heldNote).addRaw(renderPlanMarkdown(plan)).addRaw(failed ? `\n**Failures**\n\n${failed}\n` : '\nApplied without failures.\n').write();
    }
    // A repository that does not validate is a finding even when every removal went through.
    return failures.length > 0 || hasErrors(plan.diagnostics) || held ? EXIT.findings : EXIT.ok;
  } finally {
    await planned.cloud?.close();
  }
}
