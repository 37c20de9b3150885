import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

describe('gitgrant docs on the example organisation', () => {
  it('writes the procedure in the shape of ENG-PROC-006, with the example\'s durations, approvers, expiry and logging', async () => {
    const repo = TempRepo.fromExample();
    const run = await runCli(['docs', '--out', 'docs-out'], { cwd: repo.root });
    expect(run.code).toBe(0);
    const procedure = readFileSync(join(repo.root, 'docs-out', 'access-procedure.md'), 'utf8');
    const headings = procedure.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## 1. Purpose', '## 2. Scope', '## 3. Overview', '## 4. Procedure', '## 5. Standards Compliance', '## 6. Artifact(s)', '## 7. Definitions', '## 8. Responsibilities']);
    expect(procedure).toContain('| 5 | `@example-org/security` | Access is temporary by default: 4h unless the role sets its own default (1h to 24h); no grant may exceed 30d or its role\'s maximum. Access longer than 72h also needs 1 approval(s) from `@example-org/vp-engineering` (`vp-approval`). |');
    expect(procedure).toContain('| 7 | `@example-org/oncall`; reviewed by `@example-org/security` | Break-glass for critical outages: `prod-break-glass` by `@example-org/oncall`, at most 2h, notifying `@example-org/security`; never longer than 4h.');
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

  it('names who does each step from the configuration, never a job title', async () => {
    const repo = TempRepo.fromExample();
    const procedure = (await runCli(['docs'], { cwd: repo.root })).stdout;
    for (const title of ['IT Operations Team', 'DevOps Engineer', 'Platform Engineer', 'Security Officer', 'Managers']) expect(procedure).not.toContain(title);
    expect(procedure).toContain('| 2 | `@example-org/security` | Define the privileged roles');
    expect(procedure).toContain('| 9 | `gitgrant[bot]` (the automation) | Anomaly rules run nightly');
    expect(procedure).toContain('| Escalation approvers `@example-org/vp-engineering` | Approve access longer than 72h (`vp-approval`). |');
  });

  it('follows the configured owners and automation: a renamed team and App are who the documents name', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'policies/access.yaml', text: repo.read('policies/access.yaml').replace("owners: ['@example-org/security']", "owners: ['@example-org/appsec']") });
    repo.write({ path: 'policies/automation.yaml', text: 'automation:\n  name: access-robot[bot]\n' });
    const run = await runCli(['docs'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('| 2 | `@example-org/appsec` | Define the privileged roles');
    expect(run.stdout).toContain('| 10 | `access-robot[bot]` (the automation) | Findings become GitHub exception issues labelled `gitgrant-exception`');
  });

  it('claims that closing a ticket revokes access only for tickets gitgrant can look up (GitHub issues)', async () => {
    const example = await runCli(['docs'], { cwd: TempRepo.fromExample().root });
    expect(example.stdout).toContain('Access whose ticket is a GitHub issue (`#123` or `owner/repo#123`) is revoked when that issue is closed');

    const external = TempRepo.fromExample();
    external.write({ path: 'policies/access.yaml', text: external.read('policies/access.yaml').replace(/pattern: '.*'/, () => "pattern: '^INC-[0-9]+$'") });
    const run = await runCli(['docs'], { cwd: external.root });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('revoked when its ticket closes');
    expect(run.stdout).not.toContain('revoked when that issue is closed');
    expect(run.stdout).toContain('Tickets are keys in a tracker gitgrant does not look up: closing a ticket does not revoke access');
  });

  it('claims HR revocation and review blocking only as configured', async () => {
    const repo = TempRepo.fromExample();
    repo.write({ path: 'policies/hr.yaml', text: repo.read('policies/hr.yaml').replace('onTerminated: revoke', 'onTerminated: report') });
    repo.write({ path: 'policies/access.yaml', text: repo.read('policies/access.yaml').replace('breakGlass:\n', 'breakGlass:\n  blockWhileReviewOpen: false\n') });
    const run = await runCli(['docs'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Access is revoked when HR data shows the person left');
    expect(run.stdout).toContain('When HR data shows the person left, an exception issue is opened');
    expect(run.stdout).not.toContain('cannot break glass again');
    expect(run.stdout).toContain('an open review does not stop the same person breaking glass again');

    repo.remove('policies/hr.yaml');
    const withoutHr = await runCli(['docs'], { cwd: repo.root });
    expect(withoutHr.stdout).toContain('No HR source is configured: access is not validated against HR data.');
    expect(withoutHr.stdout).toContain('No standing access is derived from HR data.');
    expect(withoutHr.stdout).not.toContain('HR data shows the person left');
  });
});
