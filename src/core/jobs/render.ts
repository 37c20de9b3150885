/** Findings for the terminal, pure; `--json` prints them as they are. */
import { plainText } from '../render/escape.js';
import type { Finding, FindingOutcome } from './findings.js';

const OUTCOME_TEXT: Record<FindingOutcome, string> = {
  revoked: 'revoked',
  removed: 'removed',
  reported: 'reported',
  failed: 'failed',
  'would-revoke': 'would be revoked',
  'would-remove': 'would be removed',
};

export function renderFindingsText(command: string, findings: readonly Finding[]): string {
  return findings.map((f) => `gitgrant ${command}: finding ${f.kind} (${OUTCOME_TEXT[f.outcome]}): ${plainText(f.summary)}\n`).join('');
}
