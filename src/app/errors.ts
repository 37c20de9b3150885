/**
 * The two ways a use case stops short, whoever called it: the call was wrong (a usage error, exit 2
 * in the CLI), or something outside the user's files failed (exit 1 with a cause and a hint). The
 * CLI's entry maps them to exit codes (`cli/main.ts`); `cli/io.ts` re-exports them for commands.
 */

/** A mistake in how the use case was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** A failure outside the user's files (I/O, a cloud call): exit code 1 with a cause and a hint. */
export class CommandFailure extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}
