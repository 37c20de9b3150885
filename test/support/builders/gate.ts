/** Builders for gate scenarios, so each test reads as the situation it describes. */
import type { DismissalsUnread, GateInput, GrantUnderReview } from '../../../src/core/gate/gate.js';
import type { PullRequestFile, Review, ReviewDismissal, ReviewState } from '../../../src/core/gate/github-types.js';
import { email, gitHubPrincipal, grantId, type GitHubPrincipal } from '../../../src/core/model/types.js';
import type { RequiredLevel, Waiver } from '../../../src/core/policy/approval-types.js';

export const HEAD = 'h'.repeat(40);
export const OLD_HEAD = 'o'.repeat(40);

class GrantBuilder {
  private readonly levels: RequiredLevel[] = [];
  private waiver?: Waiver;
  /** Mapped by default: most scenarios are not about the identities. */
  private login: string | undefined = 'the-grantee';

  constructor(readonly path: string) {}

  needs(count: number, name: string, ...from: string[]): this {
    this.levels.push({ name, count, from: from.map(gitHubPrincipal), because: `role level ${name}`, kind: 'role' });
    return this;
  }

  escalation(count: number, name: string, ...from: string[]): this {
    this.levels.push({ name, count, from: from.map(gitHubPrincipal), because: `escalation ${name}: longer than 72h`, kind: 'escalation' });
    return this;
  }

  waivedBecause(because: string): this {
    this.waiver = { kind: 'auto-approve-window', because };
    return this;
  }

  grantedTo(login: string): this {
    this.login = login;
    return this;
  }

  /** A grantee the identities give no GitHub login (a new hire, say). */
  withUnmappedGrantee(): this {
    this.login = undefined;
    return this;
  }

  build(): GrantUnderReview {
    return {
      requirement: {
        grant: grantId(this.path),
        levels: this.levels,
        ...(this.waiver ? { waivedBy: this.waiver } : {}),
        cannotApprove: { grantee: email('grantee@example.com') },
      },
      ...(this.login ? { granteeLogin: this.login } : {}),
    };
  }
}

export const aGrant = (path = 'grants/prod-db/alice-inc-1.yaml') => new GrantBuilder(path);

let nextReviewId = 1;
let clock = 1_700_000_000_000;

class ReviewBuilder {
  private userType = 'User';
  constructor(private readonly login: string) {}

  asBot(): this {
    this.userType = 'Bot';
    return this;
  }

  private review(state: ReviewState, commitId: string): Review {
    clock += 1000;
    return { id: nextReviewId++, user: { login: this.login, type: this.userType }, state, commitId, submittedAt: clock };
  }

  approves(commitId = HEAD): Review {
    return this.review('APPROVED', commitId);
  }
  requestsChanges(commitId = HEAD): Review {
    return this.review('CHANGES_REQUESTED', commitId);
  }
  comments(commitId = HEAD): Review {
    return this.review('COMMENTED', commitId);
  }
  dismissed(commitId = HEAD): Review {
    return this.review('DISMISSED', commitId);
  }
}

export const by = (login: string) => new ReviewBuilder(login);

export const added = (path: string): PullRequestFile => ({ path, status: 'added' });

class GateInputBuilder {
  private files: PullRequestFile[] = [];
  private grants: GrantUnderReview[] = [];
  private reviews: Review[] = [];
  private teams: Record<string, string[]> = {};
  private owners: GitHubPrincipal[] = [gitHubPrincipal('@acme/security')];
  private author = 'requester';
  private commitAuthors: string[] = [];
  private dismissals: ReviewDismissal[] = [];
  private unread?: DismissalsUnread;

  openedBy(login: string): this {
    this.author = login;
    return this;
  }

  adding(...grants: GrantBuilder[]): this {
    for (const g of grants) {
      this.files.push(added(g.path));
      this.grants.push(g.build());
    }
    return this;
  }

  changingFiles(...files: PullRequestFile[]): this {
    this.files.push(...files);
    return this;
  }

  withReviews(...reviews: Review[]): this {
    this.reviews.push(...reviews);
    return this;
  }

  /**
   * `dismisser` dismissed this review (given to `withReviews`), as GitHub does it: the reviews API
   * then says DISMISSED, and the issue events say who dismissed it and what it was before.
   */
  dismissedBy(review: Review, dismisser: string): this {
    this.dismissals.push({ reviewId: review.id, by: { login: dismisser, type: dismisser.endsWith('[bot]') ? 'Bot' : 'User' }, previousState: review.state });
    review.state = 'DISMISSED';
    return this;
  }

  /** The PR's issue events could not be read (or not all of them). */
  dismissalsUnreadBecause(cause: string, hint = 're-run the gate'): this {
    this.unread = { cause, hint };
    return this;
  }

  /** People (besides the author) who wrote commits of the PR. */
  withCommitsBy(...logins: string[]): this {
    this.commitAuthors.push(...logins);
    return this;
  }

  team(name: string, ...activeMembers: string[]): this {
    this.teams[name] = activeMembers;
    return this;
  }

  policyOwners(...owners: string[]): this {
    this.owners = owners.map(gitHubPrincipal);
    return this;
  }

  build(): GateInput {
    return {
      pr: { number: 7, author: this.author, headSha: HEAD },
      files: this.files,
      grants: this.grants,
      reviews: this.reviews,
      policyOwners: this.owners,
      activeTeamMembers: this.teams,
      commitAuthors: this.commitAuthors,
      dismissals: this.dismissals,
      ...(this.unread ? { dismissalsUnread: this.unread } : {}),
    };
  }
}

export const aPullRequest = () => new GateInputBuilder();
