/**
 * A loopback HTTP reverse proxy in front of any upstream (moto, a double) that injects AWS-shaped
 * faults by script or at seeded rates, adds a fixed latency per call, and counts calls per action.
 * The action is the `Action=` form parameter (query protocol: IAM, STS) or the operation in the
 * `X-Amz-Target` header (JSON protocol: sso-admin, identitystore). Faults are answered in the
 * protocol the caller spoke, so the SDK classifies them exactly as it would real ones.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from '../../src/adapters/sandbox/seeded-random.js';

export type Fault =
  /** 400 Throttling (query XML) / ThrottlingException (JSON). */
  | 'throttle'
  /** 500 InternalFailure. */
  | 'server-error'
  /** 503 ServiceUnavailable. */
  | 'unavailable'
  /** Never answers; the caller's request timeout must fire. */
  | 'hang'
  /** Any scripted answer, e.g. an IN_PROGRESS status for a describe call. */
  | { status: number; body: string; headers?: Record<string, string> };

export interface FaultRate {
  fault: Exclude<Fault, object>;
  /** Probability per call, 0..1, drawn from the proxy's seeded generator. */
  rate: number;
  /** Only calls of this action; every action when absent. */
  action?: string;
}

export interface FaultProxyOptions {
  /** Base URL of the upstream, e.g. moto's endpoint. */
  upstream: string;
  /** Fixed delay added to every call before it is forwarded or faulted. */
  latencyMs?: number;
  rates?: FaultRate[];
  /** Seed of the generator that draws rate faults, so a run is reproducible. Default 1. */
  seed?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: use as the SDK endpoint. */
  readonly url: string;
  /** The next calls of `action` (or of any action, with `'*'`) get these faults, in order. */
  script(action: string, ...faults: Fault[]): void;
  setRates(rates: FaultRate[]): void;
  /**
   * Holds the next calls of `action` until `count` of them have arrived (or `maxWaitMs` passed since
   * the first), then forwards them all: makes two clients' read-modify-write cycles overlap on
   * purpose, so a lost update shows every time instead of by chance.
   */
  hold(action: string, count: number, maxWaitMs: number): void;
  setLatency(ms: number): void;
  /** Calls received per action (faulted ones included), since start or the last `resetCounts`. */
  calls(): Record<string, number>;
  /** Faults injected per action. */
  faults(): Record<string, number>;
  /** Total calls received. */
  totalCalls(): number;
  resetCounts(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const scripts = new Map<string, Fault[]>();
  let rates = options.rates ?? [];
  let latencyMs = options.latencyMs ?? 0;
  let random = seededRandom(options.seed ?? 1);
  const calls = new Map<string, number>();
  const injected = new Map<string, number>();
  const sockets = new Set<Socket>();
  const holds = new Map<string, { count: number; maxWaitMs: number; waiting: (() => void)[]; timer?: ReturnType<typeof setTimeout> }>();
  const releaseHeld = (action: string) => {
    const held = holds.get(action);
    if (!held) return;
    holds.delete(action);
    clearTimeout(held.timer);
    for (const release of held.waiting) release();
  };
  const waitHeld = (action: string) =>
    new Promise<void>((resolve) => {
      const held = holds.get(action);
      if (!held) return resolve();
      held.waiting.push(resolve);
      if (held.waiting.length >= held.count) releaseHeld(action);
      else held.timer ??= setTimeout(() => releaseHeld(action), held.maxWaitMs);
    });

  const nextFault = (action: string): Fault | undefined => {
    for (const key of [action, '*']) {
      const queue = scripts.get(key);
      if (queue?.length) return queue.shift();
    }
    for (const rule of rates) {
      if ((rule.action === undefined || rule.action === action) && random() < rule.rate) return rule.fault;
    }
    return undefined;
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const protocol = req.headers['x-amz-target'] ? 'json' : 'query';
    const action = actionOf(req, body);
    calls.set(action, (calls.get(action) ?? 0) + 1);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    await waitHeld(action);
    const fault = nextFault(action);
    if (fault) {
      injected.set(action, (injected.get(action) ?? 0) + 1);
      if (fault !== 'hang') answerFault(res, fault, protocol);
      return;
    }
    forward(req, res, body, upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    script: (action, ...faults) => scripts.set(action, [...(scripts.get(action) ?? []), ...faults]),
    setRates: (next) => {
      rates = next;
      random = seededRandom(options.seed ?? 1);
    },
    setLatency: (ms) => (latencyMs = ms),
    hold: (action, count, maxWaitMs) => {
      releaseHeld(action);
      holds.set(action, { count, maxWaitMs, waiting: [] });
    },
    calls: () => Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b))),
    faults: () => Object.fromEntries([...injected].sort(([a], [b]) => a.localeCompare(b))),
    totalCalls: () => [...calls.values()].reduce((sum, n) => sum + n, 0),
    resetCounts: () => {
      calls.clear();
      injected.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung calls hold their sockets open; end them so close() returns.
        for (const action of [...holds.keys()]) releaseHeld(action);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function actionOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').at(-1) ?? target;
  const fromBody = new URLSearchParams(body.toString('utf8')).get('Action');
  const fromQuery = new URL(req.url ?? '/', 'http://proxy').searchParams.get('Action');
  return fromBody ?? fromQuery ?? `${req.method} ${req.url}`;
}

const QUERY_ERRORS = {
  throttle: { status: 400, code: 'Throttling', type: 'Sender' },
  'server-error': { status: 500, code: 'InternalFailure', type: 'Receiver' },
  unavailable: { status: 503, code: 'ServiceUnavailable', type: 'Receiver' },
} as const;

const JSON_ERRORS = {
  throttle: { status: 400, code: 'ThrottlingException' },
  'server-error': { status: 500, code: 'InternalServerException' },
  unavailable: { status: 503, code: 'ServiceUnavailableException' },
} as const;

function answerFault(res: ServerResponse, fault: Exclude<Fault, 'hang'>, protocol: 'json' | 'query'): void {
  if (typeof fault === 'object') {
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body);
    return;
  }
  const requestId = 'fault-proxy-0000';
  if (protocol === 'json') {
    const { status, code } = JSON_ERRORS[fault];
    res
      .writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
      })
      .end(JSON.stringify({ __type: code, message: `injected ${fault}` }));
    return;
  }
  const { status, code, type } = QUERY_ERRORS[fault];
  res
    .writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
    .end(
      `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>injected ${fault}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL): void {
  const proxied = request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'content-length': String(body.length) },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  proxied.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`fault proxy: upstream failed: ${error.message}`);
  });
  proxied.end(body);
}

