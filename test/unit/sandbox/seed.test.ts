import { describe, expect, it } from 'vitest';
import { translateJson } from '../../../src/adapters/sandbox/arn-proxy.js';
import { SandboxUnsupported, sandboxSeed } from '../../../src/app/sandbox.js';
import { envScript } from '../../../src/cli/commands/sandbox.js';
import { loadRepo } from '../../../src/adapters/fs/load-repo.js';
import { TempRepo } from '../../support/temp-repo.js';

describe('what the sandbox seeds for a repo', () => {
  it('makes the roles targets, one permission set per Identity Center target and a principal per person, named as the identities policy says', () => {
    const { repo } = loadRepo(TempRepo.fromExample().root);
    const seed = sandboxSeed(repo, ['heidi@example.com', 'Hugo@Example.com ']);

    expect(seed.defaultAccount).toBe('111111111111');
    expect(seed.region).toBe('us-east-1');
    expect(seed.aws.accounts).toEqual([
      {
        account: '111111111111',
        roles: ['PaymentsConsoleOperator', 'ProdOrdersDbAdmin', 'ProdOrdersDbReadOnly', 'ProdOrdersDbReadWrite'],
        // bob's IAM user is bob.example (policies/identities.yaml); everyone else by email.
        users: ['alice@example.com', 'bob.example', 'carol@example.com', 'dana@example.com', 'erin@example.com', 'frank@example.com', 'gina@example.com', 'heidi@example.com', 'hugo@example.com'],
      },
    ]);
    expect(seed.aws.identityCenter?.instanceArn).toBe('arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6');
    expect(seed.aws.identityCenter?.permissionSets).toEqual([
      { arn: 'arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-a1b2c3d4e5f60718', name: 'prod-break-glass', sessionDuration: 'PT1H' },
      { arn: 'arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-b2c3d4e5f6071829', name: 'staging-poweruser', sessionDuration: 'PT4H' },
    ]);
    expect(seed.aws.identityCenter?.users).toContainEqual({ userName: 'hugo@example.com', email: 'hugo@example.com' });
    expect(seed.gcpResources).toEqual(['folders/281746352014', 'organizations/604318726195', 'projects/acme-analytics', 'projects/acme-customer-globex', 'projects/acme-prod-orders']);
  });

  it('refuses roles that name two Identity Center instances, which one emulator cannot answer for', () => {
    const example = TempRepo.fromExample();
    example.write({ path: 'roles/staging-poweruser.yaml', text: example.read('roles/staging-poweruser.yaml').replace(/ssoins-7223a1b2c3d4e5f6/g, 'ssoins-00000000000000aa') });
    const { repo } = loadRepo(example.root);
    expect(() => sandboxSeed(repo, [])).toThrow(SandboxUnsupported);
    expect(() => sandboxSeed(repo, [])).toThrow('the roles name 2 Identity Center instances');
  });
});

describe('the ARN proxy', () => {
  const map = new Map([['arn:aws:sso:::instance/ssoins-repo', 'arn:aws:sso:::instance/ssoins-moto']]);

  it('replaces string values that are exactly a mapped ARN, and nothing else', () => {
    const body = Buffer.from(JSON.stringify({ InstanceArn: 'arn:aws:sso:::instance/ssoins-repo', Note: 'see arn:aws:sso:::instance/ssoins-repo', List: ['arn:aws:sso:::instance/ssoins-repo'], N: 1.5 }));
    expect(JSON.parse(translateJson(body, map).toString())).toEqual({
      InstanceArn: 'arn:aws:sso:::instance/ssoins-moto',
      Note: 'see arn:aws:sso:::instance/ssoins-repo',
      List: ['arn:aws:sso:::instance/ssoins-moto'],
      N: 1.5,
    });
  });

  it('passes XML and bodies without a mapped value through byte for byte', () => {
    const xml = Buffer.from('<ListUsersResponse><Arn>arn:aws:sso:::instance/ssoins-repo</Arn></ListUsersResponse>');
    expect(translateJson(xml, map)).toBe(xml);
    const json = Buffer.from('{ "A" : "b" }');
    expect(translateJson(json, map)).toBe(json);
  });
});

describe('the printed environment', () => {
  it('is export and unset lines a POSIX shell can eval, quoting what needs it', () => {
    expect(envScript({ B: 'plain-value', A: "it's", C: undefined })).toBe(
      "# gitgrant sandbox: point gitgrant at the emulators on loopback\nexport A='it'\\''s'\nexport B=plain-value\nunset C\n",
    );
  });
});
