import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HR_CONFIG, type HrConfig } from '../../../src/core/model/policy-sections.js';
import { compareWithHr } from '../../../src/core/hr/compare.js';
import { loadHrRecords } from '../../../src/adapters/hr/load.js';
import { mergePolicies } from '../../../src/core/model/policy.js';
import { email, gitHubPrincipal, grantId, roleName, type AccessRepo } from '../../../src/core/model/types.js';
import { startScimServer, type ScimServer } from '../../support/scim-server.js';

const repoRoot = fileURLToPath(new URL('../../fixtures/hr/', import.meta.url));
const TOKEN = 'load-test-token';

describe('loading every configured HR source', () => {
  let server: ScimServer;
  let config: HrConfig;
  beforeAll(async () => {
    server = await startScimServer({
      token: TOKEN,
      users: [
        { id: 'a', userName: 'alice@example.com', active: true, title: 'Staff Engineer', emails: [{ value: 'alice@example.com', primary: true }] },
        { id: 'e', userName: 'erin@example.com', active: true, emails: [{ value: 'erin@example.com', primary: true }], department: 'Finance' },
      ],
    });
    config = {
      ...DEFAULT_HR_CONFIG,
      sources: [
        { kind: 'json', path: 'people.json' },
        { kind: 'csv', path: 'custom-columns.csv', columns: { email: 'Work Email', status: 'Employment Status', department: 'Dept' } },
        { kind: 'scim', url: server.url, tokenEnv: 'GITGRANT_SCIM_TOKEN', name: 'okta', pageSize: 1 },
      ],
    };
  });
  afterAll(async () => {
    await server.close();
  });

  it('merges files and SCIM by email, warning where they disagree', async () => {
    const { records, diagnostics } = await loadHrRecords(config, { repoRoot, env: { GITGRANT_SCIM_TOKEN: TOKEN } });
    expect(records.map((r) => [r.email, r.active, r.department, r.title])).toEqual([
      ['alice@example.com', true, 'Engineering', 'Site Reliability Engineer'],
      ['bob@example.com', false, 'Engineering', undefined],
      ['carol@example.com', true, 'Engineering', 'Engineering Manager'],
      ['dave@example.com', true, 'Finance', undefined],
      ['erin@example.com', true, 'Finance', undefined],
    ]);
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'HR_SOURCE_CONFLICT']]);
    expect(diagnostics[0]?.summary).toContain('`title` is "Staff Engineer" here but "Site Reliability Engineer" in people.json:2');
  });

  it('feeds the comparison: a terminated grantee is found from the merged data', async () => {
    const { records } = await loadHrRecords(config, { repoRoot, env: { GITGRANT_SCIM_TOKEN: TOKEN } });
    const repo: AccessRepo = {
      policy: { ...mergePolicies([]).policy, owners: [gitHubPrincipal('@acme/security')], durations: { default: 1, max: 1, breakGlassMax: 1 }, reasons: { minLength: 1 } },
      roles: new Map(),
      grants: [
        { id: grantId('grants/db/bob.yaml'), role: roleName('db'), grantee: email('bob@example.com'), reason: 'x', expires: 2, breakGlass: false, standing: false, source: { file: 'grants/db/bob.yaml', nodes: {} } },
      ],
    };
    expect(compareWithHr({ repo, records, now: 1, approvals: new Map() }).map((f) => [f.kind, f.person, f.action])).toEqual([
      ['HR_GRANTEE_TERMINATED', 'bob@example.com', 'revoke'],
    ]);
  });

  it('reports a missing token and a missing file as errors instead of reading half of HR', async () => {
    const broken: HrConfig = { ...config, sources: [{ kind: 'json', path: 'gone.json' }, config.sources[2]!] };
    const { diagnostics } = await loadHrRecords(broken, { repoRoot, env: {} });
    expect(diagnostics.map((d) => [d.severity, d.code, d.file])).toEqual([
      ['error', 'HR_SOURCE_MISSING', 'gone.json'],
      ['error', 'HR_SCIM_TOKEN_MISSING', undefined],
    ]);
  });

  it('refuses to run without any source', async () => {
    const { diagnostics } = await loadHrRecords(DEFAULT_HR_CONFIG, { repoRoot, env: {} });
    expect(diagnostics.map((d) => d.code)).toEqual(['HR_NO_SOURCES']);
  });
});
