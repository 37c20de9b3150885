/**
 * `verify`'s evidence in the audit: the files under evidence/verify/ (written and committed by the
 * nightly run, see src/app/verify.ts) become `verified` events, one per ended grant,
 * dated when the cloud was read back. Reading is I/O; turning records into events is pure.
 */
import { parseInstant } from '../../core/model/instant.js';
import { isAutomationCommitter } from '../../core/audit/automation.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { runGit } from './plumbing.js';
import { catFileSync, GitObjectError } from './run.js';
import { EVIDENCE_DIR, parseEvidence, type VerifyEvidence } from '../../core/jobs/verify-report.js';
import type { AuditEvent, Period } from '../../core/audit/events.js';
import { inPeriod } from '../../core/audit/events.js';

export interface EvidenceRecord {
  file: string;
  /** The commit that added the file, and who made it (the automation's bot in the nightly run). */
  commit: string;
  by: string;
  evidence: VerifyEvidence;
}

/**
 * Every evidence file the automation committed, as the automation committed it; unreadable files
 * are skipped. Like lifecycle trailers, evidence counts only when the automation's identity
 * committed it on main's first-parent line: a file a person added (in a pull request, say) proves
 * nothing. The content is the blob of the automation's latest commit of that file, never the
 * working tree: a person's later edit (a verdict turned to `ended`, an `until` moved forward so the
 * next window skips grants) or deletion changes nothing in the record.
 */
export function readVerifyEvidence(root: string, automation: AutomationIdentity): EvidenceRecord[] {
  const committed = new Map<string, { commit: string; by: string; blob: string }>();
  try {
    // Newest first, so the first automation commit seen for a file is its latest version.
    const log = runGit(root, ['log', '--first-parent', '-m', '--diff-filter=AM', '--raw', '--no-abbrev', '--format=%x1e%H%x1f%cn%x1f%ce', '--', EVIDENCE_DIR]);
    for (const entry of log.split('\x1e').filter((e) => e.trim())) {
      const [header, ...lines] = entry.trim().split('\n');
      const [commit, name, email] = header!.split('\x1f');
      if (!isAutomationCommitter(automation, name!, email!)) continue;
      for (const line of lines) {
        const raw = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) [AM]\t(.+)$/.exec(line);
        if (!raw || !raw[2]!.endsWith('.json') || committed.has(raw[2]!)) continue;
        committed.set(raw[2]!, { commit: commit!, by: name!, blob: raw[1]! });
      }
    }
  } catch {
    // Not a git checkout: nothing can show who added the files, so none counts.
    return [];
  }
  const files = [...committed.keys()].sort();
  const blobs = catFileSync(root, files.map((file) => committed.get(file)!.blob), (oid, type) => new GitObjectError(`git cat-file could not read ${oid}: ${type ?? 'no answer'}`, 'fetch the full history (fetch-depth: 0)', oid, type));
  return files.flatMap((file) => {
    const { blob, ...by } = committed.get(file)!;
    const bytes = blobs.get(blob);
    const evidence = bytes ? parseEvidence(Buffer.from(bytes).toString('utf8')) : undefined;
    return evidence ? [{ file, ...by, evidence }] : [];
  });
}

const VERDICT: Record<string, string> = {
  ended: 'no path remains',
  continues: 'access continues under another live grant',
  'path-remains': 'a path remained',
  unverified: 'could not be verified',
};

export function verificationEvents(records: readonly EvidenceRecord[], period: Period): AuditEvent[] {
  return records.flatMap((record) =>
    record.evidence.proofs.flatMap((proof): AuditEvent[] => {
      const at = parseInstant(proof.provenAt);
      if (at === undefined || !inPeriod(at, period)) return [];
      const paths = proof.bindings.flatMap((b) => b.paths);
      return [{
        kind: 'verified', at, commit: record.commit, grant: proof.grant, grantee: proof.grantee, role: proof.role,
        summary: `access verified ended at ${proof.endedAt} (${proof.how}): ${VERDICT[proof.verdict] ?? proof.verdict}${paths.length > 0 ? `: ${paths.join('; ')}` : ''}; evidence ${record.file} by ${record.by}`,
      }];
    }),
  );
}
