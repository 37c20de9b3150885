import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { initCommand } from '../../../src/cli/commands/init.js';
import type { InitPrompter } from '../../../src/cli/support/prompts.js';
import type { CliIo } from '../../../src/cli/support/io.js';
import { aGrant } from '../../support/builders/model.js';
import { EXAMPLE_ORG, TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const NOW = '2026-12-01T09:00:00Z';
const FLAGS = ['init', '--org', 'acme', '--domain', 'acme.test', '--owners', '@acme/security', '--now', NOW];

/** A repo made from the template: the example organisation in examples/ only, nothing at the root. */
function fromTemplate(): TempRepo {
  const repo = TempRepo.empty();
  cpSync(EXAMPLE_ORG, join(repo.root, 'examples/example-org'), { recursive: true });
  return repo;
}

const filesUnder = (root: string, dir: string): string[] =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir), { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name).sort() : [];

describe('gitgrant init from flags', () => {
  it('writes the policies, CODEOWNERS and the epoch, after which validate and codeowners --check pass', async () => {
    const repo = fromTemplate();
    const run = await runCli([...FLAGS, '--yes'], { cwd: repo.root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines.slice(0, 5)).toEqual([
      '  wrote .gitgrant/epoch.yaml', '  wrote .github/CODEOWNERS', '  wrote policies/access.yaml', '  wrote policies/automation.yaml', '  wrote policies/identities.yaml',
    ]);
    expect(await runCli(['validate', '--now', NOW], { cwd: repo.root })).toMatchObject({ code: 0, stdout: 'gitgrant validate: 3 files (0 roles, 0 grants): no problems found\n' });
    expect((await runCli(['codeowners', '--check'], { cwd: repo.root })).code).toBe(0);
    expect(repo.read('.github/CODEOWNERS')).toContain('\n* @acme/security\n');
    expect(repo.read('policies/access.yaml')).toContain('grantees:\n  domains: [acme.test]\n');
  });

  it('writes a first role whose grants its owners approve, and a grant of it then validates', async () => {
    const repo = fromTemplate();
    const run = await runCli([...FLAGS, '--yes', '--role', 'prod-db-readonly', '--role-description', 'Read-only access to the production database',
      '--role-owners', '@acme/db-owners', '--gcp-target', 'projects/acme-prod:roles/cloudsql.viewer', '--aws-target', '123456789012:ProdDbReadOnly'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(repo.read('.github/CODEOWNERS')).toContain('/grants/prod-db-readonly/ @acme/db-owners\n');
    repo.write(aGrant().ofRole('prod-db-readonly').for('alice@acme.test').withTicket('INC-1').because('Investigate the slow orders query').startingAt(NOW).expiringIn('2h').named('alice-inc-1').build());
    const validate = await runCli(['validate', '--now', NOW], { cwd: repo.root });
    expect(validate.stdout).toBe('gitgrant validate: 6 files (1 role, 1 grant): no problems found\n');
  });

  it('is a usage error without a terminal when a required answer or --yes is missing, and writes nothing', async () => {
    const repo = fromTemplate();
    const missing = await runCli(['init', '--org', 'acme'], { cwd: repo.root });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe('gitgrant: --domain, --owners are required\nhint: e.g. gitgrant init --org acme --domain acme.com --owners @acme/security --yes, or run it on a terminal to be asked\n');
    const unconfirmed = await runCli(FLAGS, { cwd: repo.root });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('confirm with --yes');
    expect(filesUnder(repo.root, 'policies')).toEqual([]);
    expect(existsSync(join(repo.root, '.gitgrant'))).toBe(false);
  });

  it('refuses an owner that would inject a CODEOWNERS rule, with exit 2 and the flag named', async () => {
    const repo = fromTemplate();
    const run = await runCli(['init', '--org', 'acme', '--domain', 'acme.test', '--owners', '@acme/security\n* @attacker', '--yes'], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gitgrant: --owners: "*" is not a GitHub team or user\nhint: write @org/team or @user\n');
    expect(existsSync(join(repo.root, 'policies'))).toBe(false);
  });

  it('removes the example organisation from the root of an older template, keeping the copy in examples/', async () => {
    const repo = fromTemplate();
    for (const folder of ['policies', 'roles', 'grants', 'hr']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
    const run = await runCli([...FLAGS, '--yes'], { cwd: repo.root });
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatch(/^gitgrant init: removed the example organisation from the root \(\d+ files; a copy stays in examples\/example-org\/\)$/);
    expect(filesUnder(repo.root, 'roles')).toEqual([]);
    expect(filesUnder(repo.root, 'grants')).toEqual([]);
    expect(filesUnder(repo.root, 'hr')).toEqual([]);
    expect(filesUnder(repo.root, 'policies')).toEqual(['access.yaml', 'automation.yaml', 'identities.yaml']);
    expect(filesUnder(repo.root, 'examples/example-org/roles').length).toBeGreaterThan(5);
  });

  it('never deletes an organisation\'s own files: a changed example file or a second init is refused, nothing touched', async () => {
    const repo = fromTemplate();
    for (const folder of ['policies', 'roles']) cpSync(join(EXAMPLE_ORG, folder), join(repo.root, folder), { recursive: true });
    repo.write({ path: 'roles/prod-db-readonly.yaml', text: repo.read('roles/prod-db-readonly.yaml') + '# ours now\n' });
    const changed = await runCli([...FLAGS, '--yes'], { cwd: repo.root });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe("gitgrant init: this repo already holds access data that is not the example organisation's: roles/prod-db-readonly.yaml\nhint: init starts a new organisation in a repo made from the template; it never deletes an organisation's own files\n");
    expect(filesUnder(repo.root, 'roles').length).toBe(filesUnder(EXAMPLE_ORG, 'roles').length);

    const fresh = fromTemplate();
    expect((await runCli([...FLAGS, '--yes'], { cwd: fresh.root })).code).toBe(0);
    const again = await runCli(['init', '--org', 'evil', '--domain', 'evil.test', '--owners', '@evil/x', '--yes'], { cwd: fresh.root });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already initialised (.gitgrant/epoch.yaml exists)');
    expect(fresh.read('policies/access.yaml')).toContain("owners: ['@acme/security']");
  });

  it('refuses to write through a symbolic link that points out of the repo', async () => {
    const repo = fromTemplate();
    const outside = mkdtempSync(join(tmpdir(), 'gitgrant-outside-'));
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    symlinkSync(outside, join(repo.root, '.gitgrant'));
    const run = await runCli([...FLAGS, '--yes'], { cwd: repo.root });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('.gitgrant is not a folder (a link?): refusing to write through it');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('gitgrant init on a terminal', () => {
  const terminal = (cwd: string): CliIo & { out: string[] } => {
    const out: string[] = [];
    return { out, stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), env: {}, cwd, isTTY: true, now: () => Date.parse(NOW) };
  };

  it('asks for what the flags did not give, checks each answer as it is typed, and asks to confirm', async () => {
    const repo = fromTemplate();
    const asked: string[] = [];
    const refusedOnTheWay: string[] = [];
    const typed: Record<string, string[]> = { 'GitHub organisation': ['acme'], 'Email domain of your people': ['not a domain', 'acme.test'] };
    const prompter: InitPrompter = {
      async input(message, check, defaultValue) {
        asked.push(message);
        for (const answer of typed[message] ?? [defaultValue ?? '']) {
          const verdict = check(answer);
          if (verdict === true) return answer;
          refusedOnTheWay.push(verdict);
        }
        throw new Error(`test bug: no good answer for ${message}`);
      },
      async confirm(message) {
        asked.push(message);
        return !message.startsWith('Add a first role');
      },
    };
    const io = terminal(repo.root);
    expect(await initCommand(io, {}, prompter)).toBe(0);
    expect(asked.map((m) => m.split(' (')[0]!.split(' in ')[0])).toEqual(['GitHub organisation', 'Email domain of your people', 'Policy owners', 'Add a first role now?', 'Set up acme']);
    expect(refusedOnTheWay).toEqual(['"not a domain" is not an email domain (the part after @ in your people\'s addresses, e.g. --domain acme.com)']);
    expect(repo.read('policies/access.yaml')).toContain("owners: ['@acme/security']");
  });

  it('writes nothing when the confirmation is declined', async () => {
    const repo = fromTemplate();
    const prompter: InitPrompter = { input: async () => { throw new Error('test bug: nothing to ask'); }, confirm: async () => false };
    const io = terminal(repo.root);
    expect(await initCommand(io, { org: 'acme', domain: 'acme.test', owners: '@acme/security' }, prompter)).toBe(0);
    expect(io.out.join('')).toBe('gitgrant init: nothing written\n');
    expect(existsSync(join(repo.root, 'policies'))).toBe(false);
  });
});

describe('the epoch init records: history starts at its commit', { timeout: 30_000 }, () => {
  const busy = '2026-11-23T10:00:00Z';
  const acmeGrant = () => aGrant().ofRole('db').for('hugo@acme.test').withTicket('INC-7').because('Investigate the slow orders query').startingAt('2026-11-23T09:00:00Z').expiringIn('4h').named('hugo-inc-7').build();
  const initialised = async (): Promise<TempRepo> => {
    // The template's history: the example organisation once lived at the root.
    const repo = TempRepo.fromExample().initGit('The example organisation at the root');
    cpSync(EXAMPLE_ORG, join(repo.root, 'examples/example-org'), { recursive: true });
    const run = await runCli([...FLAGS, '--yes', '--role', 'db', '--role-description', 'Read-only access to the orders database', '--gcp-target', 'projects/acme-prod:roles/viewer'], { cwd: repo.root });
    expect(run.code).toBe(0);
    repo.commitAll('Set up acme');
    return repo;
  };

  it('hides the example organisation from access-at and audit, and shows what came after', async () => {
    const repo = await initialised();
    expect((await runCli(['access-at', busy], { cwd: repo.root })).stdout).toBe(`Access at ${busy}: 0 grant(s), 0 person(s)\n`);
    repo.write(acmeGrant()).commitAll('Grant hugo db');
    const at = await runCli(['access-at', busy], { cwd: repo.root });
    expect(at.lines[0]).toBe(`Access at ${busy}: 1 grant(s), 1 person(s)`);
    expect(at.stdout).not.toContain('example.com');
    const audit = await runCli(['audit', '--format', 'json'], { cwd: repo.root });
    expect(audit.stdout).toContain('hugo@acme.test');
    expect(audit.stdout).not.toMatch(/example\.com|prod-db/);
  });

  it('cannot be moved forward to hide later history: deleting and re-adding the file keeps the first start', async () => {
    const repo = await initialised();
    repo.write(acmeGrant()).commitAll('Grant hugo db');
    const epoch = repo.read('.gitgrant/epoch.yaml');
    repo.remove('.gitgrant/epoch.yaml').commitAll('Drop the epoch');
    repo.write({ path: '.gitgrant/epoch.yaml', text: epoch }).commitAll('A new epoch, to hide hugo');
    const at = await runCli(['access-at', busy], { cwd: repo.root });
    expect(at.lines[0]).toBe(`Access at ${busy}: 1 grant(s), 1 person(s)`);
    expect(at.stdout).toContain('hugo@acme.test');
  });

  it('reads a repo without an epoch from its first commit, as before', async () => {
    const repo = TempRepo.fromExample().initGit();
    expect((await runCli(['access-at', busy], { cwd: repo.root })).stdout).toContain('alice@example.com');
  });
});
