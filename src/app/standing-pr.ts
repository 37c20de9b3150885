/** The standing-access pull request's text, pure. */
import { markdownCode } from '../core/render/escape.js';
import type { StandingChange } from '../adapters/git/standing-branch.js';

export const STANDING_PR_TITLE = 'Standing access from HR';

export function standingPullRequestBody(change: StandingChange): string {
  const lines = [
    'The nightly HR job keeps standing access in line with the roles\' `standing` HR attributes.',
    'Review it like any other grant change; merging applies it.',
    '',
  ];
  if (change.add.length > 0) lines.push('**Added or renewed**', '', ...change.add.map((f) => `- ${markdownCode(f.path)}`), '');
  if (change.remove.length > 0) lines.push('**Removed** (the holder no longer matches)', '', ...change.remove.map((p) => `- ${markdownCode(p)}`), '');
  return lines.join('\n');
}
