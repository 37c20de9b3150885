/**
 * The one module of gitgrant that runs git (test/unit/adapters/git-runner.test.ts keeps it so).
 * Every git question and every git write in `src/` goes through here:
 *
 * - an argument array, never a shell, so no text is ever parsed as a command line;
 * - `-c core.quotepath=off`: paths printed as stored (a quoted non-ASCII name would match no rule);
 * - revisions a person typed go after `--end-of-options` (see `revisionArgs`), paths after `--`,
 *   so no user text can become a git option (`--output=...` makes `git show` write files);
 * - failures are `GitError`s, which belong to this adapter: the CLI maps them to exit codes.
 *
 * Synchronous calls for plumbing and short answers; `gitStream` for long output read as it comes
 * (the audit's `git log`), and `catFile`/`catFileSync` for contents through one `cat-file --batch`.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { GitError, GitObjectError } from './errors.js';

export { GitError, GitObjectError };

export type GitEnv = Readonly<Record<string, string | undefined>>;

const GLOBAL = ['-c', 'core.quotepath=off'] as const;
const MAX_BUFFER = 1024 * 1024 * 1024;
const DEFAULT_HINT = 'run it inside a git checkout of the access repo';

export interface GitCall {
  /** Added to the environment (a temporary index, a token header for the remote, commit dates). */
  env?: GitEnv;
  /** Written to git's standard input (`commit -F -`, `hash-object --stdin`). */
  input?: string | Uint8Array;
  /** What to tell the person when git fails. */
  hint?: string;
}

/** The finished call, whatever the exit status. */
export interface GitExit {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * `--end-of-options` and then the revisions: whatever a flag or a payload said (`--base-ref`,
 * `--changed-since`, `--commit`) is read as a revision, never as an option, even if it starts
 * with a dash.
 */
export function revisionArgs(...revisions: string[]): string[] {
  return ['--end-of-options', ...revisions];
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function environment(env: GitEnv | undefined): NodeJS.ProcessEnv | undefined {
  return env ? { ...process.env, ...env } : undefined;
}

/** Runs git to the end; never throws for an exit status, only when git cannot be started. */
export function gitExit(repo: string, args: readonly string[], call: GitCall = {}): GitExit {
  try {
    const stdout = execFileSync('git', [...GLOBAL, ...args], {
      cwd: repo,
      stdio: [call.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      maxBuffer: MAX_BUFFER,
      env: environment(call.env),
      ...(call.input !== undefined ? { input: call.input } : {}),
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    return failedExit(args, error);
  }
}

/**
 * `gitExit` in a process of its own while this one goes on: for questions that scan the checkout
 * (tens of milliseconds on 10,000 files), asked side by side. No standard input.
 */
export function gitExitAsync(repo: string, args: readonly string[], call: Omit<GitCall, 'input'> = {}): Promise<GitExit> {
  return new Promise((resolve, reject) => {
    execFile('git', [...GLOBAL, ...args], { cwd: repo, encoding: 'buffer', maxBuffer: MAX_BUFFER, env: environment(call.env) }, (error, stdout, stderr) => {
      if (!error) return resolve({ status: 0, stdout, stderr: '' });
      try {
        resolve(failedExit(args, Object.assign(error, { status: error.code, stdout, stderr })));
      } catch (notStarted) {
        reject(notStarted);
      }
    }).stdin?.end();
  });
}

function failedExit(args: readonly string[], error: unknown): GitExit {
  const failed = error as { status?: number | string | null; stdout?: Buffer; stderr?: Buffer; code?: string; message?: string };
  if (typeof failed.status !== 'number') {
    throw new GitError(`could not run git: ${failed.code ?? failed.message ?? String(error)}`, 'install git and make sure it is on PATH', { args, stderr: '' });
  }
  return { status: failed.status, stdout: failed.stdout ?? Buffer.alloc(0), stderr: failed.stderr?.toString('utf8') ?? '' };
}

/** Turns a failed call into the error its caller wants to show (a conflict, an unknown revision). */
export type FailureOf = (exit: GitExit) => GitError;

/**
 * git's output as bytes; a non-zero exit is a `GitError` naming the subcommand and git's first
 * line, or whatever `failure` makes of it.
 */
export function gitBytes(repo: string, args: readonly string[], call: GitCall = {}, failure?: FailureOf): Buffer {
  return outputOf(gitExit(repo, args, call), args, call, failure);
}

export function gitText(repo: string, args: readonly string[], call: GitCall = {}, failure?: FailureOf): string {
  return gitBytes(repo, args, call, failure).toString('utf8');
}

/** `gitText` without waiting: the caller asks other things meanwhile. */
export async function gitTextAsync(repo: string, args: readonly string[], call: Omit<GitCall, 'input'> = {}, failure?: FailureOf): Promise<string> {
  return outputOf(await gitExitAsync(repo, args, call), args, call, failure).toString('utf8');
}

function outputOf(exit: GitExit, args: readonly string[], call: GitCall, failure?: FailureOf): Buffer {
  if (exit.status !== 0) {
    throw failure?.(exit) ?? new GitError(`git ${args[0]} failed: ${firstLine(exit.stderr)}`, call.hint ?? DEFAULT_HINT, { args, status: exit.status, stderr: exit.stderr });
  }
  return exit.stdout;
}

/** Whether git exits 0 (`rev-parse --verify`, `cat-file -e`); output is discarded. */
export function gitSucceeds(repo: string, args: readonly string[], call: Omit<GitCall, 'hint'> = {}): boolean {
  return gitExit(repo, args, call).status === 0;
}

export interface StreamCall extends GitCall {
  /** Each chunk of standard output as it arrives; throwing stops git and rejects with that error. */
  onStdout(chunk: Buffer): void;
  /** After the last chunk of a successful run. */
  onEnd?(): void;
  /** Exit statuses other than 0 that are answers, not failures, judged with git's stderr. */
  accept?(status: number, stderr: string): boolean;
}

/** git with its output streamed: for answers too long to hold twice (a whole history). */
export function gitStream(repo: string, args: readonly string[], call: StreamCall): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GLOBAL, ...args], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'], env: environment(call.env) });
    let stderr = '';
    let failure: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        if (failure === undefined) call.onStdout(chunk);
      } catch (error) {
        failure = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => reject(new GitError(`could not run git: ${error.message}`, 'install git and make sure it is on PATH', { args, stderr: '' })));
    child.on('close', (code) => {
      if (failure !== undefined) return reject(failure);
      const status = code ?? -1;
      if (status !== 0) {
        if (call.accept?.(status, stderr)) return resolve();
        return reject(new GitError(`git ${args[0]} failed: ${firstLine(stderr)}`, call.hint ?? DEFAULT_HINT, { args, status, stderr }));
      }
      try {
        call.onEnd?.();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(call.input ?? '');
  });
}

/** What to say when `cat-file` answers something other than a blob. */
export type ObjectProblem = (oid: string, type: string | undefined) => GitObjectError;

/**
 * The one reader of `git cat-file --batch` answers, `<oid> <type> <size>\n<bytes>\n` each, fed
 * in chunks of any size; sizes count bytes, so it works on bytes, never on decoded text.
 */
export class BlobBatchReader {
  readonly blobs = new Map<string, Uint8Array>();
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly problem: ObjectProblem) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const eol = this.buffer.indexOf(10);
      if (eol < 0) return;
      const [oid = '', type, sizeText] = this.buffer.subarray(0, eol).toString('latin1').split(' ');
      if (type !== 'blob') throw this.problem(oid, type);
      const size = Number(sizeText);
      if (this.buffer.length < eol + 1 + size + 1) return;
      this.blobs.set(oid, new Uint8Array(this.buffer.subarray(eol + 1, eol + 1 + size)));
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
    }
  }
}

function batchInput(oids: readonly string[]): string {
  // An object name with a newline would be two questions; git's own answers never hold one.
  for (const oid of oids) if (/[\n\r]/.test(oid)) throw new GitError(`not an object name: ${JSON.stringify(oid)}`, 'this is a bug in gitgrant; please report it');
  return oids.join('\n') + '\n';
}

/** Contents of many blobs through one `git cat-file --batch`, keyed by object id. */
export function catFileSync(repo: string, oids: readonly string[], problem: ObjectProblem): Map<string, Uint8Array> {
  const reader = new BlobBatchReader(problem);
  if (oids.length > 0) reader.push(gitBytes(repo, ['cat-file', '--batch'], { input: batchInput(oids) }));
  return reader.blobs;
}

/** As `catFileSync`, read as git answers: for a whole history's file versions. */
export async function catFile(repo: string, oids: readonly string[], problem: ObjectProblem, hint?: string): Promise<Map<string, Uint8Array>> {
  const reader = new BlobBatchReader(problem);
  if (oids.length > 0) await gitStream(repo, ['cat-file', '--batch'], { input: batchInput(oids), onStdout: (chunk) => reader.push(chunk), ...(hint ? { hint } : {}) });
  return reader.blobs;
}
