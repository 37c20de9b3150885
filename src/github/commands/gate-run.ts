/**
 * `gitgrant gate` and `gitgrant comment` decide the same way: the approval requirement of each
 * grant the PR adds or changes (from the policy engine), the reviews and team memberships from
 * GitHub, the pure gate, and the validation findings of the PR's files.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { locate, pointer } from '../../model/source-map.js';
import type { AccessRepo, Grant, GrantId, Instant } from '../../model/types.js';
import type { IdentityConfig } from '../../model/policy-sections.js';
import { githubLogin } from '../../plan/identity.js';
import { approvalRequirement } from '../../policy/approval.js';
import { evaluatePolicy } from '../../policy/engine.js';
import { evaluateGate, isBot, type GateResult, type GrantUnderReview } from '../gate.js';
import { gatherGateInput } from '../gate-input.js';
import type { IssueReader } from '../issue-reader.js';
import type { PullRequestReader } from '../pull-requests.js';
import type { TeamDirectory } from '../teams.js';
import type { PullRequest } from '../types.js';
import { emailForLogin } from './people.js';
import { requestIssueOf } from './request-pr.js';

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
        const requirement = approvalRequirement(grant, role, repo.policy, { author, ...(requester ? { requester } : {}), at: now });
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
