/**
 * bench:audit — `gitgrant audit` and `gitgrant access-at` as fresh processes on a generated history
 * of 20,000 grant lifecycles (about 50,000 commits), against a bare `git log --name-status` over
 * the same paths and range:
 *   (a) gitgrant audit --format json, whole history       target (a)/(b) <= 3
 *   (b) git log --name-status -- grants roles (output discarded like (a)'s)
 *   (c) gitgrant access-at T, whole history               reported, with (c)/(b)
 * The history is built once with `git fast-import` and cached under .bench/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatApprovalNote } from '../src/core/audit/approval-note.js';
import { formatCommitMessage } from '../src/core/audit/trailers.js';
import { renderGrantFile } from '../src/core/model/grant-file.js';
import { writeSection } from './lib/doc-section.js';
import { figuresTable, formatNumber, markdownTable, type Figure } from './lib/figures.js';
import { machineLine } from './lib/machine.js';

const ROOT = resolve('.');
const LIFECYCLES = 20_000;
const ROLES = 20;
/** Grants alive at once: each lifecycle's later events are interleaved with the next requests. */
const CONCURRENT = 200;
const REPO = join(ROOT, '.bench', `audit-${LIFECYCLES}`);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const START = Date.parse('2025-01-01T00:00:00Z');
const STEP = 60_000;
const ACCESS_AT = new Date(START + LIFECYCLES * 2.5 * STEP * 0.5).toISOString().replace('.000Z', 'Z');

interface Built {
  commits: number;
}

/** One fast-import stream: roles, then request / extension / expiry commits, then the approval notes. */
async function buildHistory(dir: string): Promise<Built> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const chunks: string[] = [];
  let mark = 0;
  let clock = START;
  let commits = 0;
  const notes: { mark: number; text: string }[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (who: string, message: string, ops: string[]): number => {
    clock += STEP;
    const seconds = Math.floor(clock / 1000);
    mark += 1;
    commits += 1;
    chunks.push(`commit refs/heads/main\nmark :${mark}\nauthor ${who} ${seconds} +0000\ncommitter ${who} ${seconds} +0000\n${data(message)}${ops.join('')}\n`);
    return mark;
  };
  const file = (path: string, text: string) => `M 100644 inline ${path}\n${data(text)}`;
  const role = (i: number) => `bench-role-${String(i).padStart(2, '0')}`;

  commit('Security <security@example.com>', 'Set up the access repo', Array.from({ length: ROLES }, (_, i) => file(`roles/${role(i)}.yaml`, [
    'description: Benchmark role with one cloud binding.',
    "owners: ['@example-org/owners']",
    'approvals:',
    "  - from: ['@example-org/owners']",
    'targets:',
    i % 2 === 0 ? `  - gcp: { resource: projects/bench-${i}, role: roles/viewer }` : `  - aws: { account: '111111111111', strategy: iam, roleName: Bench${i} }`,
  ].join('\n') + '\n')));

  const live: { path: string; role: string; grantee: string; expires: number; extend: boolean }[] = [];
  const advance = (grant: (typeof live)[number]) => {
    if (grant.extend) {
      grant.extend = false;
      grant.expires += 2 * 3_600_000;
      commit(`${grant.grantee} <${grant.grantee}>`, `Extend ${grant.path} (#${mark + 1})`, [file(grant.path, grantText(grant.grantee, grant.expires))]);
      return false;
    }
    commit('gitgrant[bot] <bot@example.com>', formatCommitMessage(`expire: ${grant.grantee} ${grant.role}`, {
      action: 'expire', grants: [{ grant: grant.path, role: grant.role, grantee: grant.grantee, expiredAt: grant.expires, revokedAt: clock + STEP }],
    }), [`D ${grant.path}\n`]);
    return true;
  };
  for (let i = 0; i < LIFECYCLES; i++) {
    const grantee = `person${i % 3_000}@example.com`;
    const r = role(i % ROLES);
    const path = `grants/${r}/person${i}-inc-${i}.yaml`;
    const expires = clock + 6 * 3_600_000;
    const pr = mark + 1;
    const landed = commit(`${grantee} <${grantee}>`, `Request ${r} for ${grantee} (#${pr})`, [file(path, grantText(grantee, expires))]);
    if (i % 2 === 0) notes.push({ mark: landed, text: formatApprovalNote({ pr, openedAt: clock - 30 * STEP, author: `@person${i % 3_000}`, approvers: [{ login: '@owner', at: clock - 5 * STEP }] }) });
    live.push({ path, role: r, grantee, expires, extend: i % 2 === 1 });
    if (live.length > CONCURRENT) {
      const next = live.shift()!;
      if (!advance(next)) live.push(next);
    }
  }
  while (live.length > 0) {
    const next = live.shift()!;
    if (!advance(next)) live.push(next);
  }
  const seconds = Math.floor((clock + STEP) / 1000);
  chunks.push(`commit refs/notes/gitgrant\ncommitter gitgrant[bot] <bot@example.com> ${seconds} +0000\n${data('Approval notes')}`);
  for (const note of notes) chunks.push(`N inline :${note.mark}\n${data(note.text)}`);
  chunks.push('\n');
  await new Promise<void>((done, fail) => {
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`git fast-import exited ${code}`))));
    child.stdin.end(chunks.join(''));
  });
  spawnSync('git', ['checkout', '-q', 'main'], { cwd: dir });
  return { commits };
}

function grantText(grantee: string, expires: number): string {
  return renderGrantFile({ grantee, reason: 'Investigate the benchmark incident in production', ticket: 'INC-1', expires });
}

/** Wall time of a fresh process, its output discarded (to /dev/null, so neither side pays for a pipe). */
function run(command: string, args: string[]): number {
  const sink = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: REPO, stdio: ['ignore', sink, 'pipe'], encoding: 'utf8' });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return ms;
  } finally {
    closeSync(sink);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const built = existsSync(join(REPO, '.git')) ? undefined : await (async () => {
  process.stdout.write(`building ${REPO} (${formatNumber(LIFECYCLES)} lifecycles) with git fast-import...\n`);
  const start = performance.now();
  const result = await buildHistory(REPO);
  return { ...result, ms: performance.now() - start };
})();
const commitCount = Number(spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim());

const gitgrant = join(ROOT, 'bin', 'gitgrant.js');
const samples = { audit: [] as number[], log: [] as number[], accessAt: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  samples.audit.push(run('node', [gitgrant, 'audit', '--format', 'json']));
  samples.log.push(run('git', ['log', '--name-status', 'HEAD', '--', 'grants', 'roles']));
  samples.accessAt.push(run('node', [gitgrant, 'access-at', ACCESS_AT]));
}
const m = { audit: median(samples.audit), log: median(samples.log), accessAt: median(samples.accessAt) };
const figures: Figure[] = [
  { name: '(a) gitgrant audit / (b) git log --name-status', measured: Math.round(m.audit), reference: Math.round(m.log), target: 3, unit: 'ms' },
  { name: '(c) gitgrant access-at / (b) git log --name-status', measured: Math.round(m.accessAt), reference: Math.round(m.log), target: 3, unit: 'ms' },
];
const rows = (['audit', 'log', 'accessAt'] as const).map((key) => [
  { audit: '(a) gitgrant audit --format json', log: '(b) git log --name-status -- grants roles', accessAt: `(c) gitgrant access-at ${ACCESS_AT}` }[key],
  ...samples[key].map((ms) => String(Math.round(ms))),
  String(Math.round(m[key])),
]);
const body = [
  '## audit (`npm run bench:audit`)',
  '',
  `Run: ${machineLine(new Date())}. History: ${formatNumber(LIFECYCLES)} grant lifecycles over ${ROLES} roles (request; every second one extended once; expired by the sweep with trailers; approval notes on half the requests), ${formatNumber(commitCount)} commits, built with \`git fast-import\`${built ? ` in ${formatNumber(Math.round(built.ms))} ms` : ' (cached under .bench/)'}.`,
  `Every process is started fresh and timed from spawn to exit with its output sent to /dev/null (wall time, milliseconds, median of ${RUNS} interleaved runs).`,
  'gitgrant audit runs one `git log` (with `--raw`, the blob ids) and one `git cat-file --batch`, then reconstructs and renders every lifecycle.',
  '',
  figuresTable(figures),
  markdownTable(['process', ...samples.audit.map((_, i) => `run ${i + 1}`), 'median'], rows),
].join('\n');
writeSection(join(ROOT, 'docs', 'benchmarks.md'), 'audit', body);
process.stdout.write(body + '\n');
