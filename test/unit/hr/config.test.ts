import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCIM_URL_PATTERN, sourceName } from '../../../src/core/hr/config.js';
import { sectionFailures } from '../../../src/core/model/policy.js';
import { DEFAULT_HR_CONFIG, HR_COLUMNS } from '../../../src/core/model/policy-sections.js';
import { aPolicy, aRepo, lineContaining } from '../../support/builders/model.js';

/** The hr section as `validate` reads it: in a policy file of its own, loaded with the repo. */
function withHr(section: unknown) {
  const file = aPolicy().inFile('org').withoutOwners().withSection('hr', section);
  const loaded = aRepo().with(file).load();
  return { ...loaded, hr: loaded.repo.policy.hr, failures: sectionFailures(loaded.repo.policy, loaded.diagnostics, 'hr'), file: file.build() };
}

const fragment = JSON.parse(readFileSync(new URL('../../../schemas/fragments/hr.schema.json', import.meta.url), 'utf8')) as {
  properties: { sources: { items: { allOf: { then: { properties: Record<string, { pattern?: string; properties?: Record<string, unknown> }> } }[] } } };
};
const sourceKinds = fragment.properties.sources.items.allOf.map((a) => a.then.properties);

describe('the hr section of the policy', () => {
  it('has one schema, whose url pattern is the one the SCIM client checks again and whose CSV columns are the fields read', () => {
    expect(sourceKinds.map((p) => p.url?.pattern).filter(Boolean)).toEqual([SCIM_URL_PATTERN]);
    expect(Object.keys(sourceKinds.find((p) => p.columns)!.columns!.properties!)).toEqual([...HR_COLUMNS]);
  });

  it('takes the default actions and names no source when the section is absent', () => {
    const { repo, diagnostics } = aRepo().load();
    expect(diagnostics).toEqual([]);
    expect(repo.policy.hr).toEqual(DEFAULT_HR_CONFIG);
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
    const { hr, diagnostics, failures } = withHr(raw);
    expect(diagnostics).toEqual([]);
    expect(failures).toEqual([]);
    expect(hr).toEqual({ ...raw, onIneligible: 'report', onApproverLeft: 'report', atRequest: 'refuse' });
    expect(hr.sources.map(sourceName)).toEqual(['hr/people.json', 'hr/people.csv', 'scim:https://scim.example.com/scim/v2']);
  });

  it('points each mistake at its line in the policy file, and then the section did not load', () => {
    const { hr, diagnostics, failures, file } = withHr({
      sources: [{ kind: 'scim', url: 'https://scim.example.com', tokenEnv: 'my token' }, { kind: 'ldap' }],
      onTerminated: 'delete',
    });
    expect(diagnostics.map((d) => [d.code, d.file, d.start?.line, d.summary])).toEqual([
      ['SCHEMA_PATTERN', 'policies/org.yaml', lineContaining(file, 'tokenEnv:'), '`hr.sources[0].tokenEnv` has an invalid form'],
      ['SCHEMA_ENUM', 'policies/org.yaml', lineContaining(file, 'kind: ldap'), '`hr.sources[1].kind` must be one of json, csv, scim'],
      ['SCHEMA_ENUM', 'policies/org.yaml', lineContaining(file, 'onTerminated:'), '`hr.onTerminated` must be one of revoke, report'],
    ]);
    // Nothing of a refused section is used: the HR job stops on `failures` instead of comparing.
    expect(hr).toEqual(DEFAULT_HR_CONFIG);
    expect(failures).toEqual(diagnostics);
  });

  it('refuses a path that climbs out of the repo and keys it does not know', () => {
    const { diagnostics } = withHr({ sources: [{ kind: 'json', path: '../secrets.json', token: 'x' }] });
    expect(diagnostics.map((d) => [d.summary, d.hint])).toEqual([
      ['unknown key `token`', 'allowed keys: kind, path, name'],
      ['`hr.sources[0].path` has an invalid form', 'Repo-relative path.'],
    ]);
  });

  describe('a SCIM source cannot be made to send a credential anywhere', () => {
    const scimSource = (fields: Record<string, unknown>) => withHr({ sources: [{ kind: 'scim', url: 'https://scim.example.com/scim/v2', tokenEnv: 'GITGRANT_SCIM_TOKEN', ...fields }] });

    it.each(['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS', 'GITGRANT_GCP_TOKEN', 'GITGRANT_APP_PRIVATE_KEY'])(
      'refuses tokenEnv %s, at the key\'s line, naming the allowed prefix',
      (variable) => {
        const { hr, diagnostics, failures, file } = scimSource({ tokenEnv: variable });
        expect(diagnostics.map((d) => [d.code, d.file, d.start?.line, d.summary])).toEqual([
          ['SCHEMA_PATTERN', 'policies/org.yaml', lineContaining(file, 'tokenEnv:'), '`hr.sources[0].tokenEnv` has an invalid form'],
        ]);
        expect(diagnostics[0]?.hint).toContain('named GITGRANT_SCIM_<NAME>');
        expect(hr.sources).toEqual([]);
        expect(failures).toEqual(diagnostics);
      },
    );

    it.each(['GITGRANT_SCIM_TOKEN', 'GITGRANT_SCIM_OKTA_TOKEN'])('accepts tokenEnv %s', (variable) => {
      expect(scimSource({ tokenEnv: variable }).diagnostics).toEqual([]);
    });

    it.each(['http://scim.example.com/scim/v2', 'http://127.0.0.1.evil.example/scim', 'ftp://scim.example.com'])('refuses the plain-text url %s', (url) => {
      const { diagnostics, hr } = scimSource({ url });
      expect(diagnostics.map((d) => [d.code, d.summary])).toEqual([['SCHEMA_PATTERN', '`hr.sources[0].url` has an invalid form']]);
      expect(diagnostics[0]?.hint).toContain('https://');
      expect(hr.sources).toEqual([]);
    });

    it.each(['https://scim.example.com/scim/v2', 'http://127.0.0.1:8080/scim/v2', 'http://localhost/scim/v2', 'http://[::1]:9/scim'])('accepts the url %s', (url) => {
      expect(scimSource({ url }).diagnostics).toEqual([]);
    });
  });
});
