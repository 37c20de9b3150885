/**
 * A loopback reverse proxy in front of moto that lets the sandbox answer for the repo's own
 * Identity Center ARNs. moto makes its instance and permission sets with ARNs of its choosing and
 * has no way to take given ones, while the roles name the real organisation's ARNs; rewriting the
 * repo instead would leave the user's checkout different from what they commit.
 *
 * It rewrites JSON bodies only (the protocol of sso-admin and identitystore; XML passes untouched) and only string values
 * that equal a mapped ARN exactly: the repo's ARN to moto's on the way in, moto's to the repo's on
 * the way out. Every other byte passes through untouched (IAM and STS speak XML and are not read).
 * moto does not check request signatures, so a rewritten body is accepted.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export interface ArnProxy {
  /** `http://127.0.0.1:<port>`: GITGRANT_AWS_ENDPOINT. */
  readonly url: string;
  readonly port: number;
  /** Repo ARN -> emulator ARN; replaces the previous map. */
  setTranslations(toUpstream: ReadonlyMap<string, string>): void;
  close(): Promise<void>;
}

export interface ArnProxyOptions {
  upstream: string;
  /** Loopback port; default: a free one. */
  port?: number;
}

export async function startArnProxy(options: ArnProxyOptions): Promise<ArnProxy> {
  const upstream = new URL(options.upstream);
  let inbound = new Map<string, string>();
  let outbound = new Map<string, string>();
  const sockets = new Set<Socket>();

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const body = translateJson(await readAll(req), inbound);
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const upstreamRequest = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (upstreamResponse) => {
        readAll(upstreamResponse)
          .then((raw) => {
            const answer = translateJson(raw, outbound);
            const responseHeaders = { ...upstreamResponse.headers, 'content-length': String(answer.length) };
            delete responseHeaders['transfer-encoding'];
            res.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
            res.end(answer);
          })
          .catch((error: unknown) => fail(res, error));
      },
    );
    upstreamRequest.on('error', (error) => fail(res, error));
    upstreamRequest.end(body);
  };

  const server = createServer((req, res) => void forward(req, res).catch((error: unknown) => fail(res, error)));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { url, port } = await listenOnLoopback(server, options.port);
  return {
    url,
    port,
    setTranslations(toUpstream) {
      inbound = new Map(toUpstream);
      outbound = new Map([...toUpstream].map(([repo, emulator]) => [emulator, repo]));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The body with every string value found in `map` replaced; a body that is not JSON passes unchanged. */
export function translateJson(body: Buffer, map: ReadonlyMap<string, string>): Buffer {
  // Not by content type: moto labels its JSON answers text/html.
  if (map.size === 0 || !/^\s*[[{]/.test(body.subarray(0, 16).toString('utf8'))) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  let changed = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const replacement = map.get(value);
      if (replacement === undefined) return value;
      changed = true;
      return replacement;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  const translated = walk(parsed);
  return changed ? Buffer.from(JSON.stringify(translated), 'utf8') : body;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(502, { 'content-type': 'text/plain' });
  res.end(`gitgrant sandbox: the AWS emulator did not answer (${error instanceof Error ? error.message : String(error)})`);
}
