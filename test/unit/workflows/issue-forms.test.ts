import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface FormField {
  type: string;
  id?: string;
  validations?: { required?: boolean };
}

const repoRoot = join(import.meta.dirname, '../../..');
const readYaml = (file: string): unknown => parse(readFileSync(join(repoRoot, file), 'utf8'));

const form = readYaml('.github/ISSUE_TEMPLATE/request-access.yml') as { labels: string[]; body: FormField[] };
const requestWorkflow = readFileSync(join(repoRoot, '.github/workflows/request.yml'), 'utf8');

describe('the access request issue form', () => {
  it('asks for role, duration, start, reason and ticket', () => {
    expect(form.body.filter((field) => field.id).map((field) => field.id)).toEqual(['role', 'duration', 'starts', 'reason', 'ticket']);
  });

  it('requires a role and a reason; the policy decides whether a ticket is required', () => {
    const required = form.body.filter((field) => field.validations?.required).map((field) => field.id);
    expect(required).toEqual(['role', 'reason']);
  });

  it('sets the label the request workflow listens for', () => {
    const [label] = form.labels;
    expect(label).toBe('access-request');
    expect(requestWorkflow).toContain(`contains(github.event.issue.labels.*.name, '${label}')`);
  });

  it('turns blank issues off so requests go through the form', () => {
    expect(readYaml('.github/ISSUE_TEMPLATE/config.yml')).toEqual({ blank_issues_enabled: false });
  });
});
