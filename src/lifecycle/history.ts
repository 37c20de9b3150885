/**
 * The grant history from git: every grant file ever added to the grants folder, as it was when
 * added, with the approval note of the commit that landed it (see src/audit/approval-note.ts),
 * and the trailers of every lifecycle commit the automation made (see automation.ts). Two `git
 * log` calls, one `rev-list` and one `cat-file --batch`, however long the history.
 */
import { parse } from 'yaml';
import { parseApprovalNote, type ApprovalRecord } from '../audit/approval-note.js';
import { parseInstant } from '../model/instant.js';
import { email, grantId, roleName, type Email, type GrantId, type Instant, type RoleName } from '../model/types.js';
import { runGit, runGitBytes } from './git-run.js';
import { DEFAULT_AUTOMATION, type AutomationIdentity } from '../model/policy-sections.js';
import { isAutomationCommitter, notAutomationReason, trailersClaimSomething, type ForgedTrailers } from './automation.js';
import { parseTrailers, type LifecycleCommit } from './trailers.js';

/** A grant as requested: the file's content in the commit that added it. */
export interface GrantEvent {
  grant: GrantId;
  role: RoleName;
  grantee: Email;
  commit: string;
  committedAt: Instant;
  starts?: Instant;
  expires?: Instant;
  breakGlass: boolean;
  standing: boolean;
  /** Who asked and who approved, when the commit carries gitgrant's approval note. */
  approval?: ApprovalRecord;
}

export interface LifecycleEvent extends LifecycleCommit {
  commit: string;
  committedAt: Instant;
}

export interface GrantHistory {
  added: GrantEvent[];
  /** The automation's lifecycle commits on main (see automation.ts). */
  lifecycle: LifecycleEvent[];
  /** Commits carrying the trailers that the automation did not make: findings, never lifecycle events. */
  forged: ForgedTrailers[];
}

const GRANT_PATH = /^grants\/([^/]+)\/[^/]+\.ya?ml$/;

function instantOf(value: unknown): Instant | undefined {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'string' ? parseInstant(value) : undefined;
}

/** A grant file's fields as far as they can be read; history may hold files that never validated. */
export function grantEventOf(path: string, text: string, commit: string, committedAt: Instant): GrantEvent | undefined {
  const match = GRANT_PATH.exec(path);
  if (!match) return undefined;
  let data: Record<string, unknown>;
  try {
    data = (parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof data.grantee !== 'string') return undefined;
  return {
    grant: grantId(path), role: roleName(match[1]!), grantee: email(data.grantee.trim().toLowerCase()), commit, committedAt,
    starts: instantOf(data.starts), expires: instantOf(data.expires), breakGlass: data.breakGlass === true, standing: data.standing === true,
  };
}

export function readGrantHistory(root: string, automation: AutomationIdentity = DEFAULT_AUTOMATION): GrantHistory {
  // Main as it was lived: a merged PR adds its files when its merge commit lands (dated by GitHub),
  // not when its side-branch commit says it was made.
  const log = runGit(root, ['log', '--reverse', '--first-parent', '--diff-merges=first-parent', '--notes=gitgrant', '--format=%x1e%H %ct%x1d%N%x1d', '--diff-filter=A', '--name-only', '--no-renames', '--', 'grants/']);
  const wanted: { commit: string; committedAt: Instant; path: string; approval?: ApprovalRecord }[] = [];
  for (const entry of log.split('\x1e').filter((e) => e.trim())) {
    const [header, note, names] = entry.split('\x1d');
    const [commit, seconds] = header!.trim().split(' ');
    const approval = parseApprovalNote(note?.trim() || undefined);
    for (const path of (names ?? '').split('\n')) {
      if (GRANT_PATH.test(path)) wanted.push({ commit: commit!, committedAt: Number(seconds) * 1000, path, ...(approval ? { approval } : {}) });
    }
  }
  const added: GrantEvent[] = [];
  if (wanted.length > 0) {
    const batch = runGitBytes(root, ['cat-file', '--batch'], { input: wanted.map((w) => `${w.commit}:${w.path}\n`).join('') });
    let offset = 0;
    for (const w of wanted) {
      // Each answer is `<sha> blob <size>\n<content>\n`.
      const headerEnd = batch.indexOf(0x0a, offset);
      const size = Number(batch.subarray(offset, headerEnd).toString('utf8').split(' ')[2]);
      const body = batch.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
      offset = headerEnd + 1 + size + 1;
      const event = grantEventOf(w.path, body, w.commit, w.committedAt);
      if (event) added.push(w.approval ? { ...event, approval: w.approval } : event);
    }
  }
  // Every commit that carries trailers, wherever it is, so that the ones the automation did not make are reported.
  const firstParent = new Set(runGit(root, ['rev-list', '--first-parent', 'HEAD']).split('\n').filter(Boolean));
  const trailerLog = runGit(root, ['log', '--reverse', '--format=%x1e%H %ct%x1f%cn%x1f%ce%n%B', '--grep=^Gitgrant-Action:']);
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
  return { added: added.sort(byTime), lifecycle: lifecycle.sort(byTime), forged: forged.sort((a, b) => a.at - b.at) };
}
