/**
 * bench:validate — `gitgrant validate` as a fresh process on generated repositories, against
 * baselines measured in the same run:
 *   (a) gitgrant validate, 500 roles + 10,000 grants     (and 20,000 grants for scaling)
 *   (b) a process that only reads and yaml-parses the same files     target (a)/(b) <= 1.0
 *   (c) ajv-cli validating the grants against the grant schema only  target (a)/(c) <= 1.0
 *   (d) validate --changed-since for one changed grant               target <= 0.3 s
 *       (on this machine's Node and on the LTS the workflows pin)
 * Each figure is the median of several interleaved runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSection } from './lib/doc-section.js';
import { figuresTable, markdownTable, type Figure } from './lib/figures.js';
import { machineLine } from './lib/machine.js';
import { benchRepo } from './generate-repo.js';
import { benchNodes } from './lib/lts-node.js';

const ROOT = resolve('.');
const CACHE = join(ROOT, '.bench');
const NOW = '2026-11-23T09:00:00Z';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function repo(grants: number): string {
  return benchRepo(join(CACHE, `validate-500-${grants}`), 500, grants, Date.parse('2026-11-23T10:00:00Z'));
}

function run(command: string, args: string[], cwd: string, expectExit = 0): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.status !== expectExit) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr || result.stdout.slice(-400)}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// The committed bundle, as the workflows run it (`npm run bench:validate` rebuilds it first).
const gitgrant = join(ROOT, 'dist', 'gitgrant.mjs');
const ajv = join(ROOT, 'node_modules', '.bin', 'ajv');
const [local, lts] = benchNodes(ROOT, CACHE);
const repo10k = repo(10_000);
const repo20k = repo(20_000);
// (d): one grant changed in the working tree, as in a pull request.
const changed = join(repo10k, 'grants', 'bench-role-0007', 'person7-inc-7.yaml');
const original = readFileSync(changed, 'utf8');
writeFileSync(changed, original.replace('investigate', 'examine'));

const samples: Record<'a' | 'a20' | 'b' | 'c' | 'd' | 'dLts', number[]> = { a: [], a20: [], b: [], c: [], d: [], dLts: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    samples.a.push(run('node', [gitgrant, 'validate', '--now', NOW], repo10k));
    samples.b.push(run('node', [join(ROOT, 'bench', 'baseline-parse.mjs'), repo10k], repo10k));
    samples.c.push(run(ajv, ['validate', '--spec=draft2020', '-s', join(ROOT, 'schemas', 'grant.schema.json'), '-d', 'grants/*/*.yaml'], repo10k));
    samples.a20.push(run('node', [gitgrant, 'validate', '--now', NOW], repo20k));
    samples.d.push(run(local.node, [gitgrant, 'validate', '--now', NOW, '--changed-since', 'HEAD'], repo10k));
    samples.dLts.push(run(lts.node, [gitgrant, 'validate', '--now', NOW, '--changed-since', 'HEAD'], repo10k));
    process.stdout.write(`run ${i + 1}/${RUNS} done\n`);
  }
} finally {
  writeFileSync(changed, original);
}

const [a, a20, b, c, d, dLts] = (['a', 'a20', 'b', 'c', 'd', 'dLts'] as const).map((k) => median(samples[k]));
const figures: Figure[] = [
  { name: '(a) validate 10k / (b) read + yaml-parse only', measured: a!, reference: b!, target: 1.0, unit: 'ms' },
  { name: '(a) validate 10k / (c) ajv-cli, grant schema only', measured: a!, reference: c!, target: 1.0, unit: 'ms' },
  { name: 'validate 20k / validate 10k', measured: a20!, reference: a!, target: 2.1, unit: 'ms' },
  { name: `(d) validate --changed-since, one grant / 300 ms; ${local.label}`, measured: d!, reference: 300, target: 1.0, unit: 'ms' },
  { name: `(d) validate --changed-since, one grant / 300 ms; ${lts.label}`, measured: dLts!, reference: 300, target: 1.0, unit: 'ms' },
];
const table = figuresTable(figures);
const raw = markdownTable(['process', ...samples.a.map((_, i) => `run ${i + 1}`), 'median'], (['a', 'b', 'c', 'a20', 'd', 'dLts'] as const).map((k) => [
  { a: '(a) gitgrant validate, 10k', b: '(b) read + yaml.parse, 10k', c: '(c) ajv-cli, 10k grants', a20: 'gitgrant validate, 20k', d: `(d) --changed-since, 1 grant; ${local.label}`, dLts: `(d) --changed-since, 1 grant; ${lts.label}` }[k],
  ...samples[k].map((ms) => ms.toFixed(0)),
  median(samples[k]).toFixed(0),
]));
process.stdout.write(`\n${table}\n${raw}`);
writeSection(join(ROOT, 'docs', 'benchmarks.md'), 'validate', [
  '## validate (`npm run bench:validate`)',
  '',
  `Run: ${machineLine(new Date())}. Generated repositories: 500 roles (two targets, two approval levels each)`,
  'with 10,000 and 20,000 grants; every process is started fresh and timed from spawn to exit (wall time,',
  `milliseconds, median of ${RUNS} interleaved runs). (b) reads every policy, role and grant file and parses it`,
  'with `yaml`, nothing else; (c) is `ajv validate --spec=draft2020 -s schemas/grant.schema.json -d grants/*/*.yaml`;',
  '(d) validates one grant changed in the working tree plus the cross-file rules it touches (its role\'s grants),',
  'and checks its grantee against the rows of the 10,000-person HR export that name them (both git questions run side by side).',
  'gitgrant runs as the workflows run it: `node dist/gitgrant.mjs` (the committed bundle, rebuilt first). It reads',
  'every file with the data-only subset reader (src/core/model/fast-yaml.ts), which reads a file again for positions only',
  'when it has a finding; the `yaml` library is loaded only for a file that reader leaves to it (none here), and no cloud SDK.',
  '(b) and (c) are the same processes as before. (d) runs on this machine\'s Node and on the LTS the workflows pin',
  '(see the startup section for why the two differ).',
  '',
  table,
  raw,
].join('\n'));
