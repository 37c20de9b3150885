import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../../src/core/gate/gate.js';
import { renderGateMarkdown, renderGateText } from '../../../src/core/gate/gate-render.js';
import { aGrant, aPullRequest, by, OLD_HEAD } from '../../support/builders/gate.js';

const hostile = 'x | y <img src=x onerror=alert(1)> @acme/everyone\n| injected | row |';

describe('rendering the gate verdict', () => {
  const result = evaluateGate(
    aPullRequest()
      .adding(aGrant('grants/prod-db/alice.yaml').needs(2, hostile, '@acme/db').waivedBecause(hostile))
      .changingFiles({ path: 'grants/old/bob.yaml', status: 'removed' })
      .team('@acme/db', 'bob', 'carol')
      .withReviews(by('bob').approves(), by('carol').approves(OLD_HEAD))
      .build(),
  );

  it('writes one table row per level with the counted approvers and status', () => {
    const md = renderGateMarkdown(result);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(3); // header, rule, one level
    expect(rows[2]).toContain('| bob |');
    expect(rows[2]).toContain('waived');
  });

  it('keeps user text from mentioning teams, injecting HTML or adding table cells', () => {
    const md = renderGateMarkdown(result);
    expect(md).not.toContain('@acme/everyone');
    expect(md).not.toContain('<img');
    const row = md.split('\n').find((l) => l.includes('alice'))!;
    expect(row.split('|')).toHaveLength(7); // five cells between six pipes
  });

  it('explains every review it did not count, and that revocations need none', () => {
    const md = renderGateMarkdown(result);
    expect(md).toContain('not counted: carol (approved): approved an older commit');
    expect(md).toContain('Revocations need no approval: <code>grants/old/bob&#46;yaml</code>');
  });

  it('writes one plain line per subject and level for the log, without control characters', () => {
    const text = renderGateText(result);
    expect(text.split('\n')[0]).toBe(`gate: PR #7 at ${'h'.repeat(12)}: PASSED`);
    expect(text).toContain('grants/old/bob.yaml (deleted): no approval needed');
    expect(text).not.toMatch(/\n\| injected/);
  });
});

describe('rendering refused files', () => {
  const result = evaluateGate(
    aPullRequest()
      .changingFiles({ path: 'grants/db/.yaml', status: 'added' }, { path: 'grants/db/x`<img src=x>`.yaml', status: 'added' }, { path: 'grants/db/link.yaml', status: 'added', mode: '120000' })
      .build(),
  );

  it('fails the verdict and lists each refused file with its reason, whoever approved', () => {
    expect(result.passed).toBe(false);
    expect(renderGateText(result)).toContain('grants/db/link.yaml (refused): symbolic link where only regular files are allowed (hint: replace it with the file itself; gitgrant never follows links)');
    const md = renderGateMarkdown(result);
    expect(md).toContain('Refused whoever approves (fix or remove these files):');
    expect(md).toContain('- <code>grants/db/&#46;yaml</code>: a grant file is named');
    expect(md).not.toContain('<img');
  });
});
