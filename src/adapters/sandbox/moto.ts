/**
 * moto (the AWS emulator) as a child process on a loopback port: what `python3 -m moto.server -H
 * 127.0.0.1 -p PORT` does, plus a guard against orphans. `gitgrant sandbox`, the demo, the tests
 * and the benchmarks start it here; nothing in the AWS provider depends on it.
 *
 * No orphan python process: the child reads its stdin, a pipe only this process holds, and exits
 * when it closes, which happens whenever this process ends, even by SIGKILL. It runs in its own
 * process group, so a Ctrl-C on the terminal reaches gitgrant, which then stops it in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoProcess {
  /** `http://127.0.0.1:<port>`: pass as GITGRANT_AWS_ENDPOINT. */
  readonly endpoint: string;
  readonly port: number;
  /** The python process's id, for checks that it is gone after `stop`. */
  readonly pid: number;
  /** Settles when the process ends, with how it ended (after `stop`, or on its own). */
  readonly exited: Promise<string>;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Python interpreter that has moto[server] installed. Default: `python3`. */
  python?: string;
  /** Loopback port; default: a free one. */
  port?: number;
  /** The account moto answers for with credentials it did not issue (MOTO_ACCOUNT_ID). */
  accountId?: string;
  /** How long to wait for moto to answer before giving up. Default: 30 s. */
  startTimeoutMs?: number;
}

/** moto could not be started: the message is the cause and what to install; no stack is needed. */
export class MotoUnavailable extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

export const MOTO_INSTALL_HINT = "install moto for that python: `apt-get install python3-moto` (Debian, Ubuntu) or `pip install 'moto[server]'`";

/** Runs moto's own server entry, after a thread that ends the process when stdin closes. */
const BOOTSTRAP = [
  'import os, sys, threading',
  'def _watch_parent():',
  '    try:',
  '        sys.stdin.buffer.read()',
  '    finally:',
  '        os._exit(0)',
  'threading.Thread(target=_watch_parent, daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** Asks the OS for a free loopback port: moto takes a port number, it cannot report one back. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoProcess> {
  const python = options.python ?? 'python3';
  const port = options.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  if (options.port !== undefined && (await answers(endpoint))) {
    throw new MotoUnavailable(`port ${port} is already in use`, 'pick another with --port, or leave it out to use a free one');
  }
  const env = { ...process.env, ...(options.accountId ? { MOTO_ACCOUNT_ID: options.accountId } : {}) };
  const child = spawn(python, ['-c', BOOTSTRAP, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
    env,
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited with ${code ?? signal}`)));
  // The pipe is the child's lifeline; an error on it (the child died first) is not ours to report.
  child.stdin?.on('error', () => {});
  try {
    await waitUntilAnswering(endpoint, child, python, options.startTimeoutMs ?? 30_000, () => stderr.join(''));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    pid: child.pid!,
    exited,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed with HTTP ${response.status}; is ${endpoint} still moto?`);
    },
    stop: () => stopChild(child),
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, python: string, timeoutMs: number, stderr: () => string): Promise<void> {
  let exited: string | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (error) => (spawnError = error));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (spawnError) {
      const cause = spawnError.code === 'ENOENT' ? `${python} was not found` : spawnError.message;
      throw new MotoUnavailable(`cannot start moto: ${cause}`, `install python3, then ${MOTO_INSTALL_HINT}`);
    }
    if (exited) {
      const output = stderr();
      const missing = /^.*No module named '?(moto|flask|werkzeug)\b.*$/m.exec(output);
      if (missing) throw new MotoUnavailable(`cannot start moto: ${python} has no moto server (${missing[0].trim()})`, MOTO_INSTALL_HINT);
      if (/Address already in use/i.test(output)) {
        throw new MotoUnavailable(`cannot start moto: ${endpoint} is already in use`, 'pick another with --port, or leave it out to use a free one');
      }
      throw new MotoUnavailable(`moto ${exited} before answering: ${lastLine(output)}`, MOTO_INSTALL_HINT);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new MotoUnavailable(`moto did not answer on ${endpoint} within ${timeoutMs} ms`, 'the machine may be busy; try again');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) || '(no output)';
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
  child.stdin?.destroy();
  child.stderr?.destroy();
}
