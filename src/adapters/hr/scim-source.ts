/**
 * Reads people from a SCIM 2.0 service (RFC 7643/7644): `GET /Users`, paged with `startIndex` and
 * `count` until `totalResults`, with the enterprise extension for department, manager and
 * employee number. A user the service describes badly becomes a diagnostic; a service that
 * cannot be read at all throws HrSourceError, whose message never holds the token.
 */
import { SCIM_URL_PATTERN } from '../../core/hr/config.js';
import { addPerson, type HrFields, type HrOrigin, type HrReadResult } from '../../core/hr/record.js';
import { HrSourceError } from './source-error.js';

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface ScimOptions {
  /** Base URL, e.g. `https://scim.example.com/scim/v2`; `/Users` is appended. */
  url: string;
  token: string;
  /** Named in error hints so the reader knows which variable to fix. */
  tokenEnv?: string;
  /** The source's name in diagnostics; defaults to `scim:<url>`. */
  source?: string;
  pageSize?: number;
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface ScimMultiValue {
  value?: unknown;
  type?: unknown;
  primary?: unknown;
}

interface ScimUser {
  id?: unknown;
  userName?: unknown;
  active?: unknown;
  title?: unknown;
  emails?: ScimMultiValue[];
  [ENTERPRISE_USER]?: {
    department?: unknown;
    employeeNumber?: unknown;
    manager?: { value?: unknown; displayName?: unknown; email?: unknown };
  };
}

interface ListResponse {
  totalResults?: unknown;
  Resources?: unknown;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TIMEOUT_MS = 30_000;
const looksLikeEmail = (value: unknown): value is string => typeof value === 'string' && value.includes('@');

/** The URL without credentials or query, safe to print. */
function printable(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Primary email, else the work one, else the first; `userName` when it is an email and there are none. */
function emailOf(user: ScimUser): unknown {
  const emails = Array.isArray(user.emails) ? user.emails : [];
  const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  return chosen?.value ?? (looksLikeEmail(user.userName) ? user.userName : undefined);
}

/** The manager's email: stated outright by some services, else found through their SCIM id. */
function managerOf(user: ScimUser, emailById: Map<string, unknown>): unknown {
  const manager = user[ENTERPRISE_USER]?.manager;
  if (!manager) return undefined;
  if (looksLikeEmail(manager.email)) return manager.email;
  if (typeof manager.value === 'string' && emailById.has(manager.value)) return emailById.get(manager.value);
  return looksLikeEmail(manager.displayName) ? manager.displayName : undefined;
}

function fieldsOf(user: ScimUser, emailById: Map<string, unknown>): HrFields {
  const enterprise = user[ENTERPRISE_USER] ?? {};
  return {
    email: emailOf(user),
    active: user.active,
    title: user.title,
    department: enterprise.department,
    employeeNumber: enterprise.employeeNumber,
    manager: managerOf(user, emailById),
  };
}

async function fetchPage(options: Required<Pick<ScimOptions, 'token' | 'fetch' | 'timeoutMs'>> & { tokenEnv?: string }, url: URL): Promise<ListResponse> {
  const where = printable(url);
  const tokenName = options.tokenEnv ? `$${options.tokenEnv}` : 'the SCIM token';
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/scim+json, application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw timedOut
      ? new HrSourceError(`SCIM ${where} did not answer within ${options.timeoutMs / 1000}s`, 'retry later, or raise timeoutSeconds on the hr source', { cause: error })
      : new HrSourceError(`SCIM ${where} could not be reached: ${cause}`, 'check the url of the hr source and the network path to it', { cause: error });
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new HrSourceError(
      `SCIM ${where} refused the token (HTTP ${response.status})`,
      `check that ${tokenName} holds a current token allowed to read /Users`,
    );
  }
  if (!response.ok) {
    const detail = await response.text().then(scimErrorDetail, () => '');
    const hint = response.status >= 500 ? 'the SCIM service failed; retry later' : 'check the url of the hr source';
    throw new HrSourceError(`SCIM ${where} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`, hint);
  }
  try {
    return (await response.json()) as ListResponse;
  } catch (error) {
    throw new HrSourceError(`SCIM ${where} answered with something that is not JSON`, 'check that the url points at the SCIM base path', { cause: error });
  }
}

/** The `detail` of a SCIM error body, as one short line. */
function scimErrorDetail(body: string): string {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? detail.replace(/\s+/g, ' ').slice(0, 200) : '';
  } catch {
    return '';
  }
}

export async function readScimHr(options: ScimOptions): Promise<HrReadResult> {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  // The policy's schema already says so; the url may also come from GITGRANT_SCIM_URL.
  if (!new RegExp(SCIM_URL_PATTERN).test(base.href)) {
    throw new HrSourceError(
      `SCIM ${printable(base).replace(/\/$/, '')} is not an https:// URL: the token would travel in clear text`,
      'use the service\'s https:// address (plain http:// is allowed only to localhost, for tests)',
    );
  }
  const source = options.source ?? `scim:${printable(base).replace(/\/$/, '')}`;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const client = { token: options.token, tokenEnv: options.tokenEnv, fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };

  const users: ScimUser[] = [];
  let total = Infinity;
  while (users.length < total) {
    const url = new URL('Users', base);
    url.searchParams.set('startIndex', String(users.length + 1));
    url.searchParams.set('count', String(pageSize));
    const page = await fetchPage(client, url);
    const resources = Array.isArray(page.Resources) ? (page.Resources as ScimUser[]) : [];
    total = typeof page.totalResults === 'number' ? page.totalResults : users.length + resources.length;
    // A page with nobody on it before totalResults is reached would otherwise loop for ever.
    if (resources.length === 0) break;
    users.push(...resources);
  }
  if (users.length < total) {
    throw new HrSourceError(
      `SCIM ${printable(new URL('Users', base))} promised ${total} users but returned ${users.length}`,
      'the SCIM service paged inconsistently; retry, and report it to its owners if it persists',
    );
  }

  const emailById = new Map(users.filter((u) => typeof u.id === 'string').map((u) => [u.id as string, emailOf(u)]));
  const result: HrReadResult = { records: [], diagnostics: [] };
  users.forEach((user, index) => {
    const origin: HrOrigin = { source, ref: typeof user.id === 'string' ? `user ${user.id}` : `user #${index + 1}` };
    addPerson(result, fieldsOf(user, emailById), origin);
  });
  return result;
}
