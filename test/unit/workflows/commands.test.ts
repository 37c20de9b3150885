import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../support/run-cli.js';

/** One `gitgrant <command> --flags...` found in a workflow's `run:` script. */
interface Invocation {
  file: string;
  command: string;
  flags: string[];
}

const repoRoot = join(import.meta.dirname, '../../..');
const workflowDir = join(repoRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name)).sort();

// The ways the workflows start the CLI: the package's bin, the built entry beside a checkout, or
// the committed bundle (dist/gitgrant.mjs, no install step).
const INVOCATION = /(?:\bnpx\s+gitgrant|\bnode\s+\S*bin\/gitgrant\.js|\bnode\s+\S*dist\/gitgrant\.mjs)\s+([^|;&\n]*)/g;

function runScripts(text: string): string[] {
  const workflow = parse(text) as { jobs?: Record<string, { steps?: Array<{ run?: string }> }> };
  return Object.values(workflow.jobs ?? {}).flatMap((job) => (job.steps ?? []).flatMap((step) => (step.run ? [step.run] : [])));
}

function invocationsIn(file: string, text: string): Invocation[] {
  return runScripts(text).flatMap((script) =>
    [...script.replace(/\\\n/g, ' ').matchAll(INVOCATION)].map((match) => {
      const [command = '', ...args] = match[1]!.trim().split(/\s+/);
      return { file, command, flags: args.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*$/, '')) };
    }),
  );
}

/** What the CLI itself says it has, from its own `--help` (in-process: the same declarations the bin runs). */
async function cliCommands(): Promise<Map<string, Set<string>>> {
  const help = async (...args: string[]) => (await runCli([...args, '--help'], { cwd: repoRoot })).stdout;
  const commands = [...(await help()).split('Commands:')[1]!.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  const options = await Promise.all(commands.map(async (c) => [c, new Set([...(await help(c)).matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!))] as const));
  return new Map(options);
}

function drift(invocations: readonly Invocation[], cli: Map<string, Set<string>>): string[] {
  return invocations.flatMap(({ file, command, flags }) => {
    const known = cli.get(command);
    if (!known) return [`${file}: gitgrant ${command}: no such command`];
    return flags.filter((f) => !known.has(f)).map((f) => `${file}: gitgrant ${command} ${f}: no such option`);
  });
}

const used = workflowFiles.flatMap((name) => invocationsIn(name, readFileSync(join(workflowDir, name), 'utf8')));

describe('the gitgrant commands the workflows run', () => {
  it('are found in every workflow that runs gitgrant', () => {
    expect(new Set(used.map((u) => u.command))).toEqual(
      new Set(['validate', 'codeowners', 'gate', 'comment', 'apply', 'rejudge', 'record-approvals', 'expire', 'break-glass', 'request', 'reconcile', 'hr-check', 'anomalies', 'exceptions', 'report', 'dashboard', 'verify']),
    );
  });

  it('all exist in the CLI, with every flag they pass', async () => {
    expect(drift(used, await cliCommands())).toEqual([]);
  });

  it('would be caught drifting: a renamed command and an unknown flag are both reported', async () => {
    const stale = 'jobs:\n  j:\n    steps:\n      - run: npx gitgrant report --html site/\n      - run: |\n          node ../bin/gitgrant.js gate --pr "$PR" \\\n            --base "$BASE" | tee out.txt\n      - run: npx gitgrant publish\n      - run: node dist/gitgrant.mjs validate --changed-since "$BASE" --strict\n';

    expect(drift(invocationsIn('stale.yml', stale), await cliCommands())).toEqual([
      'stale.yml: gitgrant report --html: no such option',
      'stale.yml: gitgrant gate --base: no such option',
      'stale.yml: gitgrant publish: no such command',
      'stale.yml: gitgrant validate --strict: no such option',
    ]);
  });
});

describe('what the workflows read from the repository settings', () => {
  it('is every variable and secret listed in the summary of docs/setup.md', () => {
    const setup = readFileSync(join(repoRoot, 'docs/setup.md'), 'utf8');
    const summary = setup.split('## Summary of what the workflows read')[1]!.split('\n## ')[0]!;
    const read = new Set(workflowFiles.flatMap((name) => [...readFileSync(join(workflowDir, name), 'utf8').matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)));

    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((name) => !summary.includes(name)).sort()).toEqual([]);
  });
});
