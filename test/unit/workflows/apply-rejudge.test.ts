import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const apply = parse(readFileSync(join(import.meta.dirname, '../../../.github/workflows/apply.yml'), 'utf8')) as { jobs: { apply: { permissions: Record<string, string>; steps: Step[] } } };
const steps = apply.jobs.apply.steps;
const index = (match: (s: Step) => boolean) => steps.findIndex(match);
const CLOUD = /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth)@/;

describe('apply.yml: the gate is re-judged before anything is given', () => {
  const rejudge = index((s) => /dist\/gitgrant\.mjs rejudge\b/.test(s.run ?? ''));
  const applyStep = index((s) => /dist\/gitgrant\.mjs apply\b/.test(s.run ?? ''));

  it('runs rejudge before the first cloud credential and before apply', () => {
    expect(rejudge).toBeGreaterThan(0);
    const firstCloud = index((s) => CLOUD.test(s.uses ?? ''));
    expect(rejudge).toBeLessThan(firstCloud);
    expect(rejudge).toBeLessThan(applyStep);
  });

  it('gives nothing unless rejudge finished its judgement: the cloud steps and apply are conditioned on its output, and apply runs on the judged commit', () => {
    for (const step of steps.filter((s, i) => i > rejudge && (CLOUD.test(s.uses ?? '') || i === applyStep))) {
      expect(step.if).toContain("steps.rejudge.outputs.judged != ''");
    }
    expect(steps[rejudge]!.id).toBe('rejudge');
    // Exit 1 is also how gitgrant reports its own failures: only a take-back commit on top makes it "judged".
    expect(steps[rejudge]!.run).toContain('[ "$status" = 1 ] && [ "$head" != "$GITHUB_SHA" ]');
    expect(steps[applyStep]!.run).toContain('git checkout -q --detach "$JUDGED"');
  });

  it('keeps the App token as narrow as before: contents write, pull requests and members read', () => {
    const token = steps.filter((s) => /create-github-app-token@/.test(s.uses ?? ''));
    expect(token).toHaveLength(1);
    expect(Object.keys(token[0]!.with!).filter((k) => k.startsWith('permission-')).sort()).toEqual(['permission-contents', 'permission-members', 'permission-pull-requests']);
    expect(token[0]!.with).toMatchObject({ 'permission-contents': 'write', 'permission-members': 'read', 'permission-pull-requests': 'read' });
    expect(apply.jobs.apply.permissions).toEqual({ contents: 'read', 'id-token': 'write', actions: 'read' });
  });
});
