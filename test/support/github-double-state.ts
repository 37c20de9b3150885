/**
 * The GitHub double's in-memory world: repositories with issues and pull requests (a PR is also an
 * issue, as on GitHub, so PR comments go through the issues API), reviews, org teams with active
 * and pending memberships. Time is a synthetic clock that advances one second per event, never the
 * wall clock, so responses are the same on every run.
 */

export type UserType = 'User' | 'Bot';

export interface UserRecord {
  login: string;
  id: number;
  type: UserType;
}

export interface CommentRecord {
  id: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

/**
 * What the issue events API reports: a state change (who closed or reopened, when, and why), a
 * review dismissed (who dismissed which review, and what it was before), or a label added.
 */
export type IssueEventRecord =
  | { id: number; event: 'closed' | 'reopened'; actor: UserRecord; createdAt: string; stateReason: 'completed' | 'not_planned' | 'reopened' | null }
  | { id: number; event: 'review_dismissed'; actor: UserRecord; createdAt: string; dismissedReview: DismissedReviewRecord }
  | { id: number; event: 'labeled'; actor: UserRecord; createdAt: string; label: string };

/** GitHub's `dismissed_review` of a `review_dismissed` event: `state` is the review's state before, in lower case. */
export interface DismissedReviewRecord {
  state: 'approved' | 'changes_requested' | 'commented';
  reviewId: number;
  message: string | null;
  /** The pull request's head when the review was dismissed. */
  commitId: string;
}

export interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  user: UserRecord;
  comments: CommentRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  isPull: boolean;
  /** State changes, oldest first, as `GET /repos/{owner}/{repo}/issues/{n}/events` lists them. */
  events: IssueEventRecord[];
}

export interface ReviewRecord {
  id: number;
  user: UserRecord;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  submittedAt: string;
  body: string;
}

export interface FileRecord {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previousFilename?: string;
}

export interface CommitRecord {
  sha: string;
  message: string;
  /** The account GitHub links the git author's email to; absent when it cannot link it. */
  author?: UserRecord;
  /** The account GitHub links the git committer's email to; absent when it cannot link it. */
  committer?: UserRecord;
  /** The emails written in the commit (anyone can write any); absent: an address no account has. */
  authorEmail?: string;
  committerEmail?: string;
  /** 1 when absent; 2 for a merge commit. */
  parents?: number;
}

/**
 * A commit as a test seeds it. `author`/`committer`: the login GitHub links the email to (default:
 * the PR's author; the committer defaults to the author), `null` when GitHub cannot link it; the
 * email then defaults to an address no account has.
 */
export interface SeedCommit {
  sha?: string;
  message?: string;
  author?: string | null;
  committer?: string | null;
  authorEmail?: string;
  committerEmail?: string;
  /** 2 for a merge commit (GitHub's "Update branch" makes one, committed by web-flow). */
  parents?: number;
}

/** `GET|PUT /repos/{owner}/{repo}/actions/permissions/workflow`. */
export interface ActionsWorkflowRecord {
  defaultWorkflowPermissions: 'read' | 'write';
  canApprovePullRequestReviews: boolean;
  /** The organisation decides these settings: a PUT on the repository answers 409. */
  lockedByOrganization?: boolean;
}

/** What GitHub gives a repository of an organisation created since 2023. */
export const DEFAULT_ACTIONS_WORKFLOW: ActionsWorkflowRecord = { defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false };

export interface PullRecord {
  number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  merged: boolean;
  /** Set when the double merges the PR: the commit that landed it on the base branch. */
  mergeCommitSha?: string;
  mergedAt?: string;
  mergedBy?: UserRecord;
  draft: boolean;
  /** `owner/name` of a fork the PR comes from; the PR's own repository when absent. */
  headRepo?: string;
  files: FileRecord[];
  commits: CommitRecord[];
  reviews: ReviewRecord[];
}

export interface RepoRecord {
  owner: string;
  name: string;
  id: number;
  nextNumber: number;
  issues: Map<number, IssueRecord>;
  pulls: Map<number, PullRecord>;
  /** Check runs created on the repository's commits, oldest first. */
  checkRuns: CheckRunRecord[];
  /** Settings > Actions > General: the GITHUB_TOKEN's default and whether Actions may approve pull requests. */
  actionsWorkflow: ActionsWorkflowRecord;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title?: string;
  summary?: string;
  text?: string;
  /** `external_id`: the creator's own reference for what the run is about. */
  externalId?: string;
  /** The account that created it (a GitHub App's bot for real check runs). */
  creator: UserRecord;
}

export type Membership = 'active' | 'pending';

export interface SeedPullRequest {
  /** `owner/name`. */
  repo: string;
  author: string;
  authorType?: UserType;
  title?: string;
  body?: string;
  headRef?: string;
  baseRef?: string;
  headSha?: string;
  /** `owner/name` of the fork the PR comes from. */
  headRepo?: string;
  files?: Array<{ path: string; status?: FileRecord['status']; previousPath?: string }>;
  commits?: Array<SeedCommit & { sha: string }>;
}

export interface SeedReview {
  repo: string;
  pull: number;
  login: string;
  type?: UserType;
  state: ReviewRecord['state'];
  /** Defaults to the PR's current head. */
  commitId?: string;
}

export interface SeedIssue {
  repo: string;
  title: string;
  body?: string;
  author?: string;
  labels?: string[];
  assignees?: string[];
  state?: 'open' | 'closed';
}

const EPOCH = Date.UTC(2030, 0, 1);

export class GitHubDoubleState {
  private readonly repos = new Map<string, RepoRecord>();
  private readonly users = new Map<string, UserRecord>();
  /** `org/slug` (lower-case) → login (lower-case) → membership state. */
  private readonly teams = new Map<string, Map<string, Membership>>();
  private seconds = 0;
  private nextId = 1000;

  /** The synthetic clock: each call is one second after the previous one. */
  tick(): string {
    this.seconds += 1;
    return new Date(EPOCH + this.seconds * 1000).toISOString().replace('.000Z', 'Z');
  }

  id(): number {
    return this.nextId++;
  }

  /** A deterministic 40-hex sha for things the double creates. */
  sha(): string {
    return this.id().toString(16).padStart(40, 'c');
  }

  user(login: string, type: UserType = login.endsWith('[bot]') ? 'Bot' : 'User'): UserRecord {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { login, id: this.id(), type };
      this.users.set(key, user);
    }
    return user;
  }

  repo(fullName: string): RepoRecord {
    const found = this.findRepo(fullName);
    if (found) return found;
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`Seed a repository as owner/name, not ${JSON.stringify(fullName)}`);
    const repo: RepoRecord = { owner, name, id: this.id(), nextNumber: 1, issues: new Map(), pulls: new Map(), checkRuns: [], actionsWorkflow: { ...DEFAULT_ACTIONS_WORKFLOW } };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  findRepo(fullName: string): RepoRecord | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  addIssue(repo: RepoRecord, fields: { title: string; body?: string; author: UserRecord; labels?: string[]; assignees?: string[]; isPull?: boolean }): IssueRecord {
    const now = this.tick();
    const issue: IssueRecord = {
      number: repo.nextNumber++,
      title: fields.title,
      body: fields.body ?? '',
      state: 'open',
      stateReason: null,
      labels: fields.labels ?? [],
      assignees: fields.assignees ?? [],
      user: fields.author,
      comments: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      isPull: fields.isPull ?? false,
      events: [],
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** `actor` is who GitHub records as closing or reopening (the issue's author when not given). */
  setIssueState(issue: IssueRecord, state: 'open' | 'closed', reason?: IssueRecord['stateReason'], actor: UserRecord = issue.user): void {
    const now = this.tick();
    if (state !== issue.state) {
      issue.closedAt = state === 'closed' ? now : null;
      issue.stateReason = state === 'closed' ? (reason ?? 'completed') : 'reopened';
      issue.events.push({ id: this.id(), event: state === 'closed' ? 'closed' : 'reopened', actor, createdAt: now, stateReason: issue.stateReason });
    }
    issue.state = state;
    issue.updatedAt = now;
  }

  addPull(repo: RepoRecord, seed: Omit<SeedPullRequest, 'repo'>): PullRecord {
    const issue = this.addIssue(repo, { title: seed.title ?? 'Request access', body: seed.body ?? '', author: this.user(seed.author, seed.authorType), isPull: true });
    const headSha = seed.headSha ?? this.sha();
    const pull: PullRecord = {
      number: issue.number,
      headRef: seed.headRef ?? `request-${issue.number}`,
      headSha,
      baseRef: seed.baseRef ?? 'main',
      merged: false,
      draft: false,
      ...(seed.headRepo ? { headRepo: seed.headRepo } : {}),
      files: (seed.files ?? []).map((f) => ({ filename: f.path, status: f.status ?? 'added', ...(f.previousPath ? { previousFilename: f.previousPath } : {}) })),
      commits: (seed.commits ?? [{ sha: headSha }]).map((c) => this.commit({ message: 'Request access', ...c }, seed.author)),
      reviews: [],
    };
    repo.pulls.set(pull.number, pull);
    return pull;
  }

  /** A commit record from a seed, written by `prAuthor` unless the seed says otherwise. */
  commit(seed: SeedCommit, prAuthor: string): CommitRecord {
    const author = seed.author === undefined ? prAuthor : seed.author;
    const committer = seed.committer === undefined ? author : seed.committer;
    const emailOf = (login: string | null, given: string | undefined) => given ?? (login ? `${this.user(login).id}+${login}@users.noreply.github.com` : 'someone@unlinked.invalid');
    return {
      sha: seed.sha ?? this.sha(),
      message: seed.message ?? 'Change the request',
      ...(author ? { author: this.user(author) } : {}),
      ...(committer ? { committer: this.user(committer) } : {}),
      authorEmail: emailOf(author, seed.authorEmail),
      committerEmail: emailOf(committer, seed.committerEmail),
      parents: seed.parents ?? 1,
    };
  }

  /** Creates the team if needed and returns its members; `team` is `org/slug` or `@org/slug`. */
  team(team: string): Map<string, Membership> {
    const key = team.replace(/^@/, '').toLowerCase();
    let members = this.teams.get(key);
    if (!members) {
      members = new Map();
      this.teams.set(key, members);
    }
    return members;
  }

  setMembership(team: string, login: string, state: Membership | undefined): void {
    if (state) this.team(team).set(login.toLowerCase(), state);
    else this.team(team).delete(login.toLowerCase());
  }

  membership(org: string, slug: string, login: string): Membership | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase())?.get(login.toLowerCase());
  }

}
