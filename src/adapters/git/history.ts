/**
 * The one reader of an access repo's history, for the audit and for the jobs. One `git log` over
 * the folders asked for (parsed as it streams), then one `git cat-file --batch` for the contents of
 * every file version that history mentions. Everything after it is pure: the audit reconstructs
 * lifecycles (src/audit/lifecycle.ts), the jobs take the grants added (src/lifecycle/grant-events.ts).
 * Which paths are grants is the one classifier's answer (src/model/repo-paths.ts), nowhere here.
 *
 * `--first-parent` with `--diff-merges=first-parent` reads main the way it was lived: a merged PR
 * is one change at the time it landed (its merge commit's diff against main), a squash merge and
 * each rebased commit are ordinary commits, and a PR's side-branch commits, which never were main,
 * are not events. `--raw` is `--name-status` plus the blob ids, so contents need no path lookups.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ChangeStatus, FileChange, History, HistoryCommit } from '../../core/audit/history-types.js';
import { APPROVALS_FOLDER, approvalEvidence } from '../../core/audit/approval-evidence.js';
import { classifyPath } from '../../core/model/repo-paths.js';
import type { Instant } from '../../core/model/types.js';
import { isAutomationCommitter, notAutomationReason, trailersClaimSomething, type ForgedTrailers } from '../../core/audit/automation.js';
import { DEFAULT_AUTOMATION, type AutomationIdentity } from '../../core/model/policy-sections.js';
import { grantEventOf, type GrantEvent, type GrantHistory, type LifecycleEvent } from '../../core/jobs/grant-events.js';
import { parseTrailers } from '../../core/audit/trailers.js';
import { epochFrom, epochLogArguments, historyRevisions, startAtEpoch } from '../../core/audit/epoch.js';
import { catFile, catFileSync, GitError, GitObjectError, gitExit, gitStream, gitText } from './run.js';

/** Reading the history failed; the hint says how to get a checkout that has it. */
export class GitHistoryError extends GitError {}

const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = '%x1e' + ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%N', '%B'].join('%x1f') + '%x1f';
const ZERO_SHA = /^0+$/;
const HINT = 'run gitgrant inside a git checkout of the access repo with its full history';

/** `approvals/` holds the automation's approval records: their commits' messages are read, never their files. */
export const AUDITED_FOLDERS = ['grants', 'roles', APPROVALS_FOLDER] as const;

/**
 * The git arguments of the one log read; exported so the benchmark times the same command. With an
 * epoch (`gitgrant init`, src/audit/epoch.ts), history starts at that commit.
 */
export function logArguments(folders: readonly string[] = AUDITED_FOLDERS, epoch?: string): string[] {
  return [
    'log', '-z', '--raw', '--no-abbrev', '-M', '--relative', '--first-parent', '--diff-merges=first-parent',
    '--notes=gitgrant', `--format=${FORMAT}`, ...historyRevisions(epoch), '--', ...folders,
  ];
}

/** The commit `gitgrant init`'s epoch file was first added in on main's first-parent line, if any. */
export function readEpoch(repo: string): string | undefined {
  const exit = gitExit(repo, epochLogArguments());
  if (exit.status !== 0 && !emptyRepo(exit.status, exit.stderr)) {
    throw new GitHistoryError(`git log failed: ${exit.stderr.trim().split('\n')[0] ?? ''}`, HINT, { args: ['log'], status: exit.status, stderr: exit.stderr });
  }
  return exit.status === 0 ? epochFrom(exit.stdout.toString('utf8')) : undefined;
}

/** A repo without commits has no history to read: no error. */
function emptyRepo(status: number, stderr: string): boolean {
  return status !== 0 && /does not have any commits|bad revision 'HEAD'|unknown revision or path not in the working tree.*HEAD/s.test(stderr);
}

function unreadable(oid: string, type: string | undefined): GitObjectError {
  return new GitObjectError(`git cat-file could not read ${oid}: ${type ?? 'no answer'}`, 'the repository may be a shallow clone: fetch its full history (fetch-depth: 0)', oid, type);
}

/** Any failure of the read is a `GitHistoryError`, so a caller can say which record could not be read. */
function historyError(error: unknown): unknown {
  return error instanceof GitError && !(error instanceof GitHistoryError) ? new GitHistoryError(error.message, error.hint, error.detail) : error;
}

/** The audit's history of grants/ and roles/, oldest first, streamed. */
export async function readHistory(repo: string): Promise<History> {
  try {
    return await streamHistory(repo);
  } catch (error) {
    throw historyError(error);
  }
}

async function streamHistory(repo: string): Promise<History> {
  await refuseShallow(repo);
  const epoch = readEpoch(repo);
  const log = new LogReader();
  const decoder = new StringDecoder('utf8');
  await gitStream(repo, logArguments(AUDITED_FOLDERS, epoch), {
    hint: HINT,
    onStdout: (chunk) => log.push(decoder.write(chunk)),
    onEnd: () => log.push(decoder.end()),
    accept: emptyRepo,
  });
  const commits = startAtEpoch(log.end(), epoch);
  return { commits, blobs: await catFile(repo, newBlobs(commits), unreadable, HINT) };
}

/** As `readHistory`, of `folders`, in one synchronous read: for the jobs, which read grants/ only. */
export function readHistorySync(repo: string, folders: readonly string[] = AUDITED_FOLDERS): History {
  try {
    return readLogSync(repo, folders);
  } catch (error) {
    throw historyError(error);
  }
}

function readLogSync(repo: string, folders: readonly string[]): History {
  const epoch = readEpoch(repo);
  const exit = gitExit(repo, logArguments(folders, epoch));
  if (exit.status !== 0 && !emptyRepo(exit.status, exit.stderr)) {
    throw new GitHistoryError(`git log failed: ${exit.stderr.trim().split('\n')[0] ?? ''}`, HINT, { args: ['log'], status: exit.status, stderr: exit.stderr });
  }
  const log = new LogReader();
  log.push(exit.stdout.toString('utf8'));
  const commits = startAtEpoch(log.end(), epoch);
  return { commits, blobs: catFileSync(repo, newBlobs(commits), unreadable) };
}

function newBlobs(commits: readonly HistoryCommit[]): string[] {
  const wanted = new Set<string>();
  for (const commit of commits) for (const change of commit.changes) if (change.newBlob && !change.path.startsWith(`${APPROVALS_FOLDER}/`)) wanted.add(change.newBlob);
  return [...wanted];
}

/** A shallow clone has lost the older evidence; an audit of it would look complete and be wrong. */
async function refuseShallow(repo: string): Promise<void> {
  let answer = '';
  await gitStream(repo, ['rev-parse', '--is-shallow-repository'], { hint: HINT, onStdout: (chunk) => (answer += chunk.toString('utf8')) });
  if (answer.trim() === 'true') {
    throw new GitHistoryError('the repository is a shallow clone: its older history is missing', 'fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)');
  }
}

/** The log's records, from text in pieces of any size; `end` gives the commits oldest first. */
class LogReader {
  private readonly commits: HistoryCommit[] = [];
  private pending = '';

  push(text: string): void {
    this.pending += text;
    const records = this.pending.split(RECORD);
    this.pending = records.pop()!;
    for (const record of records) if (record) this.commits.push(parseRecord(record));
  }

  end(): HistoryCommit[] {
    if (this.pending) this.commits.push(parseRecord(this.pending));
    this.pending = '';
    return this.commits.reverse();
  }
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

/**
 * The jobs' grant history: the grant files each commit on main added (a file moved into place
 * counts as added at its new path, as the audit counts it), from the same log read as the audit's;
 * and every commit anywhere that carries the automation's trailers, so that the ones the
 * automation did not make are reported.
 */
export function readGrantHistory(root: string, automation: AutomationIdentity = DEFAULT_AUTOMATION): GrantHistory {
  // Main as it was lived: a merged PR adds its files when its merge commit lands (dated by GitHub),
  // not when its side-branch commit says it was made.
  // With approvals/: the automation's records there are what an approval note is checked against.
  const history = readHistorySync(root, ['grants', APPROVALS_FOLDER]);
  const evidence = approvalEvidence(history.commits, automation);
  const added: GrantEvent[] = [];
  // Who each grant file on main names: an edit that names another person (or turns it into
  // break-glass) is that person's request, as the audit counts it, not an edit of the old one.
  const holders = new Map<string, string>();
  for (const commit of history.commits) {
    const believed = evidence.of(commit);
    const approval = believed.source === 'none' ? undefined : believed.record;
    for (const change of commit.changes) {
      if (change.oldPath !== undefined) holders.delete(change.oldPath);
      if (change.status === 'D') holders.delete(change.path);
      if (change.status === 'D' || !change.newBlob || classifyPath(change.path).kind !== 'grant') continue;
      const text = Buffer.from(history.blobs.get(change.newBlob) ?? new Uint8Array()).toString('utf8');
      const event = grantEventOf(change.path, text, commit.sha, commit.committedAt);
      const holder = event ? `${event.grantee} ${event.breakGlass}` : undefined;
      const before = holders.get(change.path);
      if (holder === undefined) holders.delete(change.path);
      else holders.set(change.path, holder);
      if (change.status === 'M' && (before === undefined || before === holder)) continue;
      if (event) added.push(approval ? { ...event, approval } : event);
    }
  }
  const firstParent = new Set(gitText(root, ['rev-list', '--first-parent', 'HEAD'], { hint: HINT }).split('\n').filter(Boolean));
  // Lifecycle commits before `gitgrant init`'s epoch are the template's, not this organisation's.
  const trailerLog = gitText(root, ['log', '--reverse', '--format=%x1e%H %ct%x1f%cn%x1f%ce%n%B', '--grep=^Gitgrant-Action:', ...historyRevisions(readEpoch(root))], { hint: HINT });
  const lifecycle: LifecycleEvent[] = [];
  const forged: ForgedTrailers[] = [];
  for (const entry of trailerLog.split('\x1e').filter((e) => e.trim())) {
    const newline = entry.indexOf('\n');
    const [head, committerName = '', committerEmail = ''] = entry.slice(0, newline).split('\x1f');
    const [commit, seconds] = head!.split(' ');
    const parsed = parseTrailers(entry.slice(newline + 1));
    if (!parsed) continue;
    const committedAt = Number(seconds) * 1000;
    const onMain = firstParent.has(commit!);
    if (onMain && isAutomationCommitter(automation, committerName, committerEmail)) lifecycle.push({ ...parsed, commit: commit!, committedAt });
    else if (trailersClaimSomething(parsed.action)) {
      const committer = `${committerName} <${committerEmail}>`;
      forged.push({ commit: commit!, at: committedAt, committer, action: parsed.action, why: notAutomationReason(automation, committer, onMain) });
    }
  }
  // git gives them oldest first; a stable sort keeps that order among commits of the same second.
  const byTime = (a: { committedAt: Instant }, b: { committedAt: Instant }) => a.committedAt - b.committedAt;
  return { added: added.sort(byTime), lifecycle: lifecycle.sort(byTime), forged: forged.sort((a, b) => a.at - b.at), tamperedApprovals: evidence.tampered };
}
