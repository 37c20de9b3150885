/**
 * The dependency rule (docs/architecture.md), checked by dependency-cruiser over src/ with the
 * rules of .dependency-cruiser.cjs, plus the one rule it has no name for: no import cycle between
 * folders. A folder that only groups others (src/core, src/adapters) is not a node itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface Cruised {
  modules: { source: string; dependencies: { resolved: string; coreModule: boolean; couldNotResolve: boolean }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

async function cruise(): Promise<Cruised> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Cruised;
}

/** Folder-level edges, then Tarjan's strongly connected components of more than one folder. */
export function folderCycles(modules: Cruised['modules']): string[][] {
  const folder = (file: string) => file.slice(0, file.lastIndexOf('/'));
  const edges = new Map<string, Set<string>>();
  for (const m of modules) {
    if (!m.source.startsWith('src/')) continue;
    for (const d of m.dependencies) {
      if (d.coreModule || d.couldNotResolve || !d.resolved.startsWith('src/')) continue;
      const [from, to] = [folder(m.source), folder(d.resolved)];
      if (from === to) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do component.push((w = stack.pop()!));
    while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('the dependency rule', () => {
  it('finds a cycle between folders when there is one', () => {
    const modules = [
      { source: 'src/a/x.ts', dependencies: [{ resolved: 'src/b/y.ts', coreModule: false, couldNotResolve: false }] },
      { source: 'src/b/y.ts', dependencies: [{ resolved: 'src/a/z.ts', coreModule: false, couldNotResolve: false }] },
      { source: 'src/c/w.ts', dependencies: [{ resolved: 'src/a/x.ts', coreModule: false, couldNotResolve: false }] },
    ];
    expect(folderCycles(modules)).toEqual([['src/a', 'src/b']]);
  });

  it('holds for src/', async () => {
    const cruised = await cruise();
    expect(cruised.modules.length).toBeGreaterThan(100);
    expect(cruised.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
    expect(folderCycles(cruised.modules)).toEqual([]);
  }, 60_000);
});
