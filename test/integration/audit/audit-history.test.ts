import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/adapters/git/history.js';
import { reconstruct } from '../../../src/core/audit/lifecycle.js';
import type { Reconstruction } from '../../../src/core/audit/lifecycle-types.js';
import type { AuditReport } from '../../../src/core/audit/audit-report.js';
import type { AuditJson } from '../../../src/core/audit/render-audit.js';
import { formatInstant } from '../../../src/core/model/instant.js';
import { runCli } from '../../support/run-cli.js';
import { execFileSync } from 'node:child_process';
import { buildFixture, HistoryRepo, PATHS, type Fixture } from './fixture-history.js';

let fixture: Fixture;
let history: Reconstruction;
/** The fixture's name for a commit, so expectations read as the story rather than as hashes. */
let nameOf: (sha: string) => string;

beforeAll(async () => {
  fixture = buildFixture();
  history = reconstruct(await readHistory(fixture.repo.root));
  const names = new Map(Object.entries(fixture.commits).map(([name, sha]) => [sha, name]));
  nameOf = (sha) => names.get(sha) ?? sha;
});
afterAll(() => fixture.repo.dispose());

const at = (ms: number) => (Number.isFinite(ms) ? formatInstant(ms) : 'unknown');
const file = (path: string) => path.split('/').pop();

describe('the lifecycle of every grant, reconstructed from main\'s history', () => {
  it('has each grant\'s request, approval, changes and end, from merge, squash, rebased, bot and pre-tool commits', () => {
    expect(history.grants.map((g) => [
      file(g.path), g.grantee, nameOf(g.requested.sha), g.requested.pr ?? '-', g.approval.source, g.approval.approvers.map((a) => `${a.login} ${at(a.at!)}`).join(', '),
      g.changes.map((c) => `${c.kind} ${nameOf(c.commit.sha)} ${at(c.fromExpires)}->${at(c.toExpires)}`).join('; '),
      g.ended ? `${g.ended.kind}${g.ended.early ? ' early' : ''} ${at(g.ended.removedAt)} ${nameOf(g.ended.commit.sha)}` : 'active',
    ].join(' | '))).toEqual([
      'ops-legacy.yaml | ops@example.com | legacy | - | unrecorded |  |  | revoked early 2026-11-05T08:00:00Z legacyRemoved',
      'alice-inc-100.yaml | alice@example.com | aliceMerge | 1 | note | @bob 2026-11-02T09:50:00Z |  | expired 2026-11-02T14:04:00Z aliceExpire',
      'bob-chg-200.yaml | bob@example.com | bob | 2 | unrecorded |  | extended bobExtend 2026-11-02T15:00:00Z->2026-11-02T17:00:00Z | revoked-hr early 2026-11-02T16:00:00Z bobHr',
      'carol-trace.yaml | carol@example.com | carol | 4 | unrecorded |  | renamed carolRename 2026-11-04T09:00:00Z->2026-11-04T09:00:00Z | revoked early 2026-11-03T12:00:00Z carolRevoke',
      'dave-inc-900.yaml | dave@example.com | dave | - | unrecorded |  |  | break-glass-ended 2026-11-03T22:03:00Z daveExpire',
      'erin-40.yaml | erin@example.com | erin | - | unrecorded |  |  | revoked-ticket early 2026-11-04T11:00:00Z erinTicket',
      'frank-trace.yaml | frank@example.com | frank | 8 | unrecorded |  |  | active',
    ]);
  });

  it('keeps what a file from before the tool says, and why the rest is unknown', () => {
    const legacy = history.grants.find((g) => g.path === PATHS.legacy)!;
    expect([legacy.grantee, legacy.expires, legacy.unreadable]).toEqual(['ops@example.com', Number.POSITIVE_INFINITY, 'missing required key `reason`']);
  });

  it('follows a renamed grant as one lifecycle, from its first path to its last', () => {
    const carol = history.grants.filter((g) => g.grantee === 'carol@example.com');
    expect(carol.map((g) => [g.id.split('@')[0], g.path, g.changes[0]?.fromPath])).toEqual([[PATHS.carolBefore, PATHS.carol, PATHS.carolBefore]]);
  });

  it('dates a merged PR by its merge commit and never counts its side-branch commit as main', () => {
    const commits = history.grants.flatMap((g) => [g.requested.sha, ...g.changes.map((c) => c.commit.sha), g.ended?.commit.sha]);
    expect(commits).not.toContain(fixture.commits.aliceSide);
    expect(at(history.grants.find((g) => g.grantee === 'alice@example.com')!.requested.at)).toBe('2026-11-02T10:00:00Z');
  });

  it('knows the break-glass grant\'s incident from its file and marks the workflow\'s commits as automation', () => {
    const dave = history.grants.find((g) => g.grantee === 'dave@example.com')!;
    expect([dave.breakGlass, dave.incident, dave.requested.bot, dave.ended?.commit.bot]).toEqual([true, 'INC-900', true, true]);
  });

  it('keeps every version of a role with the commit that made it', () => {
    const viewer = history.roles.filter((r) => r.name === 'gcp-platform-folder-viewer');
    expect(viewer.map((v) => [nameOf(v.commit.sha), v.role?.targets])).toEqual([
      ['setup', [{ kind: 'gcp', resource: 'folders/281746352014', role: 'roles/viewer' }]],
      ['roleChange', [{ kind: 'gcp', resource: 'folders/999000111222', role: 'roles/viewer' }]],
    ]);
  });
});

describe('gitgrant audit', () => {
  async function auditJson(...args: string[]): Promise<AuditReport> {
    const run = await runCli(['audit', '--format', 'json', ...args], { cwd: fixture.repo.root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as AuditJson;
    return { ...json, controls: json.controls.map((c) => ({ ...c, evidence: c.evidence.map((i) => json.events[i]!) })) };
  }

  it('lists, per control of the procedure, the events and commits that evidence it', async () => {
    const report = await auditJson();
    const evidence = Object.fromEntries(report.controls.map((c) => [c.reference, c.evidence.map((e) => `${e.endKind ?? e.kind} ${e.grant ? file(e.grant.split('@')[0]!) : e.role} ${nameOf(e.commit)}`)]));
    expect(Object.keys(evidence)).toEqual(['11.a', '11.d', '11.f', '02.b', 'CC6.1', 'CC6.2', '45 CFR § 164.308(a)(4)', 'PR.AC-4', 'PR.AC-6']);
    expect(evidence['11.d']).toEqual([
      'revoked-hr bob-chg-200.yaml bobHr', 'revoked carol.yaml carolRevoke', 'revoked-ticket erin-40.yaml erinTicket', 'revoked ops-legacy.yaml legacyRemoved',
    ]);
    expect(evidence['11.f']).toEqual([
      'requested ops-legacy.yaml legacy', 'requested alice-inc-100.yaml aliceMerge', 'requested bob-chg-200.yaml bob', 'expired alice-inc-100.yaml aliceExpire',
      'requested carol.yaml carol', 'break-glass dave-inc-900.yaml dave', 'break-glass-ended dave-inc-900.yaml daveExpire', 'requested erin-40.yaml erin',
      'requested frank-trace.yaml frank',
    ]);
    expect(evidence['45 CFR § 164.308(a)(4)']).toEqual([
      'unrecorded-approval ops-legacy.yaml legacy', 'approved alice-inc-100.yaml aliceMerge', 'unrecorded-approval bob-chg-200.yaml bob', 'changed bob-chg-200.yaml bobExtend',
      'unrecorded-approval carol.yaml carol', 'changed carol.yaml carolRename', 'unrecorded-approval erin-40.yaml erin', 'unrecorded-approval frank-trace.yaml frank',
    ]);
    expect(evidence['02.b']!.filter((e) => e.startsWith('role-changed gcp-platform-folder-viewer'))).toEqual([
      'role-changed gcp-platform-folder-viewer setup', 'role-changed gcp-platform-folder-viewer roleChange',
    ]);
    expect(report.controls.find((c) => c.reference === '11.a')!.facts).toEqual([
      '6 grant request(s) landed on main; 1 break-glass grant(s).',
      '1 request(s) with a recorded approval (reviews, the apply step\'s record on main, or an older note).',
      '5 request(s) whose approval is not recorded in git (no note, no token to ask GitHub).',
      '6 grant(s) ended: 1 expired, 2 revoked, 1 revoked-hr, 1 revoked-ticket, 1 break-glass-ended.',
      '0 ended grant(s) verified in the cloud by gitgrant verify: 0 with no path left, 0 with a path remaining, 0 not verified.',
    ]);
  });

  it('reports break-glass uses, and says that reviews and exception issues need a GitHub token', async () => {
    const report = await auditJson();
    expect(report.github).toBe('unavailable');
    expect(report.exceptions).toBeUndefined();
    expect(report.breakGlass.map((u) => [file(u.grant), u.incident, at(u.at), at(u.endedAt!), u.review])).toEqual([['dave-inc-900.yaml', 'INC-900', '2026-11-03T20:00:00Z', '2026-11-03T22:03:00Z', undefined]]);
    const markdown = (await runCli(['audit'], { cwd: fixture.repo.root })).stdout;
    expect(markdown).toContain('incident INC&#45;900, ended 2026-11-03T22:03:00Z; review status unknown (no GitHub token)');
    expect(markdown).toContain('Not available: no GitHub token; run with GITHUB_TOKEN set to include them.');
  });

  it('narrows to the grants and events of a period', async () => {
    const report = await auditJson('--since', '2026-11-03', '--until', '2026-11-04');
    expect(report.grants.map((g) => file(g.path))).toEqual(['ops-legacy.yaml', 'carol-trace.yaml', 'dave-inc-900.yaml']);
    expect(report.controls.find((c) => c.reference === 'CC6.2')!.evidence.map((e) => `${e.endKind ?? e.kind} ${nameOf(e.commit)}`)).toEqual([
      'requested carol', 'unrecorded-approval carol', 'revoked carolRevoke', 'break-glass-ended daveExpire',
    ]);
  });

  it('writes one CSV row per piece of evidence, with formula characters neutralised', async () => {
    const report = await auditJson();
    const csv = (await runCli(['audit', '--format', 'csv'], { cwd: fixture.repo.root })).lines;
    expect(csv[0]).toBe('control,at,event,commit,pr,grant,grantee,role,summary');
    expect(csv.length - 1).toBe(report.controls.reduce((sum, c) => sum + c.evidence.length, 0));
    expect(csv).toContain(`"HITRUST CSF v11.2.0 11.d - User Access Review","2026-11-02T16:00:00Z","revoked-hr","${fixture.commits.bobHr}","","${PATHS.bob}@${fixture.commits.bob.slice(0, 12)}","bob@example.com","prod-db-admin","revoked-hr 1h before expiry, removed by gitgrant[bot]: HR: bob@example.com moved to Sales"`);
  });

  it('prints plain text in a terminal: addresses and paths as themselves, no HTML entities', async () => {
    const terminal = await runCli(['audit'], { cwd: fixture.repo.root, isTTY: true });
    expect(terminal.code, terminal.stderr).toBe(0);
    expect(terminal.stdout).not.toContain('&#');
    expect(terminal.stdout).toContain(`| ${PATHS.carol} | carol@example.com | gcp-platform-folder-viewer |`);
    expect(terminal.stdout).toContain('incident INC-900, ended 2026-11-03T22:03:00Z; review status unknown (no GitHub token)');
    // `--format text` asks for the same anywhere; piped or redirected, the default stays Markdown for where it goes.
    expect((await runCli(['audit', '--format', 'text'], { cwd: fixture.repo.root })).stdout).toBe(terminal.stdout);
    const piped = (await runCli(['audit'], { cwd: fixture.repo.root })).stdout;
    expect(piped).toContain('carol&#64;example&#46;com');
    expect((await runCli(['audit', '--format', 'md'], { cwd: fixture.repo.root, isTTY: true })).stdout).toBe(piped);
  });

  it('strips escape sequences a grant file smuggles into the terminal, and still escapes them for Markdown', async () => {
    const hostile = new HistoryRepo();
    try {
      // ESC [2J clears the screen, ESC ]0; retitles the window: text a requester controls must not drive the terminal.
      hostile.write('grants/prod-break-glass/mallory-inc-1.yaml', 'grantee: mallory@example.com\nreason: "Fix it now"\nexpires: 2026-11-03T22:00:00Z\nbreakGlass: true\nincident: "INC-1\\e[2J\\e]0;pwned\\a|x"\n');
      hostile.commit({ name: 'Mallory', email: 'mallory@example.com' }, '2026-11-03T20:00:00Z', 'Break glass');
      const terminal = await runCli(['audit'], { cwd: hostile.root, isTTY: true });
      expect(terminal.code, terminal.stderr).toBe(0);
      expect(terminal.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(terminal.stdout).toContain('incident INC-1[2J]0;pwned|x, ended not yet');
      const markdown = (await runCli(['audit', '--format', 'md'], { cwd: hostile.root })).stdout;
      expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(markdown).toContain('incident INC&#45;1&#91;2J&#93;0;pwned&#124;x, ended not yet');
    } finally {
      hostile.dispose();
    }
  });

  it('refuses an unknown format and a period that ends before it starts', async () => {
    expect((await runCli(['audit', '--format', 'pdf'], { cwd: fixture.repo.root })).code).toBe(2);
    expect((await runCli(['audit', '--since', '2026-11-05', '--until', '2026-11-01'], { cwd: fixture.repo.root })).stderr).toBe('gitgrant: --since must be before --until\n');
  });
});

describe('gitgrant access-at', () => {
  const accessAt = async (...args: string[]) => (await runCli(['access-at', ...args], { cwd: fixture.repo.root })).lines;

  it('shows who held what in both clouds while requests overlapped', async () => {
    expect(await accessAt('2026-11-02T12:00:00Z')).toEqual([
      'Access at 2026-11-02T12:00:00Z: 3 grant(s), 3 person(s)',
      'alice@example.com  prod-db-readonly  grants/prod-db-readonly/alice-inc-100.yaml  since 2026-11-02T10:00:00Z',
      '  aws 111111111111 role/ProdOrdersDbReadOnly  until 2026-11-02T14:00:00Z',
      '  gcp projects/acme-prod-orders roles/cloudsql.viewer  until 2026-11-02T14:00:00Z',
      'bob@example.com  prod-db-admin  grants/prod-db-admin/bob-chg-200.yaml  since 2026-11-02T11:00:00Z',
      '  aws 111111111111 role/ProdOrdersDbAdmin  until 2026-11-02T16:00:00Z',
      '  gcp projects/acme-prod-orders roles/cloudsql.admin  until 2026-11-02T16:00:00Z',
      'ops@example.com  prod-db-readonly  grants/prod-db-readonly/ops-legacy.yaml  since 2026-11-01T09:00:00Z',
      '  aws 111111111111 role/ProdOrdersDbReadOnly  until 2026-11-05T08:00:00Z',
      '  gcp projects/acme-prod-orders roles/cloudsql.viewer  until 2026-11-05T08:00:00Z',
    ]);
  });

  it('ends access at the deadline the cloud enforces, even before the sweep removed the file', async () => {
    expect(await accessAt('2026-11-02T14:02:00Z', '--grantee', 'Alice@Example.com')).toEqual(['Access at 2026-11-02T14:02:00Z: 0 grant(s), 0 person(s)']);
  });

  it('keeps an Identity Center assignment, which carries no deadline, until the sweep removed it', async () => {
    expect(await accessAt('2026-11-03T22:01:00Z', '--role', 'prod-break-glass')).toEqual([
      'Access at 2026-11-03T22:01:00Z: 1 grant(s), 1 person(s)',
      'dave@example.com  prod-break-glass  (break-glass)  grants/prod-break-glass/dave-inc-900.yaml  since 2026-11-03T20:00:00Z',
      '  aws 111111111111 permission-set ps-a1b2c3d4e5f60718  until 2026-11-03T22:03:00Z',
    ]);
  });

  it('reads the role\'s targets as they were at the instant', async () => {
    const frank = async (when: string) => (await accessAt(when, '--grantee', 'frank@example.com'))[2];
    expect(await frank('2026-11-05T11:59:59Z')).toBe('  gcp folders/281746352014 roles/viewer  until 2026-11-12T09:00:00Z');
    expect(await frank('2026-11-05T12:00:00Z')).toBe('  gcp folders/999000111222 roles/viewer  until 2026-11-12T09:00:00Z');
  });

  it('shows nobody before a grant landed or after it was revoked by hand', async () => {
    expect(await accessAt('2026-11-03T11:59:59Z', '--grantee', 'carol@example.com')).toHaveLength(3);
    expect(await accessAt('2026-11-03T12:00:00Z', '--grantee', 'carol@example.com')).toEqual(['Access at 2026-11-03T12:00:00Z: 0 grant(s), 0 person(s)']);
    expect(await accessAt('2026-11-01T08:59:59Z')).toEqual(['Access at 2026-11-01T08:59:59Z: 0 grant(s), 0 person(s)']);
  });

  it('prints JSON for scripts', async () => {
    const json = JSON.parse((await runCli(['access-at', '2026-11-05T10:00:00Z', '--json'], { cwd: fixture.repo.root })).stdout);
    expect(json).toEqual({
      at: '2026-11-05T10:00:00Z',
      access: [{
        grantee: 'frank@example.com', role: 'gcp-platform-folder-viewer', grant: PATHS.frank, breakGlass: false, since: '2026-11-05T09:00:00Z', roleMissing: false,
        targets: [{ cloud: 'gcp', target: 'gcp folders/281746352014 roles/viewer', until: '2026-11-12T09:00:00Z' }],
      }],
    });
  });
});

describe('reading history', () => {
  it('refuses a shallow clone, whose older evidence is missing', async () => {
    const clone = new HistoryRepo();
    clone.dispose();
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${fixture.repo.root}`, clone.root]);
    try {
      const run = await runCli(['audit'], { cwd: clone.root });
      expect([run.code, run.stderr]).toEqual([1, 'gitgrant: the repository is a shallow clone: its older history is missing\nhint: fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)\n']);
    } finally {
      clone.dispose();
    }
  });

  it('reports an empty history as no grants rather than failing', async () => {
    const empty = new HistoryRepo();
    try {
      expect((await runCli(['access-at', '2026-11-01T00:00:00Z'], { cwd: empty.root })).lines).toEqual(['Access at 2026-11-01T00:00:00Z: 0 grant(s), 0 person(s)']);
    } finally {
      empty.dispose();
    }
  });

  it('fails with a hint outside a git repository', async () => {
    const run = await runCli(['audit', '--repo', '/'], { cwd: fixture.repo.root });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^gitgrant: git rev-parse failed: .*\nhint: run gitgrant inside a git checkout of the access repo with its full history\n$/);
  });
});
