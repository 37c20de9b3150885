import { describe, expect, it } from 'vitest';
import { readScimHr } from '../../../src/adapters/hr/scim-source.js';
import { HrSourceError } from '../../../src/adapters/hr/source-error.js';

const URL_BASE = 'https://hr-user:hr-pass@scim.example.com/scim/v2';
const TOKEN = 'secret-token-do-not-print';

/** A fetch that answers every request with the given responses in turn. */
function answering(...responses: (() => Response)[]): typeof fetch {
  let call = 0;
  return (async () => {
    const next = responses[Math.min(call++, responses.length - 1)]!;
    return next();
  }) as typeof fetch;
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/scim+json' } });

async function failure(options: Partial<Parameters<typeof readScimHr>[0]>): Promise<HrSourceError> {
  const error = await readScimHr({ url: URL_BASE, token: TOKEN, tokenEnv: 'GITGRANT_SCIM_TOKEN', ...options }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HrSourceError);
  const { message, hint } = error as HrSourceError;
  expect(`${message} ${hint}`).not.toContain(TOKEN);
  expect(`${message} ${hint}`).not.toContain('hr-pass');
  expect(message).not.toContain('\n');
  return error as HrSourceError;
}

describe('the SCIM HR reader when the service misbehaves', () => {
  it('never sends the token in clear text: a plain http url (e.g. from GITGRANT_SCIM_URL) is refused before any request', async () => {
    let requests = 0;
    const counting = (async () => {
      requests++;
      return json(200, { totalResults: 0, Resources: [] })();
    }) as typeof fetch;
    const error = await failure({ url: 'http://scim.example.com/scim/v2', fetch: counting });
    expect(error.message).toBe('SCIM http://scim.example.com/scim/v2 is not an https:// URL: the token would travel in clear text');
    expect(error.hint).toBe('use the service\'s https:// address (plain http:// is allowed only to localhost, for tests)');
    expect(requests).toBe(0);
  });

  it('names the status and the SCIM detail of a server error, and says to retry', async () => {
    const error = await failure({ fetch: answering(json(503, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: 'Directory\nsync in progress' })) });
    expect(error.message).toBe('SCIM https://scim.example.com/scim/v2/Users answered HTTP 503: Directory sync in progress');
    expect(error.hint).toBe('the SCIM service failed; retry later');
  });

  it('says the token was refused on 403, naming the variable but not the token', async () => {
    const error = await failure({ fetch: answering(json(403, {})) });
    expect(error.message).toBe('SCIM https://scim.example.com/scim/v2/Users refused the token (HTTP 403)');
    expect(error.hint).toContain('$GITGRANT_SCIM_TOKEN');
  });

  it('gives up on a request that outlives its timeout', async () => {
    const hanging = ((_url: URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const error = await failure({ fetch: hanging, timeoutMs: 5 });
    expect(error.message).toBe('SCIM https://scim.example.com/scim/v2/Users did not answer within 0.005s');
  });

  it('explains an unreachable service', async () => {
    const refusing = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:443') });
    }) as typeof fetch;
    const error = await failure({ fetch: refusing });
    expect(error.message).toBe('SCIM https://scim.example.com/scim/v2/Users could not be reached: connect ECONNREFUSED 127.0.0.1:443');
  });

  it('refuses an answer that is not JSON', async () => {
    const error = await failure({ fetch: answering(() => new Response('<html>login</html>', { status: 200 })) });
    expect(error.message).toContain('not JSON');
  });

  it('refuses a service that stops paging before totalResults rather than comparing against part of HR', async () => {
    const page = json(200, { totalResults: 3, Resources: [{ id: '1', userName: 'a@example.com', active: true }] });
    const error = await failure({ fetch: answering(page, json(200, { totalResults: 3, Resources: [] })) });
    expect(error.message).toBe('SCIM https://scim.example.com/scim/v2/Users promised 3 users but returned 1');
  });

  it('takes the manager email a service states outright, and counts a user without `active` as a broken row', async () => {
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const page = json(200, {
      totalResults: 2,
      Resources: [
        { id: '1', userName: 'a@example.com', active: true, [enterprise]: { manager: { value: '99', email: 'Boss@Example.com' } } },
        { id: '2', userName: 'b@example.com' },
      ],
    });
    const { records, diagnostics } = await readScimHr({ url: URL_BASE, token: TOKEN, source: 'okta', fetch: answering(page) });
    expect(records.map((r) => [r.email, r.manager])).toEqual([['a@example.com', 'boss@example.com']]);
    expect(diagnostics.map((d) => d.summary)).toEqual(['okta user 2: neither `active` nor `status` is given, so it is unknown whether this person works here']);
  });
});
