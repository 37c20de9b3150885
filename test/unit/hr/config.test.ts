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
      ['HR_CONFIG_INVALID', 'policies/org.yaml', 14, 'hr.sources.0.tokenEnv must name a variable starting GITGRANT_SCIM_, not my token'],
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

  describe('a SCIM source cannot be made to send a credential anywhere', () => {
    const scimSource = (fields: Record<string, unknown>) => readHrConfig({ sources: [{ kind: 'scim', url: 'https://scim.example.com/scim/v2', tokenEnv: 'GITGRANT_SCIM_TOKEN', ...fields }] }, policySource);

    it.each(['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS', 'GITGRANT_GCP_TOKEN', 'GITGRANT_APP_PRIVATE_KEY'])(
      'refuses tokenEnv %s, at the key\'s line, naming the allowed prefix',
      (variable) => {
        const { value, diagnostics } = scimSource({ tokenEnv: variable });
        expect(diagnostics.map((d) => [d.code, d.file, d.start?.line, d.summary, d.hint])).toEqual([
          ['HR_CONFIG_INVALID', 'policies/org.yaml', 14, `hr.sources.0.tokenEnv must name a variable starting GITGRANT_SCIM_, not ${variable}`,
            'name the SCIM token variable GITGRANT_SCIM_<NAME> (e.g. GITGRANT_SCIM_TOKEN): only those are ever sent to an HR service'],
        ]);
        expect(value.sources).toEqual([]);
      },
    );

    it.each(['GITGRANT_SCIM_TOKEN', 'GITGRANT_SCIM_OKTA_TOKEN'])('accepts tokenEnv %s', (variable) => {
      expect(scimSource({ tokenEnv: variable }).diagnostics).toEqual([]);
    });

    it.each(['http://scim.example.com/scim/v2', 'http://127.0.0.1.evil.example/scim', 'ftp://scim.example.com'])('refuses the plain-text url %s', (url) => {
      const { diagnostics } = scimSource({ url });
      expect(diagnostics.map((d) => [d.code, d.summary])).toEqual([
        ['HR_CONFIG_INVALID', `hr.sources.0.url must be an https:// URL (http:// only to localhost or 127.0.0.1), not ${url}`],
      ]);
    });

    it.each(['https://scim.example.com/scim/v2', 'http://127.0.0.1:8080/scim/v2', 'http://localhost/scim/v2', 'http://[::1]:9/scim'])('accepts the url %s', (url) => {
      expect(scimSource({ url }).diagnostics).toEqual([]);
    });
  });
});
