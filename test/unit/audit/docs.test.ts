import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../cli/run-cli.js';

describe('gitgrant docs on the example organisation', () => {
  it('writes the procedure in the shape of ENG-PROC-006, with the example\'s durations, approvers, expiry and logging', async () => {
    const repo = TempRepo.fromExample();
    const run = await runCli(['docs', '--out', 'docs-out'], { cwd: repo.root });
    expect(run.code).toBe(0);
    const procedure = readFileSync(join(repo.root, 'docs-out', 'access-procedure.md'), 'utf8');
    const headings = procedure.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## 1. Purpose', '## 2. Scope', '## 3. Overview', '## 4. Procedure', '## 5. Standards Compliance', '## 6. Artifact(s)', '## 7. Definitions', '## 8. Responsibilities']);
    expect(procedure).toContain('| 5 | Platform Engineer | Access is temporary by default: 4h unless the role sets its own default (1h to 24h); no grant may exceed 30d or its role\'s maximum. Access longer than 72h also needs 1 approval(s) from `@example-org/vp-engineering` (`vp-approval`). |');
    expect(procedure).toContain('| 7 | Security Officer | Break-glass for critical outages: `prod-break-glass` by `@example-org/oncall`, at most 2h, notifying `@example-org/security`; never longer than 4h.');
    expect(procedure).toContain('| `prod-db-admin` | Admin | 2h / 8h | 2 of `@example-org/db-owners`, then 1 of `@example-org/security`, then 1 of `@example-org/engineering-directors` | `aws 111111111111 role/ProdOrdersDbAdmin` (AWS IAM condition on aws:CurrentTime); `gcp projects/acme-prod-orders roles/cloudsql.admin` (GCP IAM condition on request.time) |');
    expect(procedure).toContain('`prod-break-glass` | Admin | 1h / 2h | 1 of `@example-org/security` | `aws 111111111111 permission-set ps-a1b2c3d4e5f60718` (removed by the sweep; sessions last at most 1h)');
    expect(procedure).toContain('must match `^((INC\\|CHG\\|SUP)-[0-9]+\\|#[0-9]+\\|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+)$`');
    expect(procedure).toContain('| Role owner `@example-org/db-owners` | Approves grants for `prod-db-admin`, `prod-db-readonly`, `prod-db-readwrite`. |');
    expect(procedure).toContain('| 4.2, 4.6 | HITRUST CSF v11.2.0 | 11.f - Privileged Access Management |');
    expect(run.stdout).toBe(`gitgrant docs: wrote ${join(repo.root, 'docs-out', 'access-procedure.md')} and ${join(repo.root, 'docs-out', 'questionnaire-answer.md')}\n`);
  });

  it('answers the administrator-access question with the example\'s real values', async () => {
    const repo = TempRepo.fromExample();
    const run = await runCli(['docs'], { cwd: repo.root });
    const answer = run.stdout.slice(run.stdout.indexOf('# Do you have a fully implemented policy'));
    expect(answer).toContain('\n\nYes. Our Automated Privileged Access Management Procedure is implemented as code');
    expect(answer).toContain('`customer-instance-admin` (Administrator access to a customer\'s dedicated instance project, for support work the customer asked for.) is approved by 1 of `@example-org/customer-success`, then 1 of `@example-org/security-operations`, lasts 24h by default and at most 30d.');
    expect(answer).toContain('Duration: access is temporary by default (4h unless the role sets its own default; the roles\' defaults range from 1h to 24h), and no grant may exceed 30d. Access longer than 72h also needs 1 approval(s) from `@example-org/vp-engineering` (`vp-approval`).');
    expect(answer).toContain('A ticket reference is required for every request for a production role.');
    expect(answer).toContain('the deadline is written into the cloud policy itself (GCP IAM conditions, AWS aws:CurrentTime conditions)');
    expect(answer).toContain('Policy ownership: the policy and roles are owned by `@example-org/security`');
  });

  it('follows the configuration: a changed cap is what the documents state', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'policies/access.yaml', text: repo.read('policies/access.yaml').replace('default: 4h ', 'default: 6h ') });
    const run = await runCli(['docs'], { cwd: repo.root });
    expect(run.stdout).toContain('Access is temporary by default: 6h unless the role sets its own default');
    expect(run.stdout).not.toContain('temporary by default: 4h');
  });

  it('refuses to document a configuration that does not load', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'roles/prod-db-admin.yaml', text: 'description: broken\n' });
    const run = await runCli(['docs'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.lines[run.lines.length - 1]).toBe('gitgrant docs: fix the errors above first; the documents state what valid configuration enforces');
  });
});
