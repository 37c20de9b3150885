/**
 * The bot commit of a lifecycle job: deletes the revoked grants' files and records what happened in
 * trailers (see trailers.ts). Only those files are staged and committed, whatever else the
 * checkout holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInstant } from '../../core/model/instant.js';
import type { Instant } from '../../core/model/types.js';
import { runGit } from './plumbing.js';
import type { Revocation, RevocationAction } from '../../core/jobs/expiry.js';
import { formatCommitMessage, type GrantTrailer } from '../../core/audit/trailers.js';

const VERB: Record<RevocationAction, string> = { expire: 'Expire', 'revoke-ticket': 'Revoke (ticket closed)', 'revoke-hr': 'Revoke (HR)' };

export function revocationCommitMessage(action: RevocationAction, revocations: readonly Revocation[], now: Instant): string {
  const who = revocations.map((r) => `${r.grant.grantee} ${r.grant.role}`).join(', ');
  const count = `${revocations.length} grant${revocations.length === 1 ? '' : 's'}`;
  const grants: GrantTrailer[] = revocations.map((r) => ({
    grant: r.grant.id,
    role: r.grant.role,
    grantee: r.grant.grantee,
    ...(action === 'expire' ? { expiredAt: r.grant.expires } : {}),
    revokedAt: now,
    ...(action === 'expire' ? {} : { reason: r.reason }),
  }));
  const subject = `${VERB[action]} ${count}: ${who}`;
  const subjectLine = subject.length > 200 ? `${VERB[action]} ${count}` : subject;
  const body = action === 'expire' ? `Revoked in every target at ${formatInstant(now)}; the grant files are deleted.` : undefined;
  return formatCommitMessage(subjectLine, { action, grants }, body);
}

/**
 * Deletes the files and makes one commit; returns its hash. Paths and message go through files and
 * stdin, never the command line: a sweep of a thousand grants would exceed the argument limit.
 */
export function commitRevocations(root: string, action: RevocationAction, revocations: readonly Revocation[], now: Instant): string {
  const paths = revocations.map((r) => `${r.grant.id}\0`).join('');
  const dir = mkdtempSync(join(tmpdir(), 'gitgrant-commit-'));
  const pathspec = join(dir, 'paths');
  try {
    writeFileSync(pathspec, paths);
    runGit(root, ['rm', '-q', `--pathspec-from-file=${pathspec}`, '--pathspec-file-nul']);
    runGit(root, ['commit', '-q', '--no-verify', '-F', '-', `--pathspec-from-file=${pathspec}`, '--pathspec-file-nul'], { input: revocationCommitMessage(action, revocations, now) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return runGit(root, ['rev-parse', 'HEAD']).trim();
}
