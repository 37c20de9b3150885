/**
 * Reads the history of an access repo from git: the adapter under audit. One `git log` over
 * grants/ and roles/ (parsed as it streams), then one `git cat-file --batch` for the contents of
 * every file version that history mentions. Everything after it is pure.
 *
 * `--first-parent` with `--diff-merges=first-parent` reads main the way it was lived: a merged PR
 * is one change at the time it landed (its merge commit's diff against main), a squash merge and
 * each rebased commit are ordinary commits, and a PR's side-branch commits, which never were main,
 * are not events. `--raw` is `--name-status` plus the blob ids, so contents need no path lookups.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { ChangeStatus, FileChange, History, HistoryCommit } from './history-types.js';

export class GitHistoryError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = '%x1e' + ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%N', '%B'].join('%x1f') + '%x1f';
const ZERO_SHA = /^0+$/;

export const AUDITED_FOLDERS = ['grants', 'roles'] as const;

/** The git arguments of the one log read; exported so the benchmark times the same command. */
export function logArguments(): string[] {
  return [
    'log', '-z', '--raw', '--no-abbrev', '-M', '--relative', '--first-parent', '--diff-merges=first-parent',
    '--notes=gitgrant', `--format=${FORMAT}`, 'HEAD', '--', ...AUDITED_FOLDERS,
  ];
}

export async function readHistory(repo: string): Promise<History> {
  await refuseShallow(repo);
  const commits = await readLog(repo);
  commits.reverse();
  const wanted = new Set<string>();
  for (const commit of commits) for (const change of commit.changes) if (change.newBlob) wanted.add(change.newBlob);
  const blobs = await readBlobs(repo, [...wanted]);
  return { commits, blobs };
}

/** A shallow clone has lost the older evidence; an audit of it would look complete and be wrong. */
async function refuseShallow(repo: string): Promise<void> {
  let answer = '';
  await runGit(repo, ['rev-parse', '--is-shallow-repository'], { onStdout: (chunk) => (answer += chunk.toString('utf8')) });
  if (answer.trim() === 'true') {
    throw new GitHistoryError('the repository is a shallow clone: its older history is missing', 'fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)');
  }
}

async function readLog(repo: string): Promise<HistoryCommit[]> {
  const commits: HistoryCommit[] = [];
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const take = (text: string, final: boolean): void => {
    pending += text;
    const records = pending.split(RECORD);
    pending = final ? '' : records.pop()!;
    for (const record of records) if (record) commits.push(parseRecord(record));
  };
  await runGit(repo, logArguments(), {
    onStdout: (chunk) => take(decoder.write(chunk), false),
    onEnd: () => take(decoder.end(), true),
    allowEmptyRepo: true,
  });
  return commits;
}

function parseRecord(record: string): HistoryCommit {
  const fields = record.split(FIELD);
  const [sha, parents, authorName, authorEmail, authoredAt, committerName, committerEmail, committedAt, notes] = fields;
  // The message is everything between the notes and the last separator (a message may hold FIELD).
  const message = fields.slice(9, -1).join(FIELD);
  return {
    sha: sha!,
    parents: parents ? parents.split(' ') : [],
    authorName: authorName!,
    authorEmail: authorEmail!,
    authoredAt: Date.parse(authoredAt!),
    committerName: committerName!,
    committerEmail: committerEmail!,
    committedAt: Date.parse(committedAt!),
    notes: notes ? notes.trim() : undefined,
    message: message.trimEnd(),
    changes: parseRaw(fields[fields.length - 1]!),
  };
}

/** `:100644 100644 <old> <new> M\0path\0` or, for renames and copies, two paths. */
function parseRaw(raw: string): FileChange[] {
  const tokens = raw.split('\0').map((t) => t.replace(/^\n/, ''));
  const changes: FileChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const meta = tokens[i]!;
    if (!meta.startsWith(':')) continue;
    const [, , oldBlob, newBlob, statusText] = meta.slice(1).split(' ');
    const letter = statusText![0]!;
    const twoPaths = letter === 'R' || letter === 'C';
    const first = tokens[++i]!;
    const second = twoPaths ? tokens[++i]! : undefined;
    changes.push({
      status: statusOf(letter),
      path: second ?? first,
      oldPath: letter === 'R' ? first : undefined,
      oldBlob: ZERO_SHA.test(oldBlob!) ? undefined : oldBlob,
      newBlob: ZERO_SHA.test(newBlob!) ? undefined : newBlob,
    });
  }
  return changes;
}

function statusOf(letter: string): ChangeStatus {
  if (letter === 'A' || letter === 'C') return 'A';
  if (letter === 'D') return 'D';
  if (letter === 'R') return 'R';
  return 'M';
}

/** Contents of many blobs through one `git cat-file --batch`: `<sha> blob <size>\n<bytes>\n` each. */
async function readBlobs(repo: string, shas: readonly string[]): Promise<Map<string, Uint8Array>> {
  const blobs = new Map<string, Uint8Array>();
  if (shas.length === 0) return blobs;
  let buffer: Buffer = Buffer.alloc(0);
  const drain = (): void => {
    for (;;) {
      const eol = buffer.indexOf(10);
      if (eol < 0) return;
      const [sha, type, sizeText] = buffer.subarray(0, eol).toString('latin1').split(' ');
      if (type !== 'blob') throw new GitHistoryError(`git cat-file could not read ${sha}: ${type ?? 'no answer'}`, 'the repository may be a shallow clone: fetch its full history (fetch-depth: 0)');
      const size = Number(sizeText);
      if (buffer.length < eol + 1 + size + 1) return;
      blobs.set(sha!, buffer.subarray(eol + 1, eol + 1 + size));
      buffer = buffer.subarray(eol + 1 + size + 1);
    }
  };
  await runGit(repo, ['cat-file', '--batch'], {
    input: shas.join('\n') + '\n',
    onStdout: (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      drain();
    },
  });
  return blobs;
}

interface RunOptions {
  input?: string;
  onStdout(chunk: Buffer): void;
  onEnd?(): void;
  /** A repo without commits has no history to read: no error. */
  allowEmptyRepo?: boolean;
}

function runGit(repo: string, args: string[], options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let failure: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        if (failure === undefined) options.onStdout(chunk);
      } catch (error) {
        failure = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => reject(new GitHistoryError(`could not run git: ${error.message}`, 'install git and make sure it is on PATH')));
    child.on('close', (code) => {
      if (failure !== undefined) return reject(failure);
      if (code !== 0) {
        if (options.allowEmptyRepo && /does not have any commits|bad revision 'HEAD'|unknown revision or path not in the working tree.*HEAD/s.test(stderr)) return resolve();
        const first = stderr.trim().split('\n')[0] ?? '';
        return reject(new GitHistoryError(`git ${args[0]} failed: ${first}`, 'run gitgrant inside a git checkout of the access repo with its full history'));
      }
      try {
        options.onEnd?.();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
