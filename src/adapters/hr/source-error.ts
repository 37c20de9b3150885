/**
 * An HR source that could not be read at all (refused token, server error, timeout, unreadable
 * file). Thrown rather than returned: comparing against part of HR would call everyone else
 * unknown. The message is one line and never holds a token; `hint` says what to do.
 */
export class HrSourceError extends Error {
  override readonly name = 'HrSourceError';

  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
