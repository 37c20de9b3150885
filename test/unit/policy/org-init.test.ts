import { describe, expect, it } from 'vitest';
import { checkOrgAnswers, orgFiles } from '../../../src/core/policy/org-init.js';

const good = { org: 'acme', domain: 'acme.test', owners: '@acme/security' };
const flagsOf = (answers: Parameters<typeof checkOrgAnswers>[0]) => checkOrgAnswers(answers).problems.map((p) => p.flag);

describe('the answers gitgrant init takes', () => {
  it('accepts an organisation, a domain and owners as @org/team or @user, comma- or space-separated', () => {
    const { setup, problems } = checkOrgAnswers({ org: 'acme', domain: 'Acme.Test', owners: '@acme/security, @alice @acme/platform-leads' });
    expect(problems).toEqual([]);
    expect(setup).toEqual({ org: 'acme', domain: 'acme.test', owners: ['@acme/security', '@alice', '@acme/platform-leads'] });
  });

  it.each([
    ['a newline that would add a CODEOWNERS rule', '@acme/security\n* @attacker'],
    ['a comment that would cut the rule short', '@acme/security#x'],
    ['a quote that would end the YAML string', "@acme/security'], evil: ['x"],
    ['a handle without @', 'acme/security'],
    ['a path below a team', '@acme/security/more'],
    ['a team of another organisation (GitHub ignores it: nobody could approve)', '@other/security'],
  ])('refuses owners with %s', (_what, owners) => {
    const { setup, problems } = checkOrgAnswers({ ...good, owners });
    expect(setup).toBeUndefined();
    expect(new Set(problems.map((p) => p.flag))).toEqual(new Set(['--owners']));
  });

  it.each([
    ['a YAML line break', "acme.test'\n  evil: 1"],
    ['a flow collection', 'acme.test, evil.com'],
    ['no dot', 'localhost'],
    ['a space', 'acme .test'],
  ])('refuses a domain with %s', (_what, domain) => {
    expect(flagsOf({ ...good, domain })).toEqual(['--domain']);
  });

  it.each(['acme corp', '-acme', 'acme-', 'ac--me', 'a'.repeat(40), 'ac\nme'])('refuses the organisation name %j', (org) => {
    expect(flagsOf({ ...good, org, owners: '@alice' })).toContain('--org');
  });

  it('trims the whitespace around an answer, so a pasted newline never reaches a file', () => {
    expect(checkOrgAnswers({ org: ' acme\n', domain: 'acme.test\n', owners: '\n@acme/security\n' }).setup).toEqual({ org: 'acme', domain: 'acme.test', owners: ['@acme/security'] });
  });

  it('says every missing answer at once', () => {
    expect(flagsOf({})).toEqual(['--org', '--domain', '--owners']);
  });

  it('takes a first role only with a description and a valid cloud target', () => {
    expect(flagsOf({ ...good, role: 'prod-db-readonly' })).toEqual(['--role-description', '--role']);
    expect(flagsOf({ ...good, role: 'Prod DB', roleDescription: 'Read-only access\nowners: x', gcpTarget: 'projects/x:roles/viewer' })).toEqual(['--role', '--role-description', '--gcp-target']);
    expect(flagsOf({ ...good, role: 'db', roleDescription: 'Read-only database access', awsTarget: '1234:Role' })).toEqual(['--aws-target']);
    const { setup } = checkOrgAnswers({ ...good, role: 'db', roleDescription: 'Read "only" \\ access', gcpTarget: 'projects/acme-prod:roles/cloudsql.viewer', awsTarget: '123456789012:DbReadOnly' });
    expect(setup?.role).toEqual({
      name: 'db', description: 'Read "only" \\ access', owners: ['@acme/security'],
      targets: [{ kind: 'gcp', resource: 'projects/acme-prod', role: 'roles/cloudsql.viewer' }, { kind: 'aws', account: '123456789012', roleName: 'DbReadOnly' }],
    });
  });

  it('renders the policies, the role and the epoch with the answers quoted where they are text', () => {
    const { setup } = checkOrgAnswers({ ...good, role: 'db', roleDescription: 'Read "only" access # not a comment', gcpTarget: 'projects/acme-prod:roles/viewer' });
    const files = orgFiles(setup!, Date.parse('2026-12-01T09:00:00Z'));
    expect(files.map((f) => f.path)).toEqual(['policies/access.yaml', 'policies/identities.yaml', 'policies/automation.yaml', 'roles/db.yaml', '.gitgrant/epoch.yaml']);
    const role = files.find((f) => f.path === 'roles/db.yaml')!.text;
    expect(role).toContain('description: "Read \\"only\\" access # not a comment"\n');
    expect(files.find((f) => f.path === '.gitgrant/epoch.yaml')!.text).toContain('org: acme\ninitialisedAt: 2026-12-01T09:00:00Z\n');
  });
});
