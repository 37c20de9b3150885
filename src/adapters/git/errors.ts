/**
 * The errors of the git adapter, apart from the runner: the CLI's entry maps them to exit codes
 * without loading Node's process machinery, which `--help` never needs.
 */

/** git failed, or could not be started; `hint` says what the person running gitgrant can do. */
export class GitError extends Error {
  constructor(message: string, readonly hint: string, readonly detail: { args: readonly string[]; status?: number; stderr: string } = { args: [], stderr: '' }) {
    super(message);
  }
}

/** A `cat-file --batch` answer that is not a blob (a missing object, a tree): the caller names the fix. */
export class GitObjectError extends GitError {
  constructor(message: string, hint: string, readonly oid: string, readonly type: string | undefined) {
    super(message, hint);
  }
}
