/**
 * The Node the workflows pin (`node-version: 24`), as `.ci/run` installs it: the official build
 * from the npm registry's `node@<version>` package, here cached under .bench/. The version is read
 * from `.ci/run`, so the benchmarks and CI test the same build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchNode {
  node: string;
  label: string;
}

/** This machine's `node`, and the LTS the workflows run, in that order. */
export function benchNodes(root: string, cache: string): [BenchNode, BenchNode] {
  const version = /^NODE_LTS=(\S+)$/m.exec(readFileSync(join(root, '.ci', 'run'), 'utf8'))?.[1];
  if (!version) throw new Error(".ci/run no longer names NODE_LTS: the benchmarks take the workflows' Node from there");
  const dir = join(cache, `node-${version}`);
  const node = join(dir, 'node_modules', '.bin', 'node');
  if (!existsSync(node)) {
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline', `node@${version}`], { stdio: 'ignore' });
  }
  return [
    { node: 'node', label: `Node ${process.versions.node} (this machine)` },
    { node, label: `Node ${version} (the workflows')` },
  ];
}
