/**
 * `verify`'s evidence counts only when the automation committed it on main's first-parent line. The
 * file's name being one the automation added is not enough: a later pull request (a person's
 * commit) can edit that file, or delete it. Read from the working tree, the edit would count as the
 * automation's word: a `path-remains` verdict turned into `ended` in the audit, and a later `until`
 * that moves the next verify window forward past grants nobody then checks. The record is the
 * content the automation committed.
 */
import { describe, expect, it } from 'vitest';
import { readVerifyEvidence } from '../../../src/adapters/git/verify-evidence.js';
import { lastRecordedUntil } from '../../../src/app/verify.js';
import { DEFAULT_AUTOMATION } from '../../../src/core/model/policy-sections.js';
import type { VerifyEvidence } from '../../../src/core/jobs/verify-report.js';
import { instant } from '../../support/builders/model.js';
import { AUTOMATION_COMMITTER, TempRepo } from '../../support/temp-repo.js';

const FILE = 'evidence/verify/2026-11-23T14-30-00Z.json';
const MALLORY = ['-c', 'user.name=mallory', '-c', 'user.email=mallory@example.com'];

function evidence(until: string, verdict: 'ended' | 'path-remains'): string {
  const record: VerifyEvidence = {
    kind: 'gitgrant-verify', version: 1, since: '2026-11-23T10:00:00Z', until,
    proofs: [{
      grant: 'grants/prod-db-readonly/alice-inc-1.yaml', role: 'prod-db-readonly', grantee: 'alice@example.com',
      endedAt: '2026-11-23T13:00:00Z', how: 'expired', provenAt: '2026-11-23T14:30:00Z', verdict,
      bindings: verdict === 'ended' ? [] : [{ target: 'gcp:projects/acme', principal: 'user:alice@example.com', permission: 'roles/cloudsql.viewer', verdict, checks: [], paths: ['binding without condition'] }],
    }],
  };
  return JSON.stringify(record, null, 2) + '\n';
}

function recordedRepo(): TempRepo {
  const repo = TempRepo.fromFiles([{ path: 'README.md', text: 'access repo\n' }]).initGit();
  repo.write({ path: FILE, text: evidence('2026-11-23T14:30:00Z', 'path-remains') });
  repo.commitAll('Verify 1 ended grant: a path remains', AUTOMATION_COMMITTER);
  return repo;
}

const read = (repo: TempRepo) => readVerifyEvidence(repo.root, DEFAULT_AUTOMATION).map((r) => [r.file, r.by, r.evidence.until, r.evidence.proofs.map((p) => p.verdict)]);

describe('verify evidence a person changed after the automation recorded it', () => {
  it('an edit of the file is not the automation\'s evidence: its verdict and window stay as recorded', () => {
    const repo = recordedRepo();
    repo.write({ path: FILE, text: evidence('2026-11-30T00:00:00Z', 'ended') });
    repo.git('add', '-A');
    repo.git(...MALLORY, 'commit', '-q', '-m', 'Tidy the evidence (#12)');

    expect(read(repo)).toEqual([[FILE, 'gitgrant[bot]', '2026-11-23T14:30:00Z', ['path-remains']]]);
    expect(lastRecordedUntil({ records: () => readVerifyEvidence(repo.root, DEFAULT_AUTOMATION) }, instant('2026-12-01T00:00:00Z'))).toBe(instant('2026-11-23T14:30:00Z'));
  });

  it('a deletion does not take the recorded evidence out of the audit', () => {
    const repo = recordedRepo();
    repo.git('rm', '-q', FILE);
    repo.git(...MALLORY, 'commit', '-q', '-m', 'Clean up (#13)');

    expect(read(repo)).toEqual([[FILE, 'gitgrant[bot]', '2026-11-23T14:30:00Z', ['path-remains']]]);
  });

  it('a file only a person committed is still no evidence', () => {
    const repo = recordedRepo();
    const other = 'evidence/verify/2026-11-24T14-30-00Z.json';
    repo.write({ path: other, text: evidence('2026-11-24T14:30:00Z', 'ended') });
    repo.git('add', '-A');
    repo.git(...MALLORY, 'commit', '-q', '-m', 'Evidence (#14)');

    expect(read(repo).map((r) => r[0])).toEqual([FILE]);
  });
});
