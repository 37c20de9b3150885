/** The commit `record-approvals` writes its note on, read from git: it must be the checkout's HEAD. */
import type { LandedCommit } from '../../core/audit/landed-commit.js';
import { git } from './git.js';
import { UsageError } from './io.js';

export function landedCommit(root: string, ref: string): LandedCommit {
  let sha: string;
  try {
    sha = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(`--commit ${ref} is not a commit in this repository`, 'fetch it first, or name the commit that landed on main');
  }
  const head = git(root, ['rev-parse', 'HEAD']).trim();
  if (head !== sha) {
    throw new UsageError(`the checkout is at ${head.slice(0, 12)}, not at ${sha.slice(0, 12)}`, `check out ${ref} first: the gate reads the grants as that commit has them`);
  }
  const [committedAt, parents, committerName = '', committerEmail = ''] = git(root, ['show', '-s', '--format=%cI%n%P%n%cn%n%ce', sha]).split('\n');
  return {
    sha, message: git(root, ['show', '-s', '--format=%B', sha]), committedAt: committedAt!.trim(), committerName, committerEmail,
    ...(parents?.trim() ? { before: parents.trim().split(' ')[0]! } : {}),
  };
}
