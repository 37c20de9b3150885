/**
 * A loopback emulator of the Cloud Resource Manager v3 IAM endpoints (`gitgrant sandbox` serves it;
 * the tests use it as their GCP double), speaking the REST shapes the
 * real `@google-cloud/resource-manager` clients send with `fallback: 'rest'`:
 *   POST /v3/{projects|folders|organizations}/{id}:getIamPolicy  {options:{requestedPolicyVersion}}
 *   POST /v3/{projects|folders|organizations}/{id}:setIamPolicy  {policy, updateMask?}
 * (paths from the http rules in the library's protos.json; the client adds `?$alt=json;enum-encoding=int`).
 *
 * It keeps the semantics gitgrant depends on: etags (a stale one is 409 ABORTED), version 3 for
 * conditions, the default update mask `bindings,etag`, and it stores exactly the JSON it is given
 * so tests can compare unmanaged bindings byte for byte. It is stricter than GCP in one way: a set
 * without an etag is refused, so a client that forgets it fails loudly. Faults (status codes,
 * concurrent writers, hangs) can be scripted or drawn at seeded rates, to test a client's retries.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { seededRandom } from './seeded-random.js';

/** The token the emulator accepts unless it is given another (the sandbox makes a random one). */
export const GCP_DOUBLE_TOKEN = 'gitgrant-gcp-double-token';

/** The etag GCP returns for a resource whose policy was never set. */
const EMPTY_POLICY_ETAG = 'ACAB';

export interface StoredCondition {
  expression?: string;
  title?: string;
  description?: string;
  location?: string;
}

export interface StoredBinding {
  role?: string;
  members?: string[];
  condition?: StoredCondition;
}

/** A policy as JSON on the wire: etag is base64. Empty arrays are omitted, as the API does. */
export interface StoredPolicy {
  version?: number;
  etag?: string;
  bindings?: StoredBinding[];
  auditConfigs?: unknown[];
}

export type GcpMethod = 'getIamPolicy' | 'setIamPolicy';

export type GcpFault =
  /** Answer with this HTTP status (429 carries Retry-After when given). */
  | { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number }
  /** Another writer changes the policy just before this call is served, so a set's etag is stale. */
  | { kind: 'concurrent-write' }
  /** Never answer; the socket stays open until the client gives up or the double closes. */
  | { kind: 'hang' };

/** Probabilities in [0, 1] per call, drawn from a seeded generator so runs repeat. */
export interface GcpFaultRates {
  tooManyRequests?: number;
  serverError?: number;
  unavailable?: number;
  concurrentWrite?: number;
  hang?: number;
}

export interface RecordedRequest {
  method: GcpMethod;
  resource: string;
  body: Record<string, unknown>;
  /** For a read that was answered: the etag it returned. */
  answeredEtag?: string;
}

export interface GcpIamEmulatorOptions {
  token?: string;
  /** Loopback port to listen on; default: any free port. */
  port?: number;
  /** Fixed delay before every answer, for benchmarks. */
  latencyMs?: number;
  /** Seed of the generator behind fault rates. */
  seed?: number;
}

export interface GcpIamEmulator {
  /** `http://127.0.0.1:<port>`: what GITGRANT_GCP_ENDPOINT should be set to. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Replaces a resource's policy; a fresh etag is assigned. */
  seedPolicy(resource: string, policy: Omit<StoredPolicy, 'etag'>): void;
  /** The stored policy exactly as last written, or undefined if never set. A deep copy. */
  policy(resource: string): StoredPolicy | undefined;
  /** How many requests arrived for a method (or for all), faulted ones included. */
  calls(method?: GcpMethod): number;
  requests(): RecordedRequest[];
  /** The next calls of `method` meet these faults, in order, before rates apply again. */
  script(method: GcpMethod, ...faults: GcpFault[]): void;
  setFaultRates(method: GcpMethod, rates: GcpFaultRates): void;
  setLatency(ms: number): void;
  /** Members the simulated concurrent writer added, in order. */
  concurrentMembers(): string[];
  close(): Promise<void>;
}

const PATH = /^\/v3\/((?:projects|folders|organizations)\/[^/:]+):(getIamPolicy|setIamPolicy)$/;

interface ApiError {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export async function startGcpIamEmulator(options: GcpIamEmulatorOptions = {}): Promise<GcpIamEmulator> {
  const token = options.token ?? GCP_DOUBLE_TOKEN;
  let latencyMs = options.latencyMs ?? 0;
  const random = seededRandom(options.seed ?? 1);
  const policies = new Map<string, StoredPolicy>();
  const scripts: Record<GcpMethod, GcpFault[]> = { getIamPolicy: [], setIamPolicy: [] };
  const rates: Record<GcpMethod, GcpFaultRates> = { getIamPolicy: {}, setIamPolicy: {} };
  const recorded: RecordedRequest[] = [];
  const concurrent: string[] = [];
  let etagCounter = 0;

  const nextEtag = () => Buffer.from(`gitgrant-double-${++etagCounter}`).toString('base64');

  const store = (resource: string, policy: Omit<StoredPolicy, 'etag'>) => {
    policies.set(resource, { ...structuredClone(policy), etag: nextEtag() });
  };

  const writeConcurrently = (resource: string) => {
    const member = `user:concurrent-${concurrent.length + 1}@example.com`;
    concurrent.push(member);
    const current = policies.get(resource) ?? { version: 1 };
    store(resource, { ...current, bindings: [...(current.bindings ?? []), { role: 'roles/browser', members: [member] }] });
  };

  const pickFault = (method: GcpMethod): GcpFault | undefined => {
    const scripted = scripts[method].shift();
    if (scripted) return scripted;
    const r = rates[method];
    const draws: [number | undefined, GcpFault][] = [
      [r.tooManyRequests, { kind: 'status', status: 429, retryAfterSeconds: 1 }],
      [r.serverError, { kind: 'status', status: 500 }],
      [r.unavailable, { kind: 'status', status: 503 }],
      [r.concurrentWrite, { kind: 'concurrent-write' }],
      [r.hang, { kind: 'hang' }],
    ];
    for (const [rate, fault] of draws) if (rate && random() < rate) return fault;
    return undefined;
  };

  const getPolicy = (resource: string, body: Record<string, unknown>): StoredPolicy => {
    const stored = policies.get(resource) ?? { version: 1, etag: EMPTY_POLICY_ETAG };
    const requested = Number((body['options'] as { requestedPolicyVersion?: number } | undefined)?.requestedPolicyVersion ?? 0);
    return requested >= 3 ? stored : asVersion1(stored);
  };

  const setPolicy = (resource: string, body: Record<string, unknown>): StoredPolicy | ApiError => {
    const incoming = body['policy'] as StoredPolicy | undefined;
    if (!incoming) return badRequest('INVALID_ARGUMENT', 'policy is required');
    if (!incoming.etag) return badRequest('FAILED_PRECONDITION', 'the gitgrant double refuses setIamPolicy without an etag');
    const current = policies.get(resource);
    if (incoming.etag !== (current?.etag ?? EMPTY_POLICY_ETAG)) {
      return { status: 409, code: 'ABORTED', message: 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.' };
    }
    const conditional = (incoming.bindings ?? []).some((b) => b.condition !== undefined);
    if (conditional && (incoming.version ?? 1) < 3) {
      return badRequest('INVALID_ARGUMENT', 'Policies with conditional role bindings must specify version 3.');
    }
    const mask = typeof body['updateMask'] === 'string' ? body['updateMask'].split(',') : ['bindings', 'etag'];
    const next: Omit<StoredPolicy, 'etag'> = { version: incoming.version ?? 1 };
    const bindings = mask.includes('bindings') ? incoming.bindings : current?.bindings;
    const auditConfigs = mask.includes('auditConfigs') ? incoming.auditConfigs : current?.auditConfigs;
    if (bindings?.length) next.bindings = bindings;
    if (auditConfigs?.length) next.auditConfigs = auditConfigs;
    store(resource, next);
    return policies.get(resource)!;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://double');
    const match = req.method === 'POST' ? PATH.exec(url.pathname) : null;
    if (!match) return sendError(res, { status: 404, code: 'NOT_FOUND', message: `no route for ${req.method} ${url.pathname}` });
    const resource = match[1]!;
    const method = match[2] as GcpMethod;
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendError(res, badRequest('INVALID_ARGUMENT', 'body is not JSON'));
    }
    const record: RecordedRequest = { method, resource, body };
    recorded.push(record);
    if (req.headers.authorization !== `Bearer ${token}`) {
      return sendError(res, { status: 401, code: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' });
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = pickFault(method);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      return sendError(res, { status: fault.status, code: statusCode(fault.status), message: 'injected fault', retryAfterSeconds: fault.retryAfterSeconds });
    }
    if (fault?.kind === 'concurrent-write') writeConcurrently(resource);
    const result = method === 'getIamPolicy' ? getPolicy(resource, body) : setPolicy(resource, body);
    if (isApiError(result)) return sendError(res, result);
    if (method === 'getIamPolicy') record.answeredEtag = result.etag;
    sendJson(res, 200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, { status: 500, code: 'INTERNAL', message: String(error) }));
  });
  const { url, port } = await listenOnLoopback(server, options.port);

  return {
    url,
    port,
    token,
    seedPolicy: store,
    policy: (resource) => {
      const stored = policies.get(resource);
      return stored && structuredClone(stored);
    },
    calls: (method) => recorded.filter((r) => method === undefined || r.method === method).length,
    requests: () => structuredClone(recorded),
    script: (method, ...faults) => void scripts[method].push(...faults),
    setFaultRates: (method, value) => void (rates[method] = { ...value }),
    setLatency: (ms) => void (latencyMs = ms),
    concurrentMembers: () => [...concurrent],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung calls hold their sockets open; end them so close() returns.
        server.closeAllConnections();
      }),
  };
}

/**
 * What GCP answers to a version 1 read of a policy with conditions: the condition is dropped and
 * the role gets a `_withcond_` suffix, so an old client cannot mistake it for an unconditional grant.
 */
function asVersion1(policy: StoredPolicy): StoredPolicy {
  if (!(policy.bindings ?? []).some((b) => b.condition)) return policy;
  return {
    ...policy,
    version: 1,
    bindings: policy.bindings!.map(({ condition, ...binding }) =>
      condition ? { ...binding, role: `${binding.role}_withcond_${hash(JSON.stringify(condition))}` } : binding,
    ),
  };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

function isApiError(value: StoredPolicy | ApiError): value is ApiError {
  return 'status' in value;
}

function badRequest(code: string, message: string): ApiError {
  return { status: 400, code, message };
}

function statusCode(status: number): string {
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'UNAVAILABLE';
  return 'INTERNAL';
}

function sendError(res: ServerResponse, error: ApiError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  sendJson(res, error.status, { error: { code: error.status, message: error.message, status: error.code } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

