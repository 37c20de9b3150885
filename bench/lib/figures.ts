/**
 * How benchmark figures are printed: a measured value against a bound or a minimum, as a ratio
 * with its target, in one Markdown table that reads the same on a terminal and in docs.
 */

export interface Figure {
  name: string;
  measured: number;
  /** The bound or minimum the measured value is compared with. */
  reference: number;
  /** The largest acceptable measured/reference ratio. */
  target: number;
  /** Unit of measured and reference, e.g. "calls" or "ms". */
  unit: string;
}

export function ratio(measured: number, reference: number): number {
  if (reference === 0) return measured === 0 ? 1 : Number.POSITIVE_INFINITY;
  return measured / reference;
}

export function meetsTarget(figure: Figure): boolean {
  // Two decimals are what is printed, so that is what is judged.
  return Number(ratio(figure.measured, figure.reference).toFixed(2)) <= figure.target;
}

export function figuresTable(figures: readonly Figure[]): string {
  return markdownTable(
    ['figure', 'measured', 'bound / minimum', 'ratio', 'target', ''],
    figures.map((f) => [
      f.name,
      `${formatNumber(f.measured)} ${f.unit}`,
      `${formatNumber(f.reference)} ${f.unit}`,
      ratio(f.measured, f.reference).toFixed(2),
      `≤ ${f.target.toFixed(2)}`,
      meetsTarget(f) ? 'met' : 'MISSED',
    ]),
  );
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}
