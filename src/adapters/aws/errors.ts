/** Recognising AWS errors by name, and collecting the failures of one apply. */
import type { LimitFunction } from 'p-limit';

/** Whether an SDK error is one of the named service errors (e.g. "already gone" on delete). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** Runs `operation`; the named "not found" errors become `undefined` instead of failures. */
export async function unlessMissing<T>(operation: Promise<T>, ...names: string[]): Promise<T | undefined> {
  try {
    return await operation;
  } catch (error) {
    if (isAwsError(error, ...names)) return undefined;
    throw error;
  }
}

/**
 * Every change of an apply is attempted; the ones that failed are reported together so one bad
 * principal does not hide the others, and the next run converges on what is left.
 */
export class AwsApplyError extends Error {
  constructor(
    readonly target: string,
    readonly failures: readonly string[],
  ) {
    // No promise of a retry here: whether one can succeed is for the caller to say (a missing user's cannot).
    super(`${failures.length} change(s) failed on ${target}: ${failures.join('; ')}`);
    this.name = 'AwsApplyError';
  }
}

export interface Task {
  /** What the task changes, for the error message. */
  label: string;
  run(): Promise<void>;
}

/** Runs every task (at most `limit` at once) and throws one AwsApplyError listing all failures. */
export async function runAll(target: string, tasks: readonly Task[], limit: LimitFunction): Promise<void> {
  const results = await Promise.allSettled(tasks.map((task) => limit(() => task.run())));
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [`${tasks[index]!.label}: ${errorMessage(result.reason)}`] : [],
  );
  if (failures.length > 0) throw new AwsApplyError(target, failures);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
