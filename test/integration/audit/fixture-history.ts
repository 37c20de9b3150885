/**
 * A fixture access repo with a real git history that exercises every way a grant lives and ends:
 * a legacy file from before the tool, a PR landed by merge commit (with an approval note), squash
 * merges, an extension, an HR revocation, a rename, a revocation by hand, a break-glass with its
 * sweep, a ticket-closure revocation, a rebased commit without a PR number, a grant still active,
 * and a role whose target changed. Every commit has a fixed date, so the expected report is exact.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatApprovalNote } from '../../../src/core/audit/approval-note.js';
import { renderGrantFile, type GrantFileFields } from '../../../src/core/model/grant-file.js';
import { formatCommitMessage } from '../../../src/core/audit/trailers.js';
import { instant } from '../../support/builders/model.js';
import { EXAMPLE_ORG } from '../../support/temp-repo.js';

export interface Person {
  name: string;
  email: string;
}

const ALICE = { name: 'Alice', email: 'alice@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
const CAROL = { name: 'Carol', email: 'carol@example.com' };
const ERIN = { name: 'Erin', email: 'erin@example.com' };
const FRANK = { name: 'Frank', email: 'frank@example.com' };
const SECURITY = { name: 'Sam Security', email: 'sam@example.com' };
/** The gitgrant App's bot user, as the workflows configure git: `<id>+<slug>[bot]@users.noreply.github.com`. */
export const BOT = { name: 'gitgrant[bot]', email: '149000001+gitgrant[bot]@users.noreply.github.com' };
/** Who commits squash and rebase merges, and merge commits, made on github.com. */
export const GITHUB = { name: 'GitHub', email: 'noreply@github.com' };

/** A git repository whose every commit is dated by the caller. */
export class HistoryRepo {
  readonly root: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'gitgrant-audit-'));
    this.git(BOT, '2026-01-01T00:00:00Z', 'init', '-q', '-b', 'main');
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  write(path: string, text: string): this {
    const absolute = join(this.root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
    return this;
  }

  /**
   * Stages everything and commits it as `who` at `at`; returns the commit. `committer` differs from
   * `who` for a squash or rebase merge, which GitHub commits on the author's behalf.
   */
  commit(who: Person, at: string, message: string, committer: Person = who): string {
    this.git(who, at, 'add', '-A');
    this.gitAs(who, committer, at, 'commit', '-q', '--no-gpg-sign', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git(BOT, '2026-01-01T00:00:00Z', 'rev-parse', 'HEAD').trim();
  }

  git(who: Person, at: string, ...args: string[]): string {
    return this.gitAs(who, who, at, ...args);
  }

  gitAs(who: Person, committer: Person, at: string, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: at,
        GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email, GIT_COMMITTER_DATE: at,
        GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
  }
}

export const grantText = (fields: Omit<GrantFileFields, 'starts' | 'expires'> & { starts?: string; expires: string }): string =>
  renderGrantFile({ ...fields, starts: fields.starts === undefined ? undefined : instant(fields.starts), expires: instant(fields.expires) });

export const PATHS = {
  legacy: 'grants/prod-db-readonly/ops-legacy.yaml',
  alice: 'grants/prod-db-readonly/alice-inc-100.yaml',
  bob: 'grants/prod-db-admin/bob-chg-200.yaml',
  carolBefore: 'grants/gcp-platform-folder-viewer/carol.yaml',
  carol: 'grants/gcp-platform-folder-viewer/carol-trace.yaml',
  dave: 'grants/prod-break-glass/dave-inc-900.yaml',
  erin: 'grants/prod-db-readonly/erin-40.yaml',
  frank: 'grants/gcp-platform-folder-viewer/frank-trace.yaml',
} as const;

/** The commits of the fixture, by the story's name for them. */
export interface Fixture {
  repo: HistoryRepo;
  commits: Record<'setup' | 'legacy' | 'aliceSide' | 'aliceMerge' | 'aliceExpire' | 'bob' | 'bobExtend' | 'bobHr' | 'carol' | 'carolRename' | 'carolRevoke'
    | 'dave' | 'daveExpire' | 'erin' | 'erinTicket' | 'legacyRemoved' | 'frank' | 'roleChange', string>;
}

export function buildFixture(): Fixture {
  const repo = new HistoryRepo();
  const c: Partial<Fixture['commits']> = {};
  for (const folder of ['policies', 'roles']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
  c.setup = repo.commit(SECURITY, '2026-11-01T08:00:00Z', 'Set up the access repo');

  // Before gitgrant: a file in an older shape (no `reason`, `until` for `expires`), committed straight to main.
  repo.write(PATHS.legacy, 'grantee: ops@example.com\nuntil: 2026-12-31\n');
  c.legacy = repo.commit(SECURITY, '2026-11-01T09:00:00Z', 'Give ops the database');

  // PR #1, landed by a merge commit; its side-branch commit was never main.
  repo.git(ALICE, '2026-11-02T09:30:00Z', 'switch', '-q', '-c', 'alice/readonly');
  repo.write(PATHS.alice, grantText({ grantee: 'alice@example.com', reason: 'Investigate the slow checkout queries', ticket: 'INC-100', expires: '2026-11-02T14:00:00Z' }));
  c.aliceSide = repo.commit(ALICE, '2026-11-02T09:30:00Z', 'Request read-only database access');
  repo.git(BOB, '2026-11-02T10:00:00Z', 'switch', '-q', 'main');
  repo.git(BOB, '2026-11-02T10:00:00Z', 'merge', '-q', '--no-ff', '--no-gpg-sign', '-m', 'Merge pull request #1 from example-org/alice/readonly', 'alice/readonly');
  c.aliceMerge = repo.head();
  repo.git(BOT, '2026-11-02T10:01:00Z', 'notes', '--ref=gitgrant', 'add', '-m', formatApprovalNote({
    pr: 1, openedAt: instant('2026-11-02T09:30:00Z'), author: '@alice', mergedBy: '@bob',
    approvers: [{ login: '@bob', at: instant('2026-11-02T09:50:00Z') }],
  }), c.aliceMerge);
  c.aliceExpire = sweep(repo, '2026-11-02T14:04:00Z', 'expire', PATHS.alice, 'alice@example.com', 'prod-db-readonly', { expiredAt: '2026-11-02T14:00:00Z', revokedAt: '2026-11-02T14:04:00Z' });

  // PR #2 and PR #3, squash merges: a request, then an extension; HR then revokes it early.
  repo.write(PATHS.bob, grantText({ grantee: 'bob@example.com', reason: 'Add the index planned in the change ticket', ticket: 'CHG-200', expires: '2026-11-02T15:00:00Z' }));
  c.bob = repo.commit(BOB, '2026-11-02T11:00:00Z', 'Request prod-db-admin for the index change (#2)');
  repo.write(PATHS.bob, grantText({ grantee: 'bob@example.com', reason: 'Add the index planned in the change ticket', ticket: 'CHG-200', expires: '2026-11-02T17:00:00Z' }));
  c.bobExtend = repo.commit(BOB, '2026-11-02T13:00:00Z', 'Extend the index change by two hours (#3)');
  c.bobHr = sweep(repo, '2026-11-02T16:00:00Z', 'revoke-hr', PATHS.bob, 'bob@example.com', 'prod-db-admin', { revokedAt: '2026-11-02T16:00:00Z', reason: 'HR: bob@example.com moved to Sales' });

  // PR #4 requests, PR #5 renames, PR #6 revokes by hand before expiry.
  repo.write(PATHS.carolBefore, grantText({ grantee: 'carol@example.com', reason: 'Trace the pub/sub delays across the platform', expires: '2026-11-04T09:00:00Z' }));
  c.carol = repo.commit(CAROL, '2026-11-03T09:00:00Z', 'Request platform viewer for tracing (#4)');
  repo.git(CAROL, '2026-11-03T10:00:00Z', 'mv', PATHS.carolBefore, PATHS.carol);
  c.carolRename = repo.commit(CAROL, '2026-11-03T10:00:00Z', 'Name the grant after its purpose (#5)');
  repo.git(CAROL, '2026-11-03T12:00:00Z', 'rm', '-q', PATHS.carol);
  c.carolRevoke = repo.commit(CAROL, '2026-11-03T12:00:00Z', 'Done tracing: end my access (#6)');

  // Break-glass, written straight to main by the workflow, then swept three minutes after its deadline.
  repo.write(PATHS.dave, grantText({ grantee: 'dave@example.com', reason: 'Orders database is down, failing over', breakGlass: true, incident: 'INC-900', expires: '2026-11-03T22:00:00Z' }));
  c.dave = repo.commit(BOT, '2026-11-03T20:00:00Z', formatCommitMessage('Break glass: dave@example.com prod-break-glass', {
    action: 'break-glass', grants: [{ grant: PATHS.dave, role: 'prod-break-glass', grantee: 'dave@example.com', incident: 'INC-900', requestedBy: '@dave' }],
  }));
  c.daveExpire = sweep(repo, '2026-11-03T22:03:00Z', 'expire', PATHS.dave, 'dave@example.com', 'prod-break-glass', { expiredAt: '2026-11-03T22:00:00Z', revokedAt: '2026-11-03T22:03:00Z' });

  // A rebased commit (no PR number in its subject), revoked when its ticket closed.
  repo.write(PATHS.erin, grantText({ grantee: 'erin@example.com', reason: 'Check the replica lag reported in the issue', ticket: '#40', expires: '2026-11-04T17:00:00Z' }));
  c.erin = repo.commit(ERIN, '2026-11-04T09:00:00Z', 'Request read-only access for the replica lag');
  c.erinTicket = sweep(repo, '2026-11-04T11:00:00Z', 'revoke-ticket', PATHS.erin, 'erin@example.com', 'prod-db-readonly', { revokedAt: '2026-11-04T11:00:00Z', reason: 'ticket #40 was closed' });

  repo.git(SECURITY, '2026-11-05T08:00:00Z', 'rm', '-q', PATHS.legacy);
  c.legacyRemoved = repo.commit(SECURITY, '2026-11-05T08:00:00Z', 'Remove the pre-gitgrant ops access (#7)');

  // Still active at the end of history; the role's target then changes under it.
  repo.write(PATHS.frank, grantText({ grantee: 'frank@example.com', reason: 'Debug the platform services for the migration', expires: '2026-11-12T09:00:00Z' }));
  c.frank = repo.commit(FRANK, '2026-11-05T09:00:00Z', 'Request platform viewer for the migration (#8)');
  const rolePath = 'roles/gcp-platform-folder-viewer.yaml';
  const role = execFileSync('git', ['show', `HEAD:${rolePath}`], { cwd: repo.root, encoding: 'utf8' });
  repo.write(rolePath, role.replace('folders/281746352014', 'folders/999000111222'));
  c.roleChange = repo.commit(SECURITY, '2026-11-05T12:00:00Z', 'Move the platform viewer to the new folder (#9)');
  return { repo, commits: c as Fixture['commits'] };
}

function sweep(repo: HistoryRepo, at: string, action: 'expire' | 'revoke-hr' | 'revoke-ticket', path: string, grantee: string, role: string,
  times: { expiredAt?: string; revokedAt?: string; reason?: string }): string {
  repo.git(BOT, at, 'rm', '-q', path);
  return repo.commit(BOT, at, formatCommitMessage(`${action}: ${grantee} ${role}`, {
    action,
    grants: [{
      grant: path, role, grantee, reason: times.reason,
      expiredAt: times.expiredAt === undefined ? undefined : instant(times.expiredAt),
      revokedAt: times.revokedAt === undefined ? undefined : instant(times.revokedAt),
    }],
  }));
}
