/**
 * `gitgrant sandbox` as a user runs it: the built CLI in the foreground in one process, and in
 * "another shell" `eval "$(gitgrant sandbox --print-env)"` then plan, apply, expire (with --now
 * after the deadlines), reconcile and verify against it, on a copy of the example organisation
 * whose roles name Identity Center ARNs moto never made. SIGTERM stops it with nothing left running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ensureBuilt } from '../../support/built-cli.js';
import { PROJECT_ROOT, TempRepo } from '../../support/temp-repo.js';
import { isRunning } from '../../support/process.js';

beforeAll(ensureBuilt);

const BIN = join(PROJECT_ROOT, 'bin/gitgrant.js');
const T0 = '2026-11-23T10:00:00Z';
const T1 = '2026-11-23T19:00:00Z';

/** The user's shell, minus anything that would point gitgrant at GitHub or a real cloud. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(AWS_|GITGRANT_|GITHUB_|GOOGLE_|CI$)/.test(e[0])));
}

function gitgrant(args: string[], cwd: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--no-warnings', BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What `eval` makes of the printed script: exports set, unsets removed. */
function evalEnvScript(script: string, base: Record<string, string>): Record<string, string> {
  const env = { ...base };
  for (const line of script.split('\n')) {
    const exported = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (exported) env[exported[1]!] = exported[2]!.replace(/^'(.*)'$/, '$1');
    const unset = /^unset (.+)$/.exec(line);
    if (unset) for (const name of unset[1]!.split(' ')) delete env[name];
  }
  return env;
}

interface Foreground {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  exited: Promise<number | null>;
}

function startForeground(args: string[], cwd: string, env: Record<string, string>): Foreground {
  const child = spawn(process.execPath, ['--no-warnings', BIN, 'sandbox', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

/** Resolves when the sandbox says it is ready, rejects if it exits first. */
function ready(sandbox: Foreground): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (sandbox.stderr().includes('Ctrl-C to stop.')) return resolve();
      setTimeout(check, 100);
    };
    void sandbox.exited.then((code) => reject(new Error(`the sandbox exited ${code} before it was ready:\n${sandbox.stderr()}`)));
    check();
  });
}

function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-sandbox-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state');
}

describe('gitgrant sandbox', () => {
  it('serves plan, apply, expire, reconcile and verify for the repo, then stops with no process left', async () => {
    const repo = TempRepo.fromExample().initGit();
    repo.git('config', 'user.name', 'Sandbox User');
    repo.git('config', 'user.email', 'sandbox-user@example.com');
    const stateDir = privateDir();
    const shell = cleanEnv();
    const sandbox = startForeground(['--state-dir', stateDir], repo.root, shell);
    await ready(sandbox);

    // Seeded from the repo: the example's IAM roles in 111111111111, its two Identity Center
    // permission sets, its GCP resources, and a principal for each of the 11 people in HR.
    expect(sandbox.stderr()).toContain('AWS: 4 target roles and 11 IAM users in 111111111111; Identity Center: 2 permission sets marked as gitgrant\'s, 11 Identity Store users');
    expect(sandbox.stderr()).toContain('GCP: folders/281746352014, organizations/604318726195, projects/acme-analytics, projects/acme-customer-globex, projects/acme-prod-orders, each with an empty policy');
    expect(sandbox.stdout()).toMatch(/^export GITGRANT_AWS_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/m);

    // Another shell.
    const printed = gitgrant(['sandbox', '--print-env', '--state-dir', stateDir], repo.root, shell);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(sandbox.stdout());
    expect(printed.stdout).toContain('unset AWS_PROFILE AWS_SESSION_TOKEN');
    const env = evalEnvScript(printed.stdout, { ...shell, AWS_PROFILE: 'production', AWS_SESSION_TOKEN: 'real-looking' });
    expect(env['AWS_PROFILE']).toBeUndefined();
    expect(env['GITGRANT_GCP_TOKEN']).toMatch(/^gitgrant-sandbox-[0-9a-f]{32}$/);

    // An Identity Center grant: the role names the organisation's ARNs, which only the sandbox's proxy knows.
    const requested = gitgrant(['new-grant', '--role', 'staging-poweruser', '--grantee', 'heidi@example.com', '--reason', 'Test the release candidate against staging data', '--duration', '6h', '--starts', T0, '--now', T0], repo.root, env);
    expect(requested.code).toBe(0);
    repo.commitAll('Grant heidi staging-poweruser');

    const plan = gitgrant(['plan', '--now', T0], repo.root, env);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('# aws:identity-center:222222222222:arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6');
    expect(plan.stdout).toContain('arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-b2c3d4e5f6071829  now -> 2026-11-23T16:00:00Z  (grants/staging-poweruser/heidi-202611231000.yaml)');
    expect(plan.stdout).toContain('+ arn:aws:iam::111111111111:user/bob.example  arn:aws:iam::111111111111:role/ProdOrdersDbAdmin');
    expect(plan.stdout).toContain('Plan: 9 to add, 0 to change, 0 to remove, on 6 targets.');
    expect(plan.code).toBe(0);

    const apply = gitgrant(['apply', '--yes', '--now', T0], repo.root, env);
    expect(apply.stdout).toContain('gitgrant apply: 9 of 9 changes applied on 6 targets (9 added, 0 changed, 0 removed); 0 failures');
    expect(apply.code).toBe(0);
    expect(gitgrant(['plan', '--now', T0], repo.root, env).stdout).toContain('No changes: the cloud matches the grants.');

    const expire = gitgrant(['expire', '--now', T1], repo.root, env);
    expect(expire.stdout).toContain('gitgrant expire: 5 bindings to remove in 4 targets');
    expect(expire.stdout).toMatch(/committed [0-9a-f]{12} \(expire\)/);
    expect(expire.code).toBe(0);
    expect(existsSync(join(repo.root, 'grants/staging-poweruser/heidi-202611231000.yaml'))).toBe(false);

    const reconcile = gitgrant(['reconcile', '--now', T1], repo.root, env);
    expect(reconcile.stdout).toBe('gitgrant reconcile: 0 findings, 0 bindings removed\n');
    expect(reconcile.code).toBe(0);

    const verify = gitgrant(['verify', '--since', T0, '--now', T1], repo.root, env);
    expect(verify.stdout).toContain(`gitgrant verify: 4 grant(s) ended between ${T0} and ${T1}`);
    expect(verify.stdout).toMatch(/heidi-202611231000\.yaml \(heidi@example\.com, staging-poweruser\): ended: no path remains/);
    expect(verify.stdout).not.toContain('PATH REMAINS');
    expect(verify.code).toBe(0);
    expect(gitgrant(['plan', '--now', T1], repo.root, env).stdout).toContain('No changes: the cloud matches the grants.');

    // Stop: both servers down, moto's python gone, the environment file removed.
    const record = JSON.parse(readFileSync(join(stateDir, 'sandbox.json'), 'utf8')) as { pid: number; motoPid: number };
    expect(record.pid).toBe(sandbox.child.pid);
    expect(isRunning(record.motoPid)).toBe(true);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
    expect(sandbox.stderr()).toContain('gitgrant sandbox: stopped; moto and the GCP IAM emulator are down');
    expect(isRunning(record.motoPid)).toBe(false);
    await expect(fetch(`${env['GITGRANT_AWS_ENDPOINT']}/`)).rejects.toThrow();
    await expect(fetch(`${env['GITGRANT_GCP_ENDPOINT']}/`)).rejects.toThrow();
    expect(existsSync(join(stateDir, 'env.sh'))).toBe(false);
    const after = gitgrant(['sandbox', '--print-env', '--state-dir', stateDir], repo.root, shell);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^gitgrant: no sandbox is running for .*\nhint: start one in another terminal with `gitgrant sandbox --state-dir .*`, then run this again\n$/);
  }, 300_000);

  it('stops and says so when moto dies under it, leaving nothing running', async () => {
    const stateDir = privateDir();
    const sandbox = startForeground(['--state-dir', stateDir], TempRepo.fromExample().root, cleanEnv());
    await ready(sandbox);
    const record = JSON.parse(readFileSync(join(stateDir, 'sandbox.json'), 'utf8')) as { motoPid: number; env: Record<string, string> };
    process.kill(record.motoPid, 'SIGKILL');
    expect(await sandbox.exited).toBe(1);
    expect(sandbox.stderr()).toContain('gitgrant: moto exited with SIGKILL while the sandbox was running; the GCP emulator is stopped too\nhint: start the sandbox again');
    await expect(fetch(`${record.env['GITGRANT_GCP_ENDPOINT']}/`)).rejects.toThrow();
    expect(existsSync(join(stateDir, 'sandbox.json'))).toBe(false);
  }, 300_000);

  it('without moto, says so in one line with how to install it, and exits 1', () => {
    const repo = TempRepo.fromExample();
    const noMoto = join(mkdtempSync(join(tmpdir(), 'gitgrant-no-moto-')), 'python3');
    writeFileSync(noMoto, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
    const run = gitgrant(['sandbox', '--python', noMoto, '--state-dir', privateDir()], repo.root, cleanEnv());
    expect(run.stderr).toBe(
      `gitgrant: cannot start moto: ${noMoto} has no moto server (ModuleNotFoundError: No module named 'moto')\n` +
        "hint: install moto for that python: `apt-get install python3-moto` (Debian, Ubuntu) or `pip install 'moto[server]'`\n",
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
  });

  it('refuses a state folder that other users can enter', () => {
    const repo = TempRepo.fromExample();
    const dir = mkdtempSync(join(tmpdir(), 'gitgrant-open-state-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    spawnSync('chmod', ['755', dir]);
    const run = gitgrant(['sandbox', '--state-dir', dir], repo.root, cleanEnv());
    expect(run.stderr).toBe(`gitgrant: ${dir} can be read or entered by other users\nhint: run \`chmod 700 ${dir}\` or give another --state-dir\n`);
    expect(run.code).toBe(1);
  });

  it('prints no environment from a state folder someone else could have planted, since the shell evals it', () => {
    const repo = TempRepo.fromExample();
    const dir = mkdtempSync(join(tmpdir(), 'gitgrant-planted-state-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // A live pid (this test's), and a value that would run a command when eval'd unquoted.
    writeFileSync(join(dir, 'sandbox.json'), JSON.stringify({ pid: process.pid, motoPid: process.pid, repo: repo.root, env: { GITGRANT_AWS_ENDPOINT: 'x; touch pwned' } }));
    writeFileSync(join(dir, 'env.sh'), 'touch pwned\n');
    spawnSync('chmod', ['755', dir]);
    const planted = gitgrant(['sandbox', '--print-env', '--state-dir', dir], repo.root, cleanEnv());
    expect(planted.stdout).toBe('');
    expect(planted.stderr).toBe(`gitgrant: ${dir} can be read or entered by other users\nhint: run \`chmod 700 ${dir}\` or give another --state-dir\n`);
    expect(planted.code).toBe(1);

    // Even from a private folder, the values are quoted for the shell, never copied from env.sh.
    spawnSync('chmod', ['700', dir]);
    const quoted = gitgrant(['sandbox', '--print-env', '--state-dir', dir], repo.root, cleanEnv());
    expect(quoted.stdout).toBe("# gitgrant sandbox: point gitgrant at the emulators on loopback\nexport GITGRANT_AWS_ENDPOINT='x; touch pwned'\n");
  });

  it('takes a port from 1024 to 65534 only', () => {
    const run = gitgrant(['sandbox', '--port', '80'], TempRepo.fromExample().root, cleanEnv());
    expect(run.stderr).toContain('gitgrant: --port 80 is not a port from 1024 to 65534');
    expect(run.code).toBe(2);
  });
});
