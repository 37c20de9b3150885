import { describe, expect, it } from 'vitest';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../../src/core/plan/render.js';
import type { Plan } from '../../../src/core/plan/types.js';
import { instant } from '../../support/builders/model.js';
import { ACCOUNT, PERMISSION_SET_ARN, aChange, aPlan, desired, gcpTarget, iamTarget, identityCenterTarget, observed } from '../../support/builders/plan.js';

const AT = instant('2026-11-23T10:00:00Z');
const PROJECT = gcpTarget('projects/acme-prod-orders');
const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}@example.com`;
const role = `arn:aws:iam::${ACCOUNT}:role/ProdOrdersDbAdmin`;
const twoHours = { expires: instant('2026-11-23T12:00:00Z') };
const scheduled = { starts: instant('2026-11-24T08:00:00Z'), expires: instant('2026-11-24T16:00:00Z') };

/** One of each thing a plan can say, on three targets, plus a quiet target that must not show. */
const EVERYTHING: Plan = aPlan(
  AT,
  [
    aChange(iamTarget(), {
      add: [desired('gg5e538c17fe62e5681f6b3f19', iamTarget(), user('bob'), role, scheduled, 'grants/prod-db-admin/bob-chg-1187.yaml')],
      unmanaged: [observed(user('alice'), role, { label: 'legacy-db-admin:#1' })],
      kept: 0,
    }),
    aChange(identityCenterTarget(), {
      add: [desired(`${ACCOUNT}/ps-0000000000000001/user-id-heidi`, identityCenterTarget(), 'user-id-heidi', PERMISSION_SET_ARN, undefined, 'grants/staging-poweruser/heidi-1.yaml', 'grants/staging-poweruser/heidi-2.yaml')],
      kept: 0,
    }),
    aChange(gcpTarget('folders/281746352014'), { kept: 1 }),
    aChange(PROJECT, {
      update: [
        {
          from: observed('user:alice@example.com', 'roles/cloudsql.viewer', { id: 'gg7f35a17332b577bfdf876a27', window: twoHours }),
          to: desired('gg7f35a17332b577bfdf876a27', PROJECT, 'user:alice@example.com', 'roles/cloudsql.viewer', { expires: instant('2026-11-23T18:00:00Z') }, 'grants/prod-db-readonly/alice-inc-4211.yaml'),
        },
      ],
      remove: [observed('user:erin@example.com', 'roles/cloudsql.viewer', { id: 'ggd3dd395095d5b1b6442f2e82', window: twoHours })],
      unmanaged: [observed('user:legacy-admin@example.com', 'roles/owner')],
      kept: 2,
    }),
  ],
  {
    diagnostics: [
      { severity: 'warning', code: 'GCP_CONDITIONAL_BINDING_LIMIT', summary: 'projects/acme-prod-orders: close to the limit', file: 'grants/prod-db-readonly/alice-inc-4211.yaml', start: { line: 1, col: 1 }, end: { line: 1, col: 1 } },
    ],
  },
);

const NOTHING: Plan = aPlan(AT, [aChange(PROJECT, { kept: 3 })]);
const OFFLINE: Plan = aPlan(AT, [aChange(PROJECT, { add: EVERYTHING.changes[3]!.update.map((u) => u.to) })], { online: false });

describe('rendering a plan', () => {
  it('as text, in the style of terraform plan', async () => {
    await expect(renderPlanText(EVERYTHING)).toMatchFileSnapshot('../../golden/plan/everything.txt');
  });

  it('as Markdown, for PR comments and job summaries', async () => {
    await expect(renderPlanMarkdown(EVERYTHING)).toMatchFileSnapshot('../../golden/plan/everything.md');
  });

  it('as JSON, with totals, stable field order and instants as numbers', async () => {
    await expect(renderPlanJson(EVERYTHING)).toMatchFileSnapshot('../../golden/plan/everything.json');
    expect(JSON.parse(renderPlanJson(EVERYTHING)).totals).toEqual({ add: 2, update: 1, remove: 1, unmanaged: 2, targets: 3 });
  });

  it('says so when there is nothing to do', async () => {
    await expect(renderPlanText(NOTHING)).toMatchFileSnapshot('../../golden/plan/nothing.txt');
    await expect(renderPlanMarkdown(NOTHING)).toMatchFileSnapshot('../../golden/plan/nothing.md');
  });

  it('offline, says that nothing was read', async () => {
    await expect(renderPlanText(OFFLINE)).toMatchFileSnapshot('../../golden/plan/offline.txt');
    await expect(renderPlanMarkdown(OFFLINE)).toMatchFileSnapshot('../../golden/plan/offline.md');
  });
});

describe('rendering hostile values', () => {
  // A grant file name, a grantee mapping and a cloud label are all text someone else chose.
  const hostile = 'x` | </code><img src=x onerror=alert(1)> @example-org/security [click](https://evil.example) **bold**\n# heading';
  const plan: Plan = aPlan(AT, [
    aChange(PROJECT, {
      add: [desired('gg1', PROJECT, `user:${hostile}`, 'roles/viewer', twoHours, `grants/viewer/${hostile}.yaml`)],
      remove: [observed('user:someone@example.com', 'roles/viewer', { id: 'gg2', window: twoHours, label: hostile })],
      unmanaged: [observed(`user:${hostile}`, hostile, { label: hostile })],
    }),
  ], { diagnostics: [{ severity: 'error', code: 'GCP_POLICY_MEMBER_LIMIT', summary: hostile }] });
  const markdown = renderPlanMarkdown(plan);

  it('cannot open HTML, close a code span, mention a team, link or format in Markdown', () => {
    for (const raw of ['<img', '</code><img', '@example-org', '](', '**bold**', '`']) expect(markdown).not.toContain(raw);
  });

  it('cannot add a table column or start a new line in Markdown', () => {
    const [changes, unmanaged] = markdown.split('<details>');
    const cells = (section: string) => section.split('\n').filter((line) => line.startsWith('|')).map((row) => row.split('|').length - 2);
    expect(cells(changes!)).toEqual([5, 5, 5, 5]);
    expect(cells(unmanaged!)).toEqual([4, 4, 4]);
    expect(markdown).not.toMatch(/^# heading/m);
  });

  it('cannot start a new line or carry terminal escapes in text', () => {
    const text = renderPlanText({ ...plan, diagnostics: [] });
    expect(text).not.toMatch(/^# heading/m);
    expect(renderPlanText(aPlan(AT, [aChange(PROJECT, { unmanaged: [observed('user:a@example.com', 'roles/viewer', { label: 'red \u001b[31m alert \u202e' })] })]))).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('a plan with targets that could not be read', () => {
  const unread: Plan = { ...NOTHING, unread: ['aws:iam:111111111111', 'gcp:folders/281746352014'] };

  it('does not claim the cloud matches the grants, and names what it could not compare', () => {
    expect(renderPlanText(NOTHING)).toContain('No changes: the cloud matches the grants.');
    expect(renderPlanText(unread).trimEnd().split('\n').at(-1)).toBe(
      'No changes on the targets that were read. 2 targets could not be read, so their changes are unknown: aws:iam:111111111111, gcp:folders/281746352014.',
    );
    expect(renderPlanMarkdown(unread)).toContain('No changes on the targets that were read. 2 targets could not be read, so their changes are unknown: <code>aws&#58;iam&#58;111111111111</code>, <code>gcp&#58;folders/281746352014</code>.');
    expect(JSON.parse(renderPlanJson(unread)).unread).toEqual(['aws:iam:111111111111', 'gcp:folders/281746352014']);
  });
});
