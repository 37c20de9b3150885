/**
 * The adapter in front of the pure gate: fetches the PR, its files and reviews, and the team
 * memberships of the people who reviewed, through the narrow interfaces (so `gitgrant gate --pr N`
 * and tests can hand in the Octokit-backed ones or fakes).
 */
import type { GitHubPrincipal } from '../core/model/types.js';
import { classifyChanges, type ChangedGrant } from '../core/gate/changed-files.js';
import { isBot, type DismissalsUnread, type GateInput, type GrantUnderReview, type UnlinkedCommit } from '../core/gate/gate.js';
import { TimelineTruncated, type PullRequestReader } from '../adapters/github/pull-requests.js';
import { parseTeam, type TeamDirectory } from '../adapters/github/teams.js';
import type { PullRequest, PullRequestCommit, Review, ReviewDismissal } from '../core/gate/github-types.js';

/** The PR changes more files than GitHub listed: the gate cannot judge what it was not shown. */
export class GateInputIncomplete extends Error {
  readonly hint: string;
  constructor(readonly changed: number, readonly listed: number, what: 'files' | 'commits' = 'files') {
    super(what === 'files'
      ? `the PR changes ${changed} files but GitHub listed only ${listed}; gitgrant judges every file or none`
      : `the PR has ${changed} commits but GitHub listed only ${listed}; gitgrant judges every commit or none`);
    this.name = 'GateInputIncomplete';
    this.hint = what === 'files' ? 'split the change into pull requests of fewer than 3,000 files' : 'squash the branch into fewer than 250 commits and push';
  }
}

export interface GatherGateOptions {
  prNumber: number;
  reader: PullRequestReader;
  teams: TeamDirectory;
  policyOwners: readonly GitHubPrincipal[];
  /**
   * The approval requirement of each grant file the PR adds or changes, computed from the files at
   * `pr.headSha` by the policy engine. Leave a grant out when it does not load: the gate fails closed.
   */
  requirementsFor(pr: PullRequest, grants: readonly ChangedGrant[]): Promise<GrantUnderReview[]>;
}

export async function gatherGateInput(options: GatherGateOptions): Promise<GateInput> {
  const { reader, prNumber } = options;
  const [pr, files, reviews, commits] = await Promise.all([reader.pull(prNumber), reader.files(prNumber), reader.reviews(prNumber), reader.commits(prNumber)]);
  // A file the gate never sees is a file nobody judged: GitHub lists at most 3,000 per PR.
  if (pr.changedFiles !== undefined && files.length < pr.changedFiles) throw new GateInputIncomplete(pr.changedFiles, files.length);
  // Likewise commits (at most 250): the author of one never listed could be an approver.
  if (pr.commitCount !== undefined && commits.length < pr.commitCount) throw new GateInputIncomplete(pr.commitCount, commits.length, 'commits');
  const grants = await options.requirementsFor(pr, classifyChanges(files).grants);
  const dismissed = await dismissalsOf(reader, prNumber, reviews);

  const teamPrincipals = new Set<string>();
  for (const principal of [...options.policyOwners, ...grants.flatMap((g) => g.requirement.levels.flatMap((l) => l.from))]) {
    if (parseTeam(principal)) teamPrincipals.add(principal);
  }
  // Only people who approved or requested changes can move the verdict, and those who dismissed a
  // review (whether they could lift an objection); nobody else is looked up.
  const reviewers = new Set([
    ...reviews.filter((r) => r.user && (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED')).map((r) => r.user!.login),
    ...(dismissed.dismissals ?? []).filter((d) => !isBot(d.by)).map((d) => d.by.login),
  ]);

  const activeTeamMembers: Record<string, string[]> = {};
  await Promise.all(
    [...teamPrincipals].map(async (team) => {
      const answers = await Promise.all([...reviewers].map(async (login) => ((await options.teams.isActiveMember(login, team)) ? login : undefined)));
      activeTeamMembers[team] = answers.filter((login): login is string => login !== undefined).sort();
    }),
  );

  return {
    pr: { number: pr.number, author: pr.author.login, headSha: pr.headSha },
    files,
    grants,
    reviews,
    policyOwners: [...options.policyOwners],
    activeTeamMembers,
    commitAuthors: commitAuthorsOf(commits),
    unlinkedCommits: unlinkedCommitsOf(commits),
    ...dismissed,
  };
}

/**
 * Who dismissed the PR's dismissed reviews, from its timeline, read only when the reviews show
 * one. When the timeline cannot be read, or not all of it, the gate is told why, and every
 * dismissed review of someone who could approve keeps blocking (fail closed).
 */
async function dismissalsOf(reader: PullRequestReader, prNumber: number, reviews: readonly Review[]): Promise<{ dismissals?: ReviewDismissal[]; dismissalsUnread?: DismissalsUnread }> {
  if (!reviews.some((r) => r.state === 'DISMISSED')) return {};
  try {
    return { dismissals: await reader.dismissals(prNumber) };
  } catch (error) {
    if (error instanceof TimelineTruncated) {
      return { dismissalsUnread: { cause: `who dismissed reviews could not be read: ${error.message}`, hint: 'open the request again as a new pull request' } };
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number') throw error;
    // GitHub's own words, one line of printable text: it is shown in the log and the check.
    const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 200).trim();
    return {
      dismissalsUnread: {
        cause: `who dismissed reviews could not be read: GitHub answered ${status} for the pull request's timeline (${message})`,
        hint: "re-run the gate; if it persists, check that the gate's token can read pull requests",
      },
    };
  }
}

/**
 * The commits whose author or committer GitHub links to no account. The App's commits (its
 * `<id>+<slug>[bot]@users.noreply.github.com` address) and GitHub's own ("Update branch", web
 * edits: committed by web-flow, authored by whoever clicked) are linked, so they never appear here.
 */
function unlinkedCommitsOf(commits: readonly PullRequestCommit[]): UnlinkedCommit[] {
  return commits.flatMap((c): UnlinkedCommit[] => {
    const unlinked = [...(c.authorLogin ? [] : ['author' as const]), ...(c.committerLogin ? [] : ['committer' as const])];
    if (unlinked.length === 0) return [];
    const email = c.authorLogin ? c.committerEmail : c.authorEmail;
    return [{ sha: c.sha, unlinked, ...(email ? { email } : {}) }];
  });
}

/** Who wrote the PR's commits, by linked account; bots (the request workflow's App) are not people. */
function commitAuthorsOf(commits: readonly PullRequestCommit[]): string[] {
  const logins = commits.flatMap((c) => [c.authorLogin, c.committerLogin]).filter((login): login is string => login !== undefined && !login.toLowerCase().endsWith('[bot]'));
  return [...new Set(logins)].sort();
}
