/** A commit that landed on main, as git tells it: what `record-approvals` and `rejudge` judge. */
export interface LandedCommit {
  sha: string;
  message: string;
  committedAt: string;
  committerName: string;
  committerEmail: string;
  /** The first parent: main as it was before this commit. Absent for a root commit. */
  before?: string;
}

/** A commit of a pushed range, oldest first, with what it changes against its first parent. */
export interface LandedChange extends LandedCommit {
  /** It changes files under grants/, roles/ or policies/. */
  touchesAccess: boolean;
  /** Grant files it adds or modifies (a rename counts as an addition of the new path). */
  grants: readonly string[];
}
