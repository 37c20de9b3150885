import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HR_CONFIG, hrSchema, readHrConfig, sourceName } from '../../../src/hr/config.js';
import type { SourceMap } from '../../../src/model/source-map.js';

const policySource: SourceMap = {
  file: 'policies/org.yaml',
  nodes: {
    '/hr': { value: { start: { line: 10, col: 3 }, end: { line: 20, col: 1 } } },
    '/hr/sources/0/tokenEnv': { value: { start: { line: 14, col: 17 }, end: { line: 14, col: 24 } } },
  },
};

describe('the hr section of the policy', () => {
  it('ships a schema fragment file equal to the schema the code validates with', () => {
    const onDisk: unknown = JSON.parse(readFileSync(new URL('../../../schemas/fragments/hr.schema.json', import.meta.url), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(hrSchema)));
  });

  it('takes the default actions when the section is absent', () => {
    expect(readHrConfig(undefined)).toEqual({ value: DEFAULT_HR_CONFIG, diagnostics: [] });
  });

  it('reads sources of every kind and the chosen actions', () => {
    const raw = {
      sources: [
        { kind: 'json', path: 'hr/people.json' },
        { kind: 'csv', path: 'hr/people.csv', columns: { email: 'Work Email' } },
        { kind: 'scim', url: 'https://scim.example.com/scim/v2', tokenEnv: 'GITGRANT_SCIM_TOKEN' },
      ],
      onTerminated: 'report',
    };
    const { value, diagnostics } = readHrConfig(raw);
    expect(diagnostics).toEqual([]);
    expect(value).toEqual({ ...raw, onIneligible: 'report', onApproverLeft: 'report', atRequest: 'refuse' });
    expect(value.sources.map(sourceName)).toEqual(['hr/people.json', 'hr/people.csv', 'scim:https://scim.example.com/scim/v2']);
  });

  it('points each mistake at its line in the policy file', () => {
    const raw = {
      sources: [{ kind: 'scim', url: 'https://scim.example.com', tokenEnv: 'my token' }, { kind: 'ldap' }],
      onTerminated: 'delete',
    };
    const { diagnostics } = readHrConfig(raw, policySource);
    expect(diagnostics.map((d) => [d.code, d.file, d.start?.line, d.summary])).toEqual([
      ['HR_CONFIG_INVALID', 'policies/org.yaml', 14, 'hr.sources.0.tokenEnv must match pattern "^[A-Z_][A-Z0-9_]*$"'],
      ['HR_CONFIG_INVALID', 'policies/org.yaml', 10, 'hr.sources.1.kind must be one of json, csv, scim'],
      ['HR_CONFIG_INVALID', 'policies/org.yaml', 10, 'hr.onTerminated must be one of revoke, report'],
    ]);
  });

  it('refuses a path that climbs out of the repo and keys it does not know', () => {
    const { diagnostics } = readHrConfig({ sources: [{ kind: 'json', path: '../secrets.json', token: 'x' }] });
    expect(diagnostics.map((d) => d.summary)).toEqual([
      'hr.sources.0 has an unknown key `token`',
      'hr.sources.0.path must match pattern "^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$"',
    ]);
  });
});
