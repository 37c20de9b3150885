/**
 * Starts moto (the AWS emulator) as a child process on a free loopback port. Used by the AWS
 * integration tests, the demo and the benchmarks; nothing in the provider depends on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoProcess {
  /** `http://127.0.0.1:<port>`: pass as GITGRANT_AWS_ENDPOINT. */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Python interpreter that has moto[server] installed. Default: `python3`. */
  python?: string;
  /** How long to wait for moto to answer before giving up. Default: 30 s. */
  startTimeoutMs?: number;
}

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
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 30_000, () => stderr.join(''));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed with HTTP ${response.status}; is ${endpoint} still moto?`);
    },
    stop: () => stopChild(child),
  };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (error) => (spawnError = error));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (spawnError) {
      throw new Error(`cannot start moto: ${spawnError.message}; install python3 and run \`pip install 'moto[server]'\``);
    }
    if (exited) {
      throw new Error(
        `moto ${exited} before answering: ${lastLine(stderr())}; install it with \`pip install 'moto[server]'\``,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '(no output)';
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}
