import { describe, expect, it } from 'vitest';
import { reviewIssue, slackMessage, type BreakGlassEvent } from '../../../src/adapters/github/break-glass-notice.js';
import { gitHubPrincipal } from '../../../src/core/model/types.js';
import { aPolicy, aRepo } from '../../support/builders/model.js';

const event: BreakGlassEvent = {
  actor: 'olga',
  grantee: 'olga@example.com',
  role: 'prod-break-glass',
  path: 'grants/prod-break-glass/olga-inc-1.yaml',
  duration: 3_600_000,
  expires: Date.UTC(2026, 10, 23, 11),
  reason: 'Restart <!channel> & @here <https://evil.example|click>',
  incident: 'INC-1',
  notify: [gitHubPrincipal('@acme/security'), gitHubPrincipal('@sam')],
  applied: 'applied',
};

describe('break-glass notices', () => {
  it('assigns the review issue to the users among the contacts and mentions every contact', () => {
    const issue = reviewIssue(event);
    expect(issue.assignees).toEqual(['sam']);
    expect(issue.body.startsWith('@acme/security @sam: olga broke glass')).toBe(true);
  });

  it('makes Slack control sequences in the reason inert', () => {
    const { text } = slackMessage(event, 'https://github.invalid/acme/access/issues/9');
    expect(text).toContain('Reason: Restart &lt;!channel&gt; &amp; @here &lt;https://evil.example|click&gt;.');
    expect(text).not.toContain('<!channel>');
  });

  it('says when the grant landed but applying it failed', () => {
    expect(slackMessage({ ...event, applied: 'apply-failed' }).text).toContain('applying it FAILED');
  });
});

describe('break-glass settings in the policy', () => {
  const policyWith = (section?: unknown) => aRepo().with(section === undefined ? aPolicy() : aPolicy().withSection('breakGlass', section)).load().repo.policy;

  it('blocks while a review is open, by default, with the break-glass-review label', () => {
    expect(policyWith().breakGlass).toMatchObject({ blockWhileReviewOpen: true, reviewLabel: 'break-glass-review' });
  });

  it('can be told not to block, and to use another label', () => {
    expect(policyWith({ blockWhileReviewOpen: false, reviewLabel: 'incident-review' }).breakGlass).toMatchObject({ blockWhileReviewOpen: false, reviewLabel: 'incident-review' });
  });
});
