/**
 * A standards-compliant SCIM 2.0 service for tests: SCIMMY's User resource with the enterprise
 * extension, served by scimmy-routers on express, on 127.0.0.1 and a free port. It pages
 * `/Users` by `startIndex`/`count`, checks a bearer token, and records every request it served
 * so tests can see the client page through.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface ScimSeedUser {
  id: string;
  userName: string;
  active?: boolean;
  title?: string;
  emails?: { value: string; type?: string; primary?: boolean }[];
  department?: string;
  employeeNumber?: string;
  manager?: { value?: string; displayName?: string };
}

export interface ScimRequest {
  path: string;
  startIndex?: string;
  count?: string;
  authorized: boolean;
}

export interface ScimServer {
  /** Base URL to give the client, e.g. `http://127.0.0.1:41234/scim/v2`. */
  url: string;
  requests: ScimRequest[];
  close(): Promise<void>;
}

/** SCIMMY's own type for users; the seed is shaped to it by `toScim`. */
type Users = SCIMMY.Schemas.User[];

function toScim(user: ScimSeedUser): SCIMMY.Schemas.User {
  const { department, employeeNumber, manager, ...core } = user;
  const enterprise = { department, employeeNumber, manager };
  const hasEnterprise = Object.values(enterprise).some((v) => v !== undefined);
  const scim = { ...core, ...(hasEnterprise ? { [ENTERPRISE_USER]: JSON.parse(JSON.stringify(enterprise)) as unknown } : {}) };
  return scim as unknown as SCIMMY.Schemas.User;
}

/** SCIMMY keeps resource declarations in a singleton: declare once, and let each server pass its users as context. */
function declareUsers(): void {
  if (SCIMMY.Resources.declared(SCIMMY.Resources.User)) return;
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false)).egress((resource, ctx) => {
    const users = (ctx as { users: Users }).users;
    if (resource.id) {
      const found = users.find((u) => u.id === resource.id);
      // SCIMMY answers 404 for any non-SCIM error thrown while reading one resource.
      if (!found) throw new Error(`no user ${resource.id}`);
      return found;
    }
    return resource.filter ? resource.filter.match(users) : users;
  });
}

/**
 * express parses the query into strings, and SCIMMY only honours `startIndex` and `count` when
 * they are integers; give it numbers, as a framework with typed query parsing would.
 */
function scimQuery(text: string): Record<string, unknown> {
  const query: Record<string, unknown> = Object.fromEntries(new URLSearchParams(text));
  for (const key of ['startIndex', 'count']) {
    if (typeof query[key] === 'string' && /^\d+$/.test(query[key])) query[key] = Number(query[key]);
  }
  return query;
}

export async function startScimServer(options: { token: string; users: ScimSeedUser[] }): Promise<ScimServer> {
  declareUsers();
  const users: Users = options.users.map(toScim);
  const requests: ScimRequest[] = [];
  const app = express();
  app.set('query parser', scimQuery);
  app.use((req, _res, next) => {
    const query = new URL(req.originalUrl, 'http://localhost').searchParams;
    requests.push({
      path: req.path,
      startIndex: query.get('startIndex') ?? undefined,
      count: query.get('count') ?? undefined,
      authorized: req.header('authorization') === `Bearer ${options.token}`,
    });
    next();
  });
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        if (req.header('authorization') !== `Bearer ${options.token}`) throw new Error('Bearer token is not valid');
        return 'gitgrant-test';
      },
      context: () => ({ users }),
    }),
  );

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
