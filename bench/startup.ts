/**
 * bench:startup — what a workflow run pays before gitgrant does any work, and how fast the CLI starts.
 *
 * Setup: a fresh clone of this repository (committed state, no node_modules), as actions/checkout
 * leaves it, then the first gitgrant command of each workflow, timed from spawn to its first line
 * of output:
 *   PR check  `validate --changed-since` (one changed grant in a 10,000-grant repository)
 *   expire    `expire --dry-run`
 *   apply     `plan --offline` (apply prints its plan first; offline, as no cloud is here)
 *   nightly   `anomalies` (the checks job's first command, reconcile, reads the cloud before its
 *             first line; this is the nightly step that does not)
 * Before this change every job first ran `npm ci --ignore-scripts && npm run build` and then
 * `npx gitgrant`: that is measured once in the same clone (warm npm cache) for the comparison.
 *
 * Startup: `--help`, and `validate --changed-since` on one grant of 10,000, each from spawn to exit.
 * Also the Actions minutes a month the default schedules cost, before and after (see docs).
 * Everything on this machine's Node and on the LTS the workflows pin (the version `.ci/run` names).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSection } from './lib/doc-section.js';
import { figuresTable, markdownTable, type Figure } from './lib/figures.js';
import { machineLine } from './lib/machine.js';
import { benchRepo } from './generate-repo.js';
import { benchNodes } from './lib/lts-node.js';

const ROOT = resolve('.');
const CACHE = join(ROOT, '.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SKIP_BEFORE = process.argv.includes('--skip-before');
const NOW = '2026-11-23T09:00:00Z';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Spawn to first byte on stdout or stderr (the first line a workflow log shows); waits for exit. */
function firstLine(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now();
    let first: number | undefined;
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const mark = () => void (first ??= performance.now() - start);
    child.stdout.on('data', mark);
    child.stderr.on('data', mark);
    child.on('error', fail);
    child.on('close', () => (first === undefined ? fail(new Error(`${args.join(' ')} printed nothing`)) : done(first)));
  });
}

function wall(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const run = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

// A fresh clone of what is committed: the bundle is what the workflows run.
const clone = join(CACHE, 'startup-clone');
rmSync(clone, { recursive: true, force: true });
mkdirSync(CACHE, { recursive: true });
execFileSync('git', ['clone', '--quiet', '--no-local', '--depth', '1', `file://${ROOT}`, clone]);
// The bundle as built from the working tree (`npm run bench:startup` rebuilds it first): on main it
// is the committed one (a test keeps them equal); on a branch it is the change being measured.
rmSync(join(clone, 'dist'), { recursive: true, force: true });
cpSync(join(ROOT, 'dist', 'gitgrant.mjs'), join(clone, 'dist', 'gitgrant.mjs'));
cpSync(join(ROOT, 'dist', 'gitgrant-chunks'), join(clone, 'dist', 'gitgrant-chunks'), { recursive: true });
const bundle = join(clone, 'dist', 'gitgrant.mjs');
if (!existsSync(bundle)) throw new Error('the clone has no dist/gitgrant.mjs: commit the bundle (npm run bundle) first');
const env = { ...process.env, GITHUB_ACTIONS: '', GITHUB_REPOSITORY: '' };

// The repositories the commands run in: the example organisation (a copy) and 10,000 grants.
const example = join(CACHE, 'startup-example');
rmSync(example, { recursive: true, force: true });
for (const folder of ['policies', 'roles', 'grants', 'hr']) cpSync(join(clone, 'examples/example-org', folder), join(example, folder), { recursive: true });
execFileSync('git', ['init', '-q'], { cwd: example });
execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'example', '--allow-empty'], { cwd: example });
execFileSync('git', ['add', '-A'], { cwd: example });
execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'access files'], { cwd: example });
const large = benchRepo(join(CACHE, 'validate-500-10000'), 500, 10_000, Date.parse('2026-11-23T10:00:00Z'));
const changed = join(large, 'grants', 'bench-role-0007', 'person7-inc-7.yaml');
const original = readFileSync(changed, 'utf8');
writeFileSync(changed, original.replace('investigate', 'examine'));

const first: Record<'pr' | 'expire' | 'apply' | 'nightly', [string[], string]> = {
  pr: [['validate', '--changed-since', 'HEAD', '--now', NOW], large],
  expire: [['expire', '--dry-run', '--now', '2026-11-23T20:00:00Z'], example],
  apply: [['plan', '--offline', '--now', NOW], example],
  nightly: [['anomalies', '--now', NOW], example],
};
/**
 * Two Nodes: this machine's (20), and the current LTS that the workflows pin (`node-version: 24`),
 * the same build `.ci/run` installs from the npm registry. Node 20 loads the certificates named by
 * NODE_EXTRA_CA_CERTS (set on this machine) while it starts, tens of milliseconds before any code
 * of gitgrant runs; Node 24 loads them only when TLS is first used.
 */
const [local, lts] = benchNodes(ROOT, CACHE);
const runtimes = [{ key: 'local', ...local }, { key: 'lts', ...lts }] as const;
type Sample = 'pr' | 'expire' | 'apply' | 'nightly' | 'help' | 'changed' | 'baseline';
const SAMPLES: Sample[] = ['pr', 'expire', 'apply', 'nightly', 'help', 'changed', 'baseline'];
const samples = Object.fromEntries(runtimes.map(({ key }) => [key, Object.fromEntries(SAMPLES.map((name) => [name, [] as number[]]))])) as Record<(typeof runtimes)[number]['key'], Record<Sample, number[]>>;
try {
  for (let i = 0; i < RUNS; i++) {
    for (const { key, node } of runtimes) {
      const into = samples[key];
      for (const [name, [args, cwd]] of Object.entries(first) as [Sample, [string[], string]][]) into[name].push(await firstLine(node, [bundle, ...args], cwd, env));
      into.help.push(wall(node, [bundle, '--help'], example, env));
      into.changed.push(wall(node, [bundle, 'validate', '--changed-since', 'HEAD', '--now', NOW], large, env));
      into.baseline.push(wall(node, ['-e', ''], example, env));
    }
    process.stdout.write(`run ${i + 1}/${RUNS} done\n`);
  }
} finally {
  writeFileSync(changed, original);
}

// Before: every job installed and compiled the project, then started it with npx.
let before: { install: number; firstLine: number } | undefined;
if (!SKIP_BEFORE) {
  const start = performance.now();
  execFileSync('sh', ['-c', 'npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null 2>&1 && npm run build >/dev/null'], { cwd: clone });
  const install = performance.now() - start;
  const npx = await firstLine('npx', ['gitgrant', 'plan', '--offline', '--now', NOW], clone, { ...env, npm_config_yes: 'true' });
  before = { install, firstLine: npx };
}

const medians = (of: Record<Sample, number[]>) => Object.fromEntries(SAMPLES.map((name) => [name, median(of[name])])) as Record<Sample, number>;
const figures: Figure[] = runtimes.flatMap(({ key, label }) => {
  const m = medians(samples[key]);
  return [
    { name: `PR check: spawn to first line, validate --changed-since / 5 s; ${label}`, measured: m.pr, reference: 5000, target: 1.0, unit: 'ms' },
    { name: `expire: spawn to first line, expire --dry-run / 5 s; ${label}`, measured: m.expire, reference: 5000, target: 1.0, unit: 'ms' },
    { name: `apply: spawn to first line, plan --offline / 5 s; ${label}`, measured: m.apply, reference: 5000, target: 1.0, unit: 'ms' },
    { name: `nightly: spawn to first line, anomalies / 5 s; ${label}`, measured: m.nightly, reference: 5000, target: 1.0, unit: 'ms' },
    { name: `gitgrant --help, spawn to exit / 150 ms; ${label}`, measured: m.help, reference: 150, target: 1.0, unit: 'ms' },
    { name: `validate --changed-since, 1 grant of 10,000 / 300 ms; ${label}`, measured: m.changed, reference: 300, target: 1.0, unit: 'ms' },
  ];
});
const workflowsNode = medians(samples.lts);

// Actions minutes: every job is billed in whole minutes, rounded up. Schedules from .github/workflows.
const workflows = join(ROOT, '.github', 'workflows');
const crons = ['expire.yml', 'nightly.yml'].flatMap((file) => [...readFileSync(join(workflows, file), 'utf8').matchAll(/cron:\s*'([^']+)'/g)].map((match) => ({ file, cron: match[1]! })));
const runsPerMonth = (cron: string): number => {
  const [minute, hour, day] = cron.split(/\s+/);
  const perHour = minute!.startsWith('*/') ? 60 / Number(minute!.slice(2)) : 1;
  const perDay = hour === '*' ? 24 * perHour : perHour;
  return day === '*' ? perDay * 30 : perDay;
};
/** Assumed per job, the same before and after: checkout, setup-node, cloud logins, the app token and the work itself. */
const REST_OF_JOB_S = 25;
const setupBefore = before ? (before.install + before.firstLine) / 1000 : Number.NaN;
// The workflows run the bundle on the Node they pin.
const setupAfter = workflowsNode.expire / 1000;
const billed = (setupSeconds: number) => Math.ceil((REST_OF_JOB_S + setupSeconds) / 60);
const minuteRows = crons.map(({ file, cron }) => {
  const runs = runsPerMonth(cron);
  return [`${file} \`${cron}\``, String(runs), before ? `${runs * billed(setupBefore)}` : 'not measured', `${runs * billed(setupAfter)}`];
});

const table = figuresTable(figures);
const SAMPLE_NAMES: Record<Sample, string> = {
  pr: 'PR check first line', expire: 'expire first line', apply: 'apply (plan --offline) first line', nightly: 'nightly (anomalies) first line',
  help: '--help', changed: 'validate --changed-since, 1 of 10,000', baseline: 'node -e "" (Node itself)',
};
const raw = markdownTable(['process', ...samples.local.pr.map((_, i) => `run ${i + 1}`), 'median'], runtimes.flatMap(({ key, label }) => SAMPLES.map((name) => [
  `${SAMPLE_NAMES[name]}; ${label}`,
  ...samples[key][name].map((ms) => ms.toFixed(0)),
  median(samples[key][name]).toFixed(0),
])));
const minutes = markdownTable(['schedule', 'runs a month', 'billed minutes before', 'billed minutes after'], minuteRows);
const beforeLine = before
  ? `Before (every job): \`npm ci --ignore-scripts && npm run build\` in the same fresh clone with a warm npm cache took ${(before.install / 1000).toFixed(1)} s, then \`npx gitgrant plan --offline\` ${(before.firstLine / 1000).toFixed(1)} s to its first line: ${setupBefore.toFixed(1)} s of setup per job. After: no install step; the times above.`
  : 'Before: not measured in this run (--skip-before).';
process.stdout.write(`\n${table}\n${raw}\n${beforeLine}\n\n${minutes}`);
writeSection(join(ROOT, 'docs', 'benchmarks.md'), 'startup', [
  '## startup and workflow setup (`npm run bench:startup`)',
  '',
  `Run: ${machineLine(new Date())}. A fresh \`git clone\` of the committed state (no node_modules), as`,
  '`actions/checkout` leaves it; each workflow\'s first gitgrant command runs as `node dist/gitgrant.mjs ...` (the',
  'bundle built from the sources by `npm run bundle`, as committed) and is timed from spawn to its first line of output; `--help` and `validate --changed-since`',
  `are timed from spawn to exit. Wall time, milliseconds, median of ${RUNS} runs. The nightly checks job starts with`,
  '`reconcile`, whose first line follows its cloud reads; `anomalies`, a later step of the same job, needs no cloud.',
  `Each figure on two Nodes, run by turns: ${runtimes.map(({ label }) => label).join(' and ')}, the`,
  'official build `.ci/run` installs from the npm registry. This machine sets NODE_EXTRA_CA_CERTS: Node 20 reads and parses that',
  'certificate bundle while it starts, before any code of gitgrant runs (compare the two `node -e ""` rows); Node 24',
  'reads it when TLS is first used, which none of these commands does. The workflow minutes below use the workflows\' Node.',
  '',
  table,
  raw,
  beforeLine,
  '',
  `**Actions minutes a month** of the default schedules (30 days). GitHub bills each job in whole minutes, rounded up; the rest of a job (checkout, setup-node, the cloud logins, the app token, the work) is assumed to take ${REST_OF_JOB_S} s before and after, so only the setup differs. An expire job that finds nothing fits in one billed minute after; before, setup alone took ${before ? setupBefore.toFixed(0) : '?'} s of it.`,
  '',
  minutes,
].join('\n'));
