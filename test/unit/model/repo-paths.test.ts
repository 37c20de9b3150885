/**
 * One classifier of repository paths decides what the loader loads and what the gate judges. These
 * tests hold the two to each other over hostile names (issue 9, findings 2, 4 and 9).
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HR_CONFIG } from '../../../src/core/model/policy-sections.js';
import { loadHrRecords } from '../../../src/adapters/hr/load.js';
import { classifyChanges } from '../../../src/core/gate/changed-files.js';
import { evaluateGate } from '../../../src/core/gate/gate.js';
import { loadFile } from '../../../src/core/model/load-file.js';
import { parseYamlText } from '../../../src/core/model/yaml-reference.js';
import { grantId } from '../../../src/core/model/types.js';
import { desiredState } from '../../../src/core/plan/desired.js';
import { DEFAULT_IDENTITIES } from '../../../src/core/model/policy-sections.js';
import { NOW, aGrant as aGrantFile, aPolicy, aRepo } from '../../support/builders/model.js';
import { TempRepo } from '../../support/temp-repo.js';
import { aTargetedRole } from '../../support/builders/plan.js';
import { aGrant, aPullRequest, by } from '../../support/builders/gate.js';

const GRANT_BYTES = new TextEncoder().encode(aGrantFile().for('mallory@example.com').build().text);

/** Names a requester might try under grants/, and a few outside it. */
const HOSTILE_PATHS = [
  'grants/db/.yaml',
  'grants/db/.yml',
  'grants/db/.hidden.yaml',
  'grants/db/x.YAML',
  'grants/db/x.Yml',
  'grants/db/x.yaml ',
  'grants/db/ x.yaml',
  'grants/db/x .yaml',
  'grants/db/x.yaml.',
  'grants/db/x\u200b.yaml',
  'grants/db/аlice.yaml', // Cyrillic а
  'grants/dЬ/x.yaml',
  'grants/DB/x.yaml',
  'grants/db /x.yaml',
  'grants/.db/x.yaml',
  'grants/x.yaml',
  'grants/.yaml',
  'grants/db/a/x.yaml',
  'grants/db/a/b/x.yaml',
  'grants/../roles/x.yaml',
  'grants/db/../x.yaml',
  'grants/./db/x.yaml',
  'grants//db/x.yaml',
  'grants/db//x.yaml',
  '/grants/db/x.yaml',
  'grants\\db\\x.yaml',
  'grants/db/x\\y.yaml',
  'grants/db/x\u0000.yaml',
  'grants/db/x\n.yaml',
  'Grants/db/x.yaml',
  'grants/db/README.md',
  'grants/db/.gitkeep',
  'grants/db/x.json',
  'grants/README.md',
  'grants',
  'grants/db',
];

describe('the loader and the gate agree on every path', () => {
  it.each(HOSTILE_PATHS.map((p) => [JSON.stringify(p), p]))('%s: whatever the loader would load as a grant, the gate judges', (_label, path) => {
    const loaded = loadFile(path, GRANT_BYTES, parseYamlText);
    const changes = classifyChanges([{ path, status: 'added' }]);
    const judged = changes.grants.some((g) => g.grant === path);
    if (loaded.kind === 'grant' && loaded.value) expect(judged).toBe(true);
    // And the other way round: nothing is judged as a grant that the loader would not load as one.
    if (judged) expect(loaded.kind).toBe('grant');
  });

  it.each(HOSTILE_PATHS.map((p) => [JSON.stringify(p), p]))('%s: a path under grants/ that is not judged as a grant fails the gate', (_label, path) => {
    const result = evaluateGate(aPullRequest().changingFiles({ path, status: 'added' }).build());
    const judged = classifyChanges([{ path, status: 'added' }]).grants.length > 0;
    if (!judged) expect(result.passed).toBe(false);
  });
});

describe('the gate on paths (finding 2 and 9)', () => {
  it('fails a PR adding `grants/db/.yaml` with nobody approving', () => {
    const result = evaluateGate(aPullRequest().changingFiles({ path: 'grants/db/.yaml', status: 'added' }).build());
    expect(result.passed).toBe(false);
  });

  it.each(['.npmrc', 'hr/people.json', '.gitattributes', 'docs/security.md', 'README.md', 'Makefile', 'grants/README.md', 'test/unit/x.test.ts'])(
    'asks the policy owners to approve %s',
    (path) => {
      const unreviewed = evaluateGate(aPullRequest().changingFiles({ path, status: 'modified' }).build());
      expect(unreviewed.passed).toBe(false);
      expect(unreviewed.subjects.map((s) => s.subject)).toEqual([{ kind: 'policy-files', files: [path] }]);
      const approved = evaluateGate(aPullRequest().changingFiles({ path, status: 'modified' }).team('@acme/security', 'sam').withReviews(by('sam').approves()).build());
      expect(approved.passed).toBe(true);
    },
  );

  it('fails a grant the trusted reader sees as a symbolic link (git mode 120000), whoever approved', () => {
    const link = aGrant('grants/db/x.yaml').needs(1, 'owners', '@acme/db');
    const result = evaluateGate(
      aPullRequest().adding(link).team('@acme/db', 'bob').team('@acme/security', 'sam').withReviews(by('bob').approves(), by('sam').approves()).build(),
    );
    expect(result.passed).toBe(true); // the PR files API knows no modes: the loader's lstat refuses the link
    const withModes = evaluateGate({ ...aPullRequest().adding(link).team('@acme/db', 'bob').withReviews(by('bob').approves()).build(), files: [{ path: link.path, status: 'added', mode: '120000' }] });
    expect(withModes.passed).toBe(false);
  });
});

describe('the planner applies only what the gate judges as a grant', () => {
  it('plans nothing for a grant whose path the gate would not judge as a grant of its role, and says why', () => {
    const role = aTargetedRole('db').onGcp('projects/acme-prod', 'roles/cloudsql.viewer');
    const { repo } = aRepo().with(aPolicy(), role, aGrantFile().for('alice@example.com').ofRole('db').named('alice')).load();
    // As another reader (a git tree, a history replay) might hand it over: same grant, unjudged path.
    const smuggled = { ...repo, grants: repo.grants.map((g) => ({ ...g, id: grantId('grants/db/.yaml') })) };

    const state = desiredState(smuggled, NOW, DEFAULT_IDENTITIES, undefined);

    expect(state.bindings).toEqual([]);
    expect(state.diagnostics.map((d) => `${d.file}: ${d.code}: ${d.summary}`)).toEqual([
      'grants/db/.yaml: GRANT_PATH_UNJUDGED: not applied: grants/db/.yaml is not a grant file of role db as the gate sees it',
    ]);
    expect(desiredState(repo, NOW, DEFAULT_IDENTITIES, undefined).bindings).toHaveLength(1);
  });
});

describe('the HR adapter reads hr/ files without following links', () => {
  it('refuses an HR source that is a symbolic link (e.g. to a file elsewhere on the runner)', async () => {
    const repo = TempRepo.fromFiles([{ path: 'elsewhere/people.json', text: '[]\n' }]);
    mkdirSync(join(repo.root, 'hr'));
    symlinkSync('../elsewhere/people.json', join(repo.root, 'hr/people.json'));

    const result = await loadHrRecords({ ...DEFAULT_HR_CONFIG, sources: [{ kind: 'json', path: 'hr/people.json' }] }, { repoRoot: repo.root, env: {} });

    expect(result.diagnostics.map((d) => `${d.file}: ${d.code}: ${d.summary}`)).toEqual([
      'hr/people.json: FILE_NOT_REGULAR: HR source hr/people.json is a symbolic link; only regular files are read',
    ]);
  });
});
