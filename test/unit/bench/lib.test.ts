import { describe, expect, it } from 'vitest';
import { criticalPathBoundMs } from '../../../bench/lib/critical-path.js';
import { withSection } from '../../../bench/lib/doc-section.js';
import { figuresTable, meetsTarget, ratio, type Figure } from '../../../bench/lib/figures.js';

describe('a benchmark section of docs/benchmarks.md', () => {
  const document = '# Benchmarks\n\nintro\n\n<!-- bench:validate -->\nold validate\n<!-- /bench:validate -->\n\n<!-- bench:apply -->\nold apply\n<!-- /bench:apply -->\n\ntrailer\n';

  it('replaces only its own section and leaves the others byte for byte', () => {
    const next = withSection(document, 'apply', 'new apply\n');
    expect(next).toBe(document.replace('old apply', 'new apply'));
  });

  it('is appended when the document does not have it yet', () => {
    expect(withSection('# Benchmarks\n', 'audit', 'figures')).toBe('# Benchmarks\n\n<!-- bench:audit -->\nfigures\n<!-- /bench:audit -->\n');
  });

  it('gives the same document when written twice', () => {
    const once = withSection(document, 'lifecycle', 'figures');
    expect(withSection(once, 'lifecycle', 'figures')).toBe(once);
  });
});

describe('the critical-path bound', () => {
  it('is the work over the parallelism when no chain is longer', () => {
    expect(criticalPathBoundMs([{ calls: 100, chain: 2 }], 8, 10)).toBe(130);
  });

  it('is the longest chain when the work would fit in less time', () => {
    expect(criticalPathBoundMs([{ calls: 4, chain: 3 }], 8, 10)).toBe(30);
  });

  it('adds phases that wait for each other', () => {
    expect(criticalPathBoundMs([{ calls: 16, chain: 1 }, { calls: 8, chain: 2 }], 8, 100)).toBe(400);
  });
});

describe('a figure against its target', () => {
  const figure = (measured: number, reference: number, target: number): Figure => ({ name: 'x', measured, reference, target, unit: 'ms' });

  it('is judged on the ratio as printed, to two decimals', () => {
    expect(meetsTarget(figure(1304, 1000, 1.3))).toBe(true);
    expect(meetsTarget(figure(1306, 1000, 1.3))).toBe(false);
  });

  it('treats nothing measured against nothing expected as a ratio of one', () => {
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(3, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('prints met or MISSED beside each figure', () => {
    const table = figuresTable([figure(1000, 1000, 1), figure(2000, 1000, 1.3)]);
    expect(table.split('\n').filter((line) => line.endsWith('| met |'))).toHaveLength(1);
    expect(table).toContain('| 2.00 | ≤ 1.30 | MISSED |');
  });
});
