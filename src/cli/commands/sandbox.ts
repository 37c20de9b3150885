/**
 * `gitgrant sandbox`: AWS (moto) and GCP IAM emulators on loopback, seeded from this repo's roles,
 * in the foreground until Ctrl-C or SIGTERM. It prints the environment to export; another shell
 * takes it with `eval "$(gitgrant sandbox --print-env)"`.
 */
import { resolve } from 'node:path';
import { MotoUnavailable } from '../../adapters/sandbox/moto.js';
import {
  defaultStateDir, prepareStateDir, removeSandboxRecord, runningSandbox, StateDirProblem, writeSandboxRecord,
} from '../../adapters/sandbox/state-dir.js';
import { SandboxUnsupported, startSandbox, type Sandbox } from '../../app/sandbox.js';
import { CommandFailure, EXIT, UsageError, type CliIo } from '../support/io.js';
import { repoOption } from '../support/options.js';
import { plural } from '../support/report.js';

export interface SandboxOptions {
  repo?: string;
  port?: string;
  stateDir?: string;
  python?: string;
  printEnv?: boolean;
}

/** Resolves when the process is asked to stop; the signal's name. */
export function processStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function sandboxCommand(io: CliIo, options: SandboxOptions, stopSignal: () => Promise<string> = processStopSignal): Promise<number> {
  const root = repoOption(io, options.repo);
  const port = portOption(options.port);
  const stateDir = options.stateDir === undefined ? defaultStateDir(root) : resolve(io.cwd, options.stateDir);
  try {
    if (options.printEnv) return printEnv(io, root, stateDir, options.stateDir !== undefined);
    prepareStateDir(stateDir);
  } catch (error) {
    if (error instanceof StateDirProblem) throw new CommandFailure(error.message, error.hint);
    throw error;
  }
  const other = runningSandbox(stateDir);
  if (other) {
    throw new CommandFailure(`a sandbox is already running for ${other.repo} (pid ${other.pid})`, `use it (eval "$(gitgrant sandbox --print-env)"), stop it with \`kill ${other.pid}\`, or give another --state-dir`);
  }
  // Asked for before starting, so a Ctrl-C during the start stops the emulators instead of killing gitgrant.
  const stopped = stopSignal();
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ root, port, python: options.python });
  } catch (error) {
    if (error instanceof MotoUnavailable || error instanceof SandboxUnsupported) throw new CommandFailure(error.message, error.hint);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CommandFailure(`port ${port} or ${port! + 1} is already in use`, 'pick another with --port, or leave it out to use free ports');
    }
    throw error;
  }
  try {
    const script = envScript(sandbox.env);
    writeSandboxRecord(stateDir, { pid: process.pid, motoPid: sandbox.moto.pid, repo: root, env: sandbox.env }, script);
    const s = sandbox.summary;
    io.stderr(
      [
        `gitgrant sandbox: AWS (moto) at ${sandbox.env.GITGRANT_AWS_ENDPOINT}, GCP IAM at ${sandbox.env.GITGRANT_GCP_ENDPOINT}, seeded from ${root}:`,
        `  AWS: ${plural(s.roles, 'target role')} and ${plural(s.iamUsers, 'IAM user')} in ${s.accounts.length ? s.accounts.join(', ') : 'no account'}; ` +
          `Identity Center: ${plural(s.permissionSets, 'permission set')} marked as gitgrant's, ${plural(s.identityStoreUsers, 'Identity Store user')}; default account ${s.defaultAccount}`,
        `  GCP: ${s.gcpResources.length ? s.gcpResources.join(', ') : 'no resource'}, each with an empty policy`,
        `  people: ${s.people} (from HR files, grants and the identities policy)`,
        ...(s.repoErrors ? [`  warning: the repo has ${plural(s.repoErrors, 'error')} (run gitgrant validate); roles that did not load are not seeded`] : []),
        '',
        'In another shell (no real cloud is reached with these; the credentials are fake):',
        `  eval "$(gitgrant sandbox --print-env${options.repo ? ` --repo ${shellQuote(root)}` : ''}${options.stateDir ? ` --state-dir ${shellQuote(stateDir)}` : ''})"`,
        '  gitgrant plan; gitgrant apply --yes; gitgrant expire; gitgrant reconcile; gitgrant verify',
        'Everything lives in memory and is gone when the sandbox stops. Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    io.stdout(script);
    const ended = await Promise.race([stopped.then((signal) => ({ signal })), sandbox.moto.exited.then((how) => ({ how }))]);
    if ('how' in ended) {
      throw new CommandFailure(`moto ${ended.how} while the sandbox was running; the GCP emulator is stopped too`, 'start the sandbox again; if moto keeps stopping, run `python3 -m moto.server` alone to see why');
    }
    io.stderr(`gitgrant sandbox: ${ended.signal}: stopping\n`);
  } finally {
    removeSandboxRecord(stateDir);
    await sandbox.stop();
  }
  io.stderr('gitgrant sandbox: stopped; moto and the GCP IAM emulator are down\n');
  return EXIT.ok;
}

function printEnv(io: CliIo, root: string, stateDir: string, explicit: boolean): number {
  const running = runningSandbox(stateDir);
  if (!running) {
    throw new CommandFailure(
      `no sandbox is running for ${explicit ? stateDir : root}`,
      `start one in another terminal with \`gitgrant sandbox${explicit ? ` --state-dir ${shellQuote(stateDir)}` : ''}\`, then run this again`,
    );
  }
  // Printed from the record, names checked and values quoted here: the output goes to `eval`.
  const names = Object.keys(running.env);
  const bad = names.find((name) => !/^[A-Z_][A-Z0-9_]*$/.test(name));
  if (bad !== undefined) throw new CommandFailure(`${stateDir}/sandbox.json names a variable \`${bad}\` the sandbox never sets`, 'stop that sandbox, delete the file, and start it again');
  io.stdout(envScript(running.env));
  return EXIT.ok;
}

function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65_534) {
    throw new UsageError(`--port ${value} is not a port from 1024 to 65534`, 'AWS answers on this port and GCP on the next; leave it out to use free ports');
  }
  return port;
}

/** POSIX shell lines: `export NAME='value'`, and `unset NAME` for what must not be set. */
export function envScript(env: Readonly<Record<string, string | undefined>>): string {
  const names = Object.keys(env).sort();
  const unset = names.filter((name) => env[name] === undefined);
  return [
    '# gitgrant sandbox: point gitgrant at the emulators on loopback',
    ...names.filter((name) => env[name] !== undefined).map((name) => `export ${name}=${shellQuote(env[name]!)}`),
    ...(unset.length ? [`unset ${unset.join(' ')}`] : []),
    '',
  ].join('\n');
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
