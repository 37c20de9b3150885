/** `gitgrant audit [--since D] [--until D] [--format md|csv|json]`: the evidence report from history. */
import { buildAuditReport, type GitHubFacts } from '../../audit/audit-report.js';
import { grantInPeriod, type Period } from '../../audit/events.js';
import { GitHistoryError, readHistory } from '../../audit/git-history.js';
import type { History } from '../../audit/history-types.js';
import { reconstruct } from '../../audit/lifecycle.js';
import type { Reconstruction } from '../../audit/lifecycle-types.js';
import { renderAudit, type AuditFormat } from '../../audit/render-audit.js';
import { readVerifyEvidence, verificationEvents } from '../../audit/verify-evidence.js';
import { parseInstant } from '../../model/instant.js';
import { loadRepo } from '../../model/load-repo.js';
import { automationOf } from '../load.js';
import type { Instant } from '../../model/types.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../io.js';
import { repoOption } from '../options.js';

export interface AuditOptions {
  repo?: string;
  since?: string;
  until?: string;
  format?: string;
}

const FORMATS: readonly AuditFormat[] = ['md', 'csv', 'json'];

export async function auditCommand(io: CliIo, options: AuditOptions): Promise<number> {
  const format = (options.format ?? 'md') as AuditFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${options.format} is not one of ${FORMATS.join(', ')}`);
  const period = { since: dayOrInstant('since', options.since), until: dayOrInstant('until', options.until) };
  if (period.since !== undefined && period.until !== undefined && period.since >= period.until) {
    throw new UsageError('--since must be before --until');
  }
  const root = repoOption(io, options.repo);
  const { history, github } = await auditSources(io, root, period);
  const verified = verificationEvents(readVerifyEvidence(root, automationOf(root)), period);
  io.stdout(renderAudit(buildAuditReport(history, period, github, verified), format));
  return EXIT.ok;
}

/** The reconstructed history of the repo at `root`; git failures become a one-line CommandFailure. */
export async function historyOf(root: string): Promise<Reconstruction> {
  return reconstruct(await gitHistory(root), new Map(), automationOf(root));
}

async function gitHistory(root: string): Promise<History> {
  try {
    return await readHistory(root);
  } catch (error) {
    if (error instanceof GitHistoryError) throw new CommandFailure(error.message, error.hint);
    throw error;
  }
}

/**
 * History, plus GitHub's facts when the environment names the repo (GITHUB_REPOSITORY) and gives
 * a token: the approvals of the period's PRs, break-glass reviews and exception issues.
 */
export async function auditSources(io: CliIo, root: string, period: Period): Promise<{ history: Reconstruction; github?: GitHubFacts }> {
  const raw = await gitHistory(root);
  const automation = automationOf(root);
  const fromGitAlone = reconstruct(raw, new Map(), automation);
  // The GitHub client is loaded only when it will be used: an audit from git alone starts faster.
  if (!io.env.GITHUB_REPOSITORY) return { history: fromGitAlone };
  const [{ gitHubFromEnv }, { readGitHubFacts }] = await Promise.all([import('../../lifecycle/github-env.js'), import('../../audit/github-facts.js')]);
  const gh = await gitHubFromEnv(io.env);
  if ('missing' in gh) return { history: fromGitAlone };
  const inPeriod = fromGitAlone.grants.filter((g) => grantInPeriod(g, period));
  const prs = [...new Set(inPeriod.flatMap((g) => [g.requested.pr, ...g.changes.map((c) => c.commit.pr)]).filter((pr): pr is number => pr !== undefined))];
  const { policy } = loadRepo(root, (path) => path.startsWith('policies/')).repo;
  try {
    const answers = await readGitHubFacts(gh.client, gh.repo, {
      prs,
      breakGlass: inPeriod.filter((g) => g.breakGlass).map((g) => g.path),
      reviewLabel: policy.breakGlass.reviewLabel,
      exceptionLabel: policy.exceptions.label,
    });
    return { history: reconstruct(raw, answers.approvals, automation), github: answers.facts };
  } catch (error) {
    throw new CommandFailure(`could not read reviews and issues from GitHub: ${(error as Error).message}`, 'check GITHUB_TOKEN can read pull requests and issues of GITHUB_REPOSITORY, or unset GITHUB_REPOSITORY to audit from git alone');
  }
}

/** `2026-11-01` (midnight UTC) or a full RFC 3339 instant. */
export function dayOrInstant(name: string, value: string | undefined): Instant | undefined {
  if (value === undefined) return undefined;
  const parsed = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (parsed === undefined) throw new UsageError(`--${name} ${value} is not a date`, 'write a day (2026-11-01) or an instant (2026-11-01T09:00:00Z)');
  return parsed;
}
