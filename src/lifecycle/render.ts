/** Findings for the terminal, pure; `--json` prints them as they are. */
import { plainText } from '../render/escape.js';
import type { Finding } from './findings.js';

export function renderFindingsText(command: string, findings: readonly Finding[]): string {
  return findings.map((f) => `gitgrant ${command}: finding ${f.kind} (${f.outcome}): ${plainText(f.summary)}\n`).join('');
}
