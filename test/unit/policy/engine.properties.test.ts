import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../../src/core/model/instant.js';
import { loadFile } from '../../../src/core/model/load-file.js';
import { parseYamlText } from '../../../src/core/model/yaml-reference.js';
import { evaluatePolicy } from '../../../src/core/policy/engine.js';
import { aGrant, aRepo, NOW, type FileSpec } from '../../support/builders/model.js';

const exampleRoot = new URL('../../../examples/example-org/', import.meta.url);
const exampleFiles = (folder: string): FileSpec[] =>
  readdirSync(new URL(`${folder}/`, exampleRoot)).map((name) => ({ path: `${folder}/${name}`, text: readFileSync(new URL(`${folder}/${name}`, exampleRoot), 'utf8') }));
/** The example organisation's policy (with its CEL rules) and roles, without its grants; loaded once, as loading is the slow part. */
const exampleOrg = aRepo().with(...exampleFiles('policies'), ...exampleFiles('roles')).load().repo;
const roleNames = exampleFiles('roles').map((f) => f.path.slice('roles/'.length, -'.yaml'.length));

const YEAR_0 = Date.parse('0000-01-01T00:00:00Z');
const YEAR_9999 = Date.parse('9999-12-31T23:59:59Z');
const anInstant = fc.oneof(
  fc.integer({ min: NOW - 30 * 86_400_000, max: NOW + 60 * 86_400_000 }),
  fc.integer({ min: YEAR_0, max: YEAR_9999 }),
);
const aTicket = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,20}(#\d{1,5})?$/), fc.stringMatching(/^#\d{1,6}$/));

/** Grants that pass the grant schema, with anything the schema allows in each field. */
const aSchemaValidGrant = fc
  .record({
    role: fc.constantFrom(...roleNames, 'no-such-role'),
    grantee: fc.oneof(fc.string({ minLength: 3, maxLength: 40, unit: 'grapheme' }), fc.emailAddress()),
    reason: fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }),
    ticket: fc.option(aTicket, { nil: undefined }),
    starts: fc.option(anInstant, { nil: undefined }),
    expires: anInstant,
    breakGlass: fc.boolean(),
    incident: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
    standing: fc.boolean(),
  })
  .map((g) => {
    const grant = aGrant().ofRole(g.role).for(g.grantee).because(g.reason).expiringAt(formatInstant(g.expires));
    if (g.ticket !== undefined) grant.withTicket(g.ticket);
    if (g.starts !== undefined) grant.startingAt(g.starts);
    if (g.breakGlass) grant.withField('breakGlass', true);
    if (g.incident !== undefined) grant.withField('incident', g.incident);
    if (g.standing) grant.withField('standing', true);
    return grant;
  });

describe('the policy engine', () => {
  it('never throws on grants the schema accepts, and gives every finding a place', () => {
    fc.assert(
      fc.property(fc.array(aSchemaValidGrant, { maxLength: 6 }), fc.option(anInstant, { nil: undefined }), (grants, requestAt) => {
        const loaded = grants.map((grant) => grant.build()).map((spec) => loadFile(spec.path, new TextEncoder().encode(spec.text), parseYamlText));
        expect(loaded.flatMap((file) => file.diagnostics).filter((d) => d.code.startsWith('SCHEMA_') || d.code.startsWith('YAML_'))).toEqual([]);
        const valid = loaded.flatMap((file) => (file.kind === 'grant' && file.value ? [file.value] : []));
        const findings = evaluatePolicy({ ...exampleOrg, grants: valid }, { now: NOW, request: requestAt === undefined ? undefined : { at: requestAt } });
        for (const finding of findings) {
          expect(finding.file).toMatch(/^(grants|policies)\//);
          expect(finding.start!.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
