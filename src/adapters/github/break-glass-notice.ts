/**
 * What people are told when glass is broken: the post-incident review issue and the Slack message.
 * Pure. The role's `notify` principals are mentioned on purpose (security owns roles/); everything
 * the actor typed is escaped so it cannot mention anyone or inject markup.
 */
import { formatDuration } from '../../core/model/duration.js';
import { formatInstant } from '../../core/model/instant.js';
import type { GitHubPrincipal, Instant, Millis } from '../../core/model/types.js';
import { markdownCode, markdownText, plainText } from '../../core/render/escape.js';
import type { IssueDraft } from './issues.js';
import { parseTeam } from './teams.js';

export interface BreakGlassEvent {
  actor: string;
  grantee: string;
  role: string;
  path: string;
  duration: Millis;
  expires: Instant;
  reason: string;
  incident: string;
  notify: readonly GitHubPrincipal[];
  /** The commit that landed the grant, when known. */
  commit?: string;
  /** `pending`: the issue is opened before the grant is committed; it is rewritten once it is. */
  applied: 'pending' | 'applied' | 'not-applied' | 'apply-failed';
}

const APPLIED_WORDS: Record<BreakGlassEvent['applied'], string> = {
  pending: 'being committed and applied; this line changes when that is done (if it never does, the grant was not committed: see the workflow run)',
  applied: 'applied to the cloud',
  'not-applied': 'committed; the apply workflow lands it',
  'apply-failed': 'committed, but applying it FAILED (see the workflow run); the next apply retries',
};

export function reviewIssue(event: BreakGlassEvent): IssueDraft {
  const mentions = event.notify.map((p) => `@${p.replace(/^@/, '')}`).join(' ');
  const body = [
    `${mentions ? `${mentions}: ` : ''}${markdownText(event.actor)} broke glass on role ${markdownCode(event.role)}. Please review what was done and close this issue as completed.`,
    '',
    '| | |',
    '| --- | --- |',
    `| Grantee | ${markdownCode(event.grantee)} |`,
    `| Incident | ${markdownText(event.incident)} |`,
    `| Reason | ${markdownText(event.reason)} |`,
    `| Duration | ${formatDuration(event.duration)}, until ${markdownCode(formatInstant(event.expires))} |`,
    `| Grant file | ${markdownCode(event.path)}${event.commit ? ` (commit ${markdownCode(event.commit.slice(0, 12))})` : ''} |`,
    `| Status | ${APPLIED_WORDS[event.applied]} |`,
    '',
    `Until a policy owner other than ${markdownText(event.actor)} closes this issue as completed, ${markdownText(event.actor)} cannot break glass again.`,
    '',
    'The grant\'s commit on main names this issue (trailer `Break-Glass-Review`); that, not this text, ties the issue to the use. Anyone with write access can edit this text: review the grant commit itself.',
  ].join('\n');
  return {
    title: plainText(`Break-glass review: ${event.actor} on ${event.role} (${event.incident})`),
    body,
    // Teams cannot be assignees; the users among the contacts can.
    assignees: event.notify.filter((p) => !parseTeam(p)).map((p) => p.replace(/^@/, '')),
  };
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning (links, `<!channel>`); nothing else is needed. */
function slackEscape(text: string): string {
  return plainText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(event: BreakGlassEvent, reviewUrl?: string): { text: string } {
  const s = slackEscape;
  const lines = [
    `:rotating_light: Break-glass: ${s(event.actor)} granted ${s(event.role)} to ${s(event.grantee)} for ${formatDuration(event.duration)} (until ${formatInstant(event.expires)}).`,
    `Incident: ${s(event.incident)}. Reason: ${s(event.reason)}.`,
    `Status: ${APPLIED_WORDS[event.applied]}.`,
    ...(reviewUrl ? [`Review: ${s(reviewUrl)}`] : []),
  ];
  return { text: lines.join('\n') };
}
