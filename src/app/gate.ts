/**
 * The gate, as a use case: `gate`, `comment` and `record-approvals` decide the same way. The approval
 * requirement of each grant the PR adds or changes (from the policy engine), the reviews and team
 * memberships from GitHub, the pure gate, and the validation findings of the PR's files; then the
 * verdict on the judged commit and, when asked, the check run that carries it.
 *
 * The repo to judge comes in already loaded (rules from the base, grants from the PR); GitHub comes
 * in as the few readers the gate asks, and the check-run poster only where a verdict is posted.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../core/diagnostics/format.js';
import { GATE_CHECK_NAME, type CheckRunPoster } from '../adapters/github/check-runs.js';
import { GateInputIncomplete } from './gate-input.js';
import { renderGateMarkdown } from '../core/gate/gate-render.js';
import type { LoadedRepo } from '../adapters/fs/load-repo.js';
import { markdownCode, markdownText } from '../core/render/escape.js';
import { CommandFailure } from './errors.js';
import { locate, pointer } from '../core/model/source-map.js';
import type { AccessRepo, Grant, GrantId, Instant } from '../core/model/types.js';
import type { IdentityConfig } from '../core/model/policy-sections.js';
import { githubLogin } from '../core/plan/identity.js';
import { approvalRequirement } from '../core/policy/approval.js';
import { evaluatePolicy } from '../core/policy/engine.js';
import { evaluateGate, isBot, type GateResult, type GrantUnderReview } from '../core/gate/gate.js';
import { gatherGateInput } from './gate-input.js';
import type { IssueReader } from '../adapters/github/issue-reader.js';
import type { PullAtHead, PullRequestReader } from '../adapters/github/pull-requests.js';
import type { TeamDirectory } from '../adapters/github/teams.js';
import type { PullRequest } from '../core/gate/github-types.js';
import { requestIssueOf } from '../adapters/github/request-pr.js';
import { isRuleFile } from '../adapters/github/rules-from-base.js';
import { emailForLogin } from './people.js';

export interface GateRunOptions {
  prNumber: number;
  /** Rules from the base commit, grants from the PR (see rules-from-base). */
  repo: AccessRepo;
  /** What loading the files reported. */
  loadDiagnostics: readonly Diagnostic[];
  reader: PullRequestReader;
  teams: TeamDirectory;
  issues: IssueReader;
  now: Instant;
  /** Checks for the grants the PR adds or changes beyond the policy engine (HR at request time). */
  checkRequested?: (grants: readonly Grant[]) => Diagnostic[];
}

export interface GateRun {
  pr: PullRequest;
  result: GateResult;
  /** Load and policy findings for the PR; an error fails the gate. */
  findings: Diagnostic[];
  /** The grants the PR adds or changes, as loaded (those that did not load are missing here). */
  changedGrants: Grant[];
  passed: boolean;
}

export async function runGate(options: GateRunOptions): Promise<GateRun> {
  const { repo, now } = options;
  const identities = repo.policy.identities;
  let pr: PullRequest | undefined;
  let changedGrants: Grant[] = [];
  let findings: Diagnostic[] = [];

  const input = await gatherGateInput({
    prNumber: options.prNumber,
    reader: options.reader,
    teams: options.teams,
    policyOwners: repo.policy.owners,
    async requirementsFor(pull, changes) {
      pr = pull;
      const ids = new Set<GrantId>(changes.map((c) => c.grant));
      changedGrants = repo.grants.filter((g) => ids.has(g.id));
      const requesters = await requestersOf(pull, changedGrants, identities, options.issues);
      const identitiesFile = repo.policy.sources.identities?.file ?? 'policies/identities.yaml';
      const unmapped: Diagnostic[] = [];
      const underReview = changedGrants.flatMap((grant): GrantUnderReview[] => {
        const role = repo.roles.get(grant.role);
        // No role, no requirement: the gate fails this grant closed ("unevaluated").
        if (!role) return [];
        const author = requesters.get(grant.id)!;
        const requester = emailForLogin(identities, author);
        const requirement = approvalRequirement(grant, role, repo.policy, { author, ...(requester ? { requester } : {}), at: now }, repo.grants);
        const granteeLogin = githubLogin(identities, grant.grantee);
        if (!granteeLogin && !requirement.waivedBy) unmapped.push(granteeLoginUnknown(grant, identitiesFile));
        return [{ requirement, identitiesFile, ...(granteeLogin ? { granteeLogin } : {}) }];
      });
      findings = sortDiagnostics([
        ...options.loadDiagnostics,
        ...evaluatePolicy(repo, { now, changed: ids, request: { author: pull.author.login, at: now } }),
        ...unmapped,
        ...(options.checkRequested?.(changedGrants) ?? []),
      ]);
      return underReview;
    },
  });
  const result = evaluateGate(input);
  return { pr: pr!, result, findings, changedGrants, passed: result.passed && !hasErrors(findings) };
}

/** The grantee's own approval cannot be told apart: said at the grant's `grantee:` line, with the fix. */
function granteeLoginUnknown(grant: Grant, identitiesFile: string): Diagnostic {
  const span = locate(grant.source, pointer(['grantee']));
  return {
    severity: 'error',
    code: 'GATE_GRANTEE_LOGIN_UNKNOWN',
    summary: `the GitHub login of ${grant.grantee} is not known, so the gate cannot make sure they do not approve their own access`,
    hint: `add \`${grant.grantee}: { github: <login> }\` under identities.people in ${identitiesFile} (see docs/security.md, mapping people)`,
    file: grant.source.file,
    start: span.start,
    end: span.end,
  };
}

/**
 * Who asked for each grant. Normally the PR author. A request opened by the app from an issue is
 * authored by a bot, so the issue's author asked; that is believed only when the PR is a bot's
 * (people cannot forge it by editing a body) and the issue author is the grant's grantee (an edited
 * marker cannot borrow someone else's exemption).
 */
async function requestersOf(pr: PullRequest, grants: readonly Grant[], identities: IdentityConfig, issues: IssueReader): Promise<Map<GrantId, string>> {
  const requesters = new Map(grants.map((g) => [g.id, pr.author.login]));
  const issueNumber = requestIssueOf(pr.body);
  if (!isBot(pr.author) || issueNumber === undefined) return requesters;
  const issue = await issues.issue(issueNumber);
  const asker = issue && emailForLogin(identities, issue.author.login);
  for (const grant of grants) if (asker && asker === grant.grantee) requesters.set(grant.id, issue.author.login);
  return requesters;
}

/** The branch the ruleset protects; only PRs into it are judged from a head commit. */
export const PROTECTED_BRANCH = 'main';
export const FILES_INVALID = 'the approvals are complete, but the files do not validate';

/** Every open pull request whose head is exactly `sha`, into any base, from any head repository. */
export interface PullsAtHead {
  openAtHead(sha: string): Promise<PullAtHead[]>;
}

/**
 * More than one open pull request has the judged head. GitHub keeps check runs per commit, so the
 * `gitgrant gate` check on that commit is the check of every one of them, whatever their base,
 * author, reviews or head repository: a verdict earned by one would let the others merge. The gate
 * gives no pass while they share it; `gate --post-check` posts a failing check instead.
 */
export class SharedHead extends CommandFailure {
  constructor(readonly headSha: string, readonly pulls: readonly number[]) {
    super(`pull requests ${pulls.map((n) => `#${n}`).join(', ')} all have head ${headSha.slice(0, 12)}`, 'close all but one: the gitgrant gate check on a commit is the check of every pull request at that commit, so it fails while they share it');
  }
}

/** What the gate reads from GitHub: the PR and its reviews, team memberships, the issue a request came from. */
export interface GateReaders {
  pulls: PullRequestReader & PullsAtHead;
  teams: TeamDirectory;
  issues: IssueReader;
}

/**
 * A PR by number, or the PR whose head is this commit (the trusted workflow knows only the commit).
 * `headSha`: the commit whose files were judged, when they were read from git objects.
 */
export type PullToJudge = { number: number; headSha?: string } | { headSha: string; headRepo?: string };

export interface JudgeInput {
  pull: PullToJudge;
  /** Rules from the base commit, grants from the PR (see github/rules-from-base.ts). */
  judged: LoadedRepo;
  now: Instant;
  checkRequested?: (grants: readonly Grant[]) => Diagnostic[];
  /** The base commit the head was merged into to be judged (main, in the trusted checkout). */
  baseSha?: string;
}

export interface Judgement {
  run: GateRun;
  /** The commit whose files were judged: the given head, or the PR's head when judged by number. */
  judgedSha: string;
  judged: LoadedRepo;
  /** The base commit the head was judged against, when it was read from git objects. */
  baseSha?: string;
  /** Passed: every approval is there, the files validate, and the head did not move while judged. */
  passed: boolean;
  /** Why it fails beyond the approval table. */
  reasons: string[];
}

/** Undefined when `headSha` names no open pull request into main (closed, merged, or a push run). */
export async function judgePullRequest(input: JudgeInput, readers: GateReaders): Promise<Judgement | undefined> {
  const prNumber = await pullToJudge(readers.pulls, input.pull);
  if (prNumber === undefined) return undefined;
  const run = await gateOrIncomplete(() => runGate({
    ...(input.checkRequested ? { checkRequested: input.checkRequested } : {}),
    prNumber,
    repo: input.judged.repo,
    loadDiagnostics: input.judged.diagnostics,
    reader: readers.pulls,
    teams: readers.teams,
    issues: readers.issues,
    now: input.now,
  }));
  const judgedSha = input.pull.headSha ?? run.pr.headSha;
  const reasons = failureReasons(run, judgedSha, input.judged.repo.policy.automation.name);
  return { run, judgedSha, judged: input.judged, ...(input.baseSha ? { baseSha: input.baseSha } : {}), passed: run.passed && reasons.length === 0, reasons };
}

/** Posts the verdict as the `gitgrant gate` check run on the commit that was judged. */
export function postVerdict(judgement: Judgement, checks: CheckRunPoster): Promise<{ id: number; url: string }> {
  const { passed, reasons, run, judgedSha, baseSha } = judgement;
  const pr = run.pr.number;
  return checks.post({
    name: GATE_CHECK_NAME,
    headSha: judgedSha,
    // What this verdict is about, for whoever reads the check later (e.g. at landing): the check
    // itself is GitHub's per commit, so it names the one pull request it was earned by.
    externalId: `gitgrant-gate:pr=${pr}:base=${baseSha ?? 'unknown'}:head=${judgedSha}`,
    passed,
    title: passed ? `Approvals complete for PR #${pr}` : reasons[0] ?? `Approvals or validation incomplete for PR #${pr}`,
    summary: checkSummary(judgement),
  });
}

/** The failing check for a head several open pull requests share: no verdict of one may pass the others. */
export function postSharedHead(shared: SharedHead, checks: CheckRunPoster): Promise<{ id: number; url: string }> {
  return checks.post({
    name: GATE_CHECK_NAME,
    headSha: shared.headSha,
    externalId: `gitgrant-gate:shared:head=${shared.headSha}`,
    passed: false,
    title: shared.message,
    summary: `**${markdownText(shared.message)}**\n\n${markdownText(shared.hint ?? '')}.\n`,
  });
}

/**
 * The PR to judge. Found from the commit, it is the open PR into main at that head from `headRepo`
 * (the run's); none means nothing to judge. Either way, when the head was read from git objects,
 * every open PR at that head is counted, into any base and from any repository (a fork), whichever
 * run asked: one check run per commit serves them all, so judging one of several would pass the others.
 */
async function pullToJudge(pulls: PullsAtHead, pull: PullToJudge): Promise<number | undefined> {
  if (pull.headSha === undefined) return 'number' in pull ? pull.number : undefined;
  const { headSha } = pull;
  const open = await pulls.openAtHead(headSha);
  const intoMain = open.filter((p) => p.base === PROTECTED_BRANCH);
  const judged = 'number' in pull
    ? pull.number
    : intoMain.find((p) => pull.headRepo === undefined || p.headRepo?.toLowerCase() === pull.headRepo.toLowerCase())?.number;
  const sharing = [...new Set([...(judged === undefined ? [] : [judged]), ...open.map((p) => p.number)])].sort((a, b) => a - b);
  if (sharing.length > 1 && (judged !== undefined || intoMain.length > 0)) throw new SharedHead(headSha, sharing);
  return judged;
}

async function gateOrIncomplete(run: () => Promise<GateRun>): Promise<GateRun> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GateInputIncomplete) throw new CommandFailure(`gate: FAILED: ${error.message}`, error.hint);
    throw error;
  }
}

/** Why a run fails beyond the approval table: invalid files, or a head that moved while judged. */
function failureReasons(run: GateRun, judgedSha: string, automation: string): string[] {
  const reasons: string[] = [];
  const author = run.pr.author;
  if (isBot(author) && author.login.toLowerCase() !== automation.toLowerCase()) {
    // Any writer can have github-actions[bot] push a commit and open a PR from a workflow on their own
    // branch: the gate then sees no person as author or committer, and GitHub sees the bot as the last
    // pusher, so the person behind it could approve their own request. Only gitgrant's App, which
    // opens PRs from an issue whose author is the grantee, is a bot whose PRs are judged.
    reasons.push(`PR #${run.pr.number} was opened by ${author.login}, not by a person or gitgrant's App (${automation}): whoever drove the bot could approve their own request; open the pull request as yourself`);
  }
  const rules = run.result.subjects.flatMap((s) => (s.subject.kind === 'policy-files' ? s.subject.files : [])).filter(isRuleFile);
  const grants = run.result.subjects.flatMap((s) => (s.subject.kind === 'grant' ? [s.subject.grant] : []));
  if (rules.length > 0 && grants.length > 0) {
    // Grants are judged by main's roles and policies; once merged they live under the PR's. A PR
    // changing both would land a grant under rules it was never judged by (a role made to reach
    // more, or to need other approvers): the rule change lands first, on its own.
    reasons.push(`PR #${run.pr.number} changes ${rules.join(', ')} and adds or changes grants (${grants.join(', ')}): a grant is judged by main's rules, so it would land under rules nobody judged it by; land the rule change first`);
  }
  if (run.pr.headSha !== judgedSha) {
    // The verdict on one commit is never carried over to another: the new head gets its own run.
    reasons.push(`the pull request head moved to ${run.pr.headSha.slice(0, 12)} while ${judgedSha.slice(0, 12)} was judged; the new head is judged by its own run`);
  }
  const unlinked = run.result.unlinkedCommits;
  if (unlinked.length > 0) {
    const which = unlinked.length === 1 ? `commit ${unlinked[0]!.sha.slice(0, 12)} is` : `${unlinked.length} commits are`;
    reasons.push(`${which} not linked to a GitHub account, so no approval counts until the email is linked or the commit rewritten`);
  }
  const unknownDismissals = run.result.subjects.flatMap((s) => s.blockedBy.flatMap((b) => (b.dismissed && 'unknown' in b.dismissed ? [{ login: b.login, ...b.dismissed.unknown }] : [])));
  if (unknownDismissals.length > 0) {
    // Fail closed: a dismissed review of someone who could approve may be a request for changes the
    // requester dismissed. Said once, with the first cause (they share it when the timeline did not load).
    const { cause, hint } = unknownDismissals[0]!;
    const who = [...new Set(unknownDismissals.map((d) => d.login))].join(', ');
    reasons.push(`a dismissed review by ${who} still blocks: ${cause}; ${hint}`);
  }
  if (!run.passed && run.result.passed) reasons.push(FILES_INVALID);
  return reasons;
}

function checkSummary(judgement: Judgement): string {
  const { run, reasons } = judgement;
  const findings = run.findings.map((d) => `- ${markdownText(formatDiagnostic(d))}`);
  return [
    ...reasons.map((reason) => `**${markdownText(reason)}**\n`),
    ...(judgement.baseSha ? [`Judged pull request #${run.pr.number}: head ${markdownCode(judgement.judgedSha)} merged into ${PROTECTED_BRANCH} at ${markdownCode(judgement.baseSha)}.\n`] : []),
    renderGateMarkdown(run.result),
    ...(findings.length > 0 ? ['', '### Findings', '', ...findings] : []),
  ].join('\n');
}
