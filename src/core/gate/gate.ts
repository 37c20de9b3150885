/**
 * The PR gate, pure: given what each changed grant requires and the reviews on the PR, decide which
 * approval levels are met. No I/O and no clock: team membership arrives as data, fetched by
 * `gatherGateInput`. The same decision runs in the PR check and before apply.
 */
import type { Email, GitHubPrincipal, GrantId } from '../model/types.js';
import type { ApprovalRequirement, RequiredLevel, Waiver } from '../policy/approval-types.js';
import { classifyChanges, type RefusedFile } from './changed-files.js';
import { assignToLevels } from './matching.js';
import type { GitHubUser, PullRequestFile, Review, ReviewDismissal, ReviewState } from './github-types.js';
import { compareText } from '../text/compare-text.js';

export interface GrantUnderReview {
  requirement: ApprovalRequirement;
  /**
   * The grantee's GitHub login, when the identity mapping knows it. Absent, the gate cannot tell
   * the grantee's own approval from anyone else's, so the grant fails closed unless it is waived.
   */
  granteeLogin?: string;
  /** Where the login is to be added (the policy file holding `identities`), for the fix hint. */
  identitiesFile?: string;
}

export interface GateInput {
  pr: { number: number; author: string; headSha: string };
  files: readonly PullRequestFile[];
  /** One per grant file the PR adds or changes; a missing one fails the gate closed. */
  grants: readonly GrantUnderReview[];
  reviews: readonly Review[];
  /** Who approves changes to roles, policies, workflows and code. */
  policyOwners: readonly GitHubPrincipal[];
  /**
   * Active members per team (`@org/team`), at least among the reviewers. Pending members must not
   * be listed: an unaccepted invitation is not membership.
   */
  activeTeamMembers: Readonly<Record<string, readonly string[]>>;
  /**
   * GitHub logins of the authors and committers of the PR's commits (bots left out). Someone who
   * wrote part of the change cannot approve it: a second person must see what they wrote.
   */
  commitAuthors: readonly string[];
  /**
   * Commits of the PR whose author or committer GitHub cannot link to an account. Whoever wrote
   * them could be an approver, so while there is one, no approval counts.
   */
  unlinkedCommits?: readonly UnlinkedCommit[];
  /**
   * Who dismissed the PR's dismissed reviews, from the `review_dismissed` events of its timeline.
   * Anyone with write access can dismiss a review, the requester included: a dismissed request for
   * changes keeps blocking unless someone who could approve in the reviewer's place dismissed it,
   * and so does a dismissed review of someone who could approve when no event says what it was and
   * who dismissed it (fail closed).
   */
  dismissals?: readonly ReviewDismissal[];
  /** Set when the timeline could not be read, or not all of it: why, and what to do. */
  dismissalsUnread?: DismissalsUnread;
}

export interface DismissalsUnread {
  cause: string;
  hint: string;
}

/** A commit of the PR naming an author or committer GitHub links to no account (an email nobody added, or made up). */
export interface UnlinkedCommit {
  sha: string;
  unlinked: ('author' | 'committer')[];
  /** The email the commit gives for them (the author's when both), as written: for the fix hint only. */
  email?: string;
}

/** `not-needed`: a valid approval, but every level it could fill was already full. */
export type IgnoreReason = 'dismissed' | 'bot' | 'pr-author' | 'commit-author' | 'grantee' | 'requester' | 'stale' | 'not-eligible' | 'not-needed';

export interface IgnoredReview {
  login: string;
  reviewId: number;
  state: ReviewState;
  reason: IgnoreReason;
}

export interface CountedApprover {
  login: string;
  reviewId: number;
  /** The principals of the level this person belongs to (a team, or their own `@login`). */
  via: GitHubPrincipal[];
}

export type LevelStatus = 'satisfied' | 'missing' | 'waived';

export interface LevelVerdict {
  name: string;
  kind: RequiredLevel['kind'];
  because: string;
  from: GitHubPrincipal[];
  needed: number;
  status: LevelStatus;
  approvers: CountedApprover[];
}

export interface Blocker {
  login: string;
  reviewId: number;
  /** The levels this person could approve, which is why their objection counts. */
  levels: string[];
  /**
   * The review was dismissed, yet it still blocks: by someone who cannot overrule it (and why), or
   * by someone unknown (the timeline did not say, or could not be read).
   */
  dismissed?: { by: string; because: DismisserBar } | { unknown: DismissalsUnread };
}

/** Why a dismisser cannot lift a request for changes: what would stop their own approval here. */
export type DismisserBar = 'bot' | 'pr-author' | 'commit-author' | 'grantee' | 'requester' | 'not-eligible';

export type GateSubject = { kind: 'grant'; grant: GrantId; change: 'added' | 'modified' } | { kind: 'policy-files'; files: string[] };

/**
 * `unevaluated`: a changed grant had no requirement (it did not load); the gate fails closed.
 * `grantee-unknown`: the grantee's GitHub login is unknown, so their own approval could be counted;
 * the gate fails closed.
 */
export type SubjectStatus = 'approved' | 'waived' | 'missing' | 'blocked' | 'unevaluated' | 'grantee-unknown';

export interface SubjectVerdict {
  subject: GateSubject;
  status: SubjectStatus;
  levels: LevelVerdict[];
  waivedBy?: Waiver;
  /** An exempt or auto-approve list that names someone here but does not waive it (see approval-types). */
  notWaived?: ApprovalRequirement['notWaived'];
  /** For `grantee-unknown`: whose login is missing and where to add it. */
  granteeUnknown?: { grantee: Email; identitiesFile: string };
  blockedBy: Blocker[];
  ignored: IgnoredReview[];
}

export interface GateResult {
  pr: number;
  headSha: string;
  passed: boolean;
  /** Grants first (sorted by path), then the policy-files subject when there is one. */
  subjects: SubjectVerdict[];
  /** Grant files the PR deletes: revocation needs no approval. */
  deletedGrants: GrantId[];
  /** Files no approval lets through (bad names under grants/, symbolic links): any one fails the gate. */
  refused: RefusedFile[];
  /**
   * Commits GitHub cannot link to an account, when the PR needs an approval: any one fails the gate
   * (an approval counts only when GitHub links every commit of the PR to an account). Empty when
   * nothing needs approving.
   */
  unlinkedCommits: UnlinkedCommit[];
}

export function evaluateGate(input: GateInput): GateResult {
  const changes = classifyChanges(input.files);
  const dismissals = dismissalsOf(input);
  const decisions = latestDecisions(input.reviews, dismissals);
  const members = normaliseMembership(input.activeTeamMembers);
  const requirements = new Map(input.grants.map((g) => [g.requirement.grant as string, g]));

  const subjects: SubjectVerdict[] = changes.grants.map(({ grant, change }) => {
    const subject: GateSubject = { kind: 'grant', grant, change };
    const underReview = requirements.get(grant);
    if (!underReview) return { subject, status: 'unevaluated', levels: [], blockedBy: [], ignored: [] };
    const { requirement, granteeLogin } = underReview;
    const excluded: Exclusions = {
      author: input.pr.author,
      commitAuthors: input.commitAuthors,
      ...(granteeLogin ? { grantee: granteeLogin } : {}),
      ...(requirement.cannotApprove.requester ? { requester: requirement.cannotApprove.requester } : {}),
    };
    const verdict = judge(subject, requirement.levels, requirement.waivedBy, decisions, excluded, input.pr.headSha, members, dismissals);
    if (requirement.notWaived) verdict.notWaived = requirement.notWaived;
    // Fail closed: without the grantee's login, any approval counted could be their own. A waived
    // grant counts no approval, so it does not depend on telling them apart.
    if (!granteeLogin && verdict.status !== 'waived') {
      verdict.status = 'grantee-unknown';
      verdict.granteeUnknown = { grantee: requirement.cannotApprove.grantee, identitiesFile: underReview.identitiesFile ?? 'policies/identities.yaml' };
    }
    return verdict;
  });

  if (changes.policyFiles.length > 0) {
    const level: RequiredLevel = {
      name: 'policy-owners',
      count: 1,
      from: [...input.policyOwners],
      because: 'the PR changes roles, policies, workflows or code',
      kind: 'policy-owners',
    };
    const subject: GateSubject = { kind: 'policy-files', files: changes.policyFiles };
    subjects.push(judge(subject, [level], undefined, decisions, { author: input.pr.author, commitAuthors: input.commitAuthors }, input.pr.headSha, members, dismissals));
  }

  // Fail closed: the commit-author exclusion works on linked accounts only. An approver who commits
  // under an email GitHub cannot link would be counted, so no approval counts while such a commit is
  // in the PR. Waived grants and deletions count no approval and are not held.
  const needsApproval = subjects.some((s) => s.status !== 'waived');
  const unlinkedCommits = needsApproval ? [...(input.unlinkedCommits ?? [])] : [];
  return {
    pr: input.pr.number,
    headSha: input.pr.headSha,
    passed: changes.refused.length === 0 && unlinkedCommits.length === 0 && subjects.every((s) => s.status === 'approved' || s.status === 'waived'),
    subjects,
    deletedGrants: changes.deletedGrants,
    refused: changes.refused,
    unlinkedCommits,
  };
}

interface Decision {
  review: Review & { user: GitHubUser };
  login: string;
}

/** What the gate knows of each dismissed review, by review id. */
interface Dismissals {
  byReview: Map<number, ReviewDismissal[]>;
  unread?: DismissalsUnread;
}

function dismissalsOf(input: GateInput): Dismissals {
  const byReview = new Map<number, ReviewDismissal[]>();
  for (const d of input.dismissals ?? []) byReview.set(d.reviewId, [...(byReview.get(d.reviewId) ?? []), d]);
  return { byReview, ...(input.dismissalsUnread ? { unread: input.dismissalsUnread } : {}) };
}

/** The review was a comment before it was dismissed: it decided nothing, then or now. */
function wasComment(review: Review, dismissals: Dismissals): boolean {
  const known = dismissals.byReview.get(review.id) ?? [];
  return review.state === 'DISMISSED' && known.length > 0 && known.every((d) => d.previousState.toUpperCase() === 'COMMENTED');
}

/**
 * Each reviewer's latest decisive review. A comment does not withdraw an earlier approval or
 * request for changes, which matches how GitHub itself reports a reviewer's state; nor does a
 * dismissed comment.
 */
function latestDecisions(reviews: readonly Review[], dismissals: Dismissals): Decision[] {
  const decisive = reviews
    .filter((r): r is Review & { user: GitHubUser } => !!r.user && (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED'))
    .filter((r) => !wasComment(r, dismissals))
    .sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0) || a.id - b.id);
  const latest = new Map<string, Decision>();
  for (const review of decisive) latest.set(review.user.login.toLowerCase(), { review, login: review.user.login });
  return [...latest.values()].sort((a, b) => compareText(a.login, b.login));
}

function normaliseMembership(teams: Readonly<Record<string, readonly string[]>>): Map<string, Set<string>> {
  return new Map(Object.entries(teams).map(([team, logins]) => [principalKey(team), new Set(logins.map((l) => l.toLowerCase()))]));
}

function principalKey(principal: string): string {
  return principal.replace(/^@/, '').toLowerCase();
}

interface Exclusions {
  author: string;
  commitAuthors: readonly string[];
  grantee?: string;
  requester?: string;
}

/** A GitHub App or other bot account: never an approver, and the only author whose PR may speak for an issue's author. */
export function isBot(user: GitHubUser): boolean {
  return user.type === 'Bot' || user.login.toLowerCase().endsWith('[bot]');
}

function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && principalKey(a) === b.toLowerCase();
}

/** Why this person can never approve this subject, whatever their team. */
function exclusion(user: GitHubUser, excluded: Exclusions): (IgnoreReason & DisqualifiedBecause) | undefined {
  // Order matters only for the reason shown; every one of these alone disqualifies.
  if (isBot(user)) return 'bot';
  if (sameLogin(excluded.author, user.login)) return 'pr-author';
  if (excluded.commitAuthors.some((login) => sameLogin(login, user.login))) return 'commit-author';
  if (sameLogin(excluded.grantee, user.login)) return 'grantee';
  if (sameLogin(excluded.requester, user.login)) return 'requester';
  return undefined;
}

type DisqualifiedBecause = Exclude<DismisserBar, 'not-eligible'>;

/**
 * A dismissed review that still blocks, or undefined when it does not: it was an approval (or a
 * comment), or someone who could approve one of the levels the reviewer could dismissed it. Whoever
 * else dismisses an objection (the requester, a commit writer, a bot driven from a workflow, any
 * other writer) has not answered it. With no event for it, what it was and who dismissed it are
 * unknown, and it blocks.
 */
function standingObjection(
  decision: Decision,
  levels: readonly RequiredLevel[],
  couldApprove: readonly string[],
  excluded: Exclusions,
  members: Map<string, Set<string>>,
  dismissals: Dismissals,
): Blocker | undefined {
  const { review, login } = decision;
  const blocker = { login, reviewId: review.id, levels: [...couldApprove] };
  const known = dismissals.byReview.get(review.id) ?? [];
  if (known.length === 0) {
    const unknown = dismissals.unread ?? {
      cause: `GitHub lists no review_dismissed event for review ${review.id}, so what it said and who dismissed it are unknown`,
      hint: `re-run the gate; if it persists, ${login} approves the latest commit`,
    };
    return { ...blocker, dismissed: { unknown } };
  }
  const objections = known.filter((d) => !['APPROVED', 'COMMENTED'].includes(d.previousState.toUpperCase()));
  const peers = levels.filter((level) => couldApprove.includes(level.name));
  for (const dismissal of objections) {
    const bar = exclusion(dismissal.by, excluded) ?? (peers.some((level) => principalsMatching(dismissal.by.login, level.from, members).length > 0) ? undefined : 'not-eligible');
    if (bar) return { ...blocker, dismissed: { by: dismissal.by.login, because: bar } };
  }
  return undefined;
}

function principalsMatching(login: string, from: readonly GitHubPrincipal[], members: Map<string, Set<string>>): GitHubPrincipal[] {
  const key = login.toLowerCase();
  return from.filter((principal) => {
    const name = principalKey(principal);
    return name.includes('/') ? (members.get(name)?.has(key) ?? false) : name === key;
  });
}

function judge(
  subject: GateSubject,
  levels: readonly RequiredLevel[],
  waivedBy: Waiver | undefined,
  decisions: readonly Decision[],
  excluded: Exclusions,
  headSha: string,
  members: Map<string, Set<string>>,
  dismissals: Dismissals,
): SubjectVerdict {
  const ignored: IgnoredReview[] = [];
  const blockedBy: Blocker[] = [];
  const approvers: { decision: Decision; viaPerLevel: GitHubPrincipal[][] }[] = [];

  for (const decision of decisions) {
    const { review, login } = decision;
    const ignore = (reason: IgnoreReason) => ignored.push({ login, reviewId: review.id, state: review.state, reason });
    const excludedBecause = exclusion(review.user, excluded);
    const viaPerLevel = levels.map((level) => principalsMatching(login, level.from, members));
    const couldApprove = levels.filter((_, i) => viaPerLevel[i]!.length > 0).map((l) => l.name);
    if (review.state === 'DISMISSED') {
      // Only the objection of someone who could approve here can still stand.
      const standing = excludedBecause || couldApprove.length === 0 ? undefined : standingObjection(decision, levels, couldApprove, excluded, members, dismissals);
      if (standing) blockedBy.push(standing);
      else ignore('dismissed');
      continue;
    }
    if (excludedBecause) {
      ignore(excludedBecause);
      continue;
    }
    if (couldApprove.length === 0) {
      ignore('not-eligible');
      continue;
    }
    if (review.state === 'CHANGES_REQUESTED') {
      // Outstanding until the reviewer approves or it is dismissed, whatever was pushed since.
      blockedBy.push({ login, reviewId: review.id, levels: couldApprove });
      continue;
    }
    // An approval of an older head does not cover what was pushed after it (e.g. a later `expires`).
    if (review.commitId !== headSha) {
      ignore('stale');
      continue;
    }
    approvers.push({ decision, viaPerLevel });
  }

  const matching = assignToLevels({
    capacities: levels.map((l) => l.count),
    eligible: levels.map((_, level) => approvers.map((a) => a.viaPerLevel[level]!.length > 0)),
    people: approvers.length,
  });

  const levelVerdicts: LevelVerdict[] = levels.map((level, index) => ({
    name: level.name,
    kind: level.kind,
    because: level.because,
    from: [...level.from],
    needed: level.count,
    status: matching.complete[index] ? 'satisfied' : waivedBy ? 'waived' : 'missing',
    approvers: matching.seated[index]!.map((person) => {
      const { decision, viaPerLevel } = approvers[person]!;
      return { login: decision.login, reviewId: decision.review.id, via: viaPerLevel[index]! };
    }),
  }));

  const seated = new Set(matching.seated.flat());
  approvers.forEach(({ decision }, person) => {
    if (!seated.has(person)) ignored.push({ login: decision.login, reviewId: decision.review.id, state: decision.review.state, reason: 'not-needed' });
  });

  const allSatisfied = levelVerdicts.every((l) => l.status === 'satisfied');
  const status: SubjectStatus = blockedBy.length > 0 ? 'blocked' : waivedBy ? 'waived' : allSatisfied ? 'approved' : 'missing';
  ignored.sort((a, b) => compareText(a.login, b.login));
  return { subject, status, levels: levelVerdicts, ...(waivedBy ? { waivedBy } : {}), blockedBy, ignored };
}
