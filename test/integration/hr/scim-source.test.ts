import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScimHr } from '../../../src/adapters/hr/scim-source.js';
import { HrSourceError } from '../../../src/adapters/hr/source-error.js';
import { startScimServer, type ScimSeedUser, type ScimServer } from '../../support/scim-server.js';

const TOKEN = 'scim-test-token-7f3a';

/** 250 people: more than two pages of 100, so the client must page through. */
function seedUsers(): ScimSeedUser[] {
  const users: ScimSeedUser[] = [
    {
      id: 'u-carol',
      userName: 'carol',
      active: true,
      title: 'Engineering Manager',
      emails: [{ value: 'carol.home@example.net', type: 'home' }, { value: 'Carol@Example.com', type: 'work', primary: true }],
      department: 'Engineering',
      employeeNumber: '1003',
    },
    {
      id: 'u-alice',
      userName: 'alice@example.com',
      active: true,
      title: 'Site Reliability Engineer',
      emails: [{ value: 'alice@example.com', type: 'work' }],
      department: 'Engineering',
      employeeNumber: '1001',
      manager: { value: 'u-carol', displayName: 'Carol' },
    },
    { id: 'u-bob', userName: 'bob@example.com', active: false, department: 'Engineering' },
    { id: 'u-nomail', userName: 'service-robot', active: true },
  ];
  for (let i = 0; users.length < 250; i++) {
    users.push({ id: `u-${i}`, userName: `person${i}@example.com`, active: i % 10 !== 0, emails: [{ value: `person${i}@example.com`, primary: true }], department: i % 2 ? 'Sales' : 'Engineering' });
  }
  return users;
}

describe('reading HR data from a SCIM 2.0 service', () => {
  let server: ScimServer;
  beforeAll(async () => {
    server = await startScimServer({ token: TOKEN, users: seedUsers() });
  });
  afterAll(async () => {
    await server.close();
  });

  it('pages through every user with startIndex and count, sending the bearer token', async () => {
    server.requests.length = 0;
    const { records } = await readScimHr({ url: server.url, token: TOKEN, pageSize: 100 });
    expect(records).toHaveLength(249);
    expect(server.requests.map((r) => [r.path, r.startIndex, r.count, r.authorized])).toEqual([
      ['/scim/v2/Users', '1', '100', true],
      ['/scim/v2/Users', '101', '100', true],
      ['/scim/v2/Users', '201', '100', true],
    ]);
    expect(new Set(records.map((r) => r.email)).size).toBe(249);
  });

  it('maps the core and enterprise attributes, resolving the manager through their SCIM id', async () => {
    const { records } = await readScimHr({ url: server.url, token: TOKEN, pageSize: 100 });
    const byEmail = new Map(records.map((r) => [r.email, r]));
    expect(byEmail.get('alice@example.com' as never)).toEqual({
      email: 'alice@example.com',
      active: true,
      title: 'Site Reliability Engineer',
      department: 'Engineering',
      employeeNumber: '1001',
      manager: 'carol@example.com',
      origin: { source: `scim:${server.url}`, ref: 'user u-alice' },
    });
    expect(byEmail.get('carol@example.com' as never)).toMatchObject({ title: 'Engineering Manager', employeeNumber: '1003' });
    expect(byEmail.get('bob@example.com' as never)).toMatchObject({ active: false, department: 'Engineering' });
  });

  it('reports a user without any email as a diagnostic and carries on', async () => {
    const { diagnostics } = await readScimHr({ url: server.url, token: TOKEN, source: 'okta', pageSize: 100 });
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'HR_ROW_INVALID', summary: 'okta user u-nomail: `email` is missing' }),
    ]);
  });

  it('fails with a one-line error and a hint, without the token, when the server rejects it', async () => {
    const reading = readScimHr({ url: server.url, token: 'wrong-token-0000', tokenEnv: 'GITGRANT_SCIM_TOKEN' });
    await expect(reading).rejects.toBeInstanceOf(HrSourceError);
    const error = (await reading.catch((e: unknown) => e)) as HrSourceError;
    expect(error.message).toBe(`SCIM ${server.url}/Users refused the token (HTTP 401)`);
    expect(error.hint).toBe('check that $GITGRANT_SCIM_TOKEN holds a current token allowed to read /Users');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-token-0000');
    expect(server.requests.at(-1)?.authorized).toBe(false);
  });
});
