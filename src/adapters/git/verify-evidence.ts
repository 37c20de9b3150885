/**
 * `verify`'s evidence in the audit: the files under evidence/verify/ (written and committed by the
 * nightly run, see src/app/verify.ts) become `verified` events, one per ended grant,
 * dated when the cloud was read back. Reading is I/O; turning records into events is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInstant } from '../../core/model/instant.js';
import { isAutomationCommitter } from '../../core/audit/automation.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { runGit } from './plumbing.js';
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
 * Every evidence file the automation added, with the commit that added it; unreadable files are
 * skipped. Like lifecycle trailers, evidence counts only when the automation's identity committed
 * it on main's first-parent line: a file a person added (in a pull request, say) proves nothing.
 */
export function readVerifyEvidence(root: string, automation: AutomationIdentity): EvidenceRecord[] {
  let names: string[];
  try {
    names = readdirSync(join(root, EVIDENCE_DIR)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const added = new Map<string, { commit: string; by: string }>();
  try {
    const log = runGit(root, ['log', '--first-parent', '-m', '--diff-filter=A', '--format=%x1e%H%x1f%cn%x1f%ce', '--name-only', '--', EVIDENCE_DIR]);
    for (const entry of log.split('\x1e').filter((e) => e.trim())) {
      const [header, ...files] = entry.trim().split('\n');
      const [commit, name, email] = header!.split('\x1f');
      if (!isAutomationCommitter(automation, name!, email!)) continue;
      for (const file of files) if (file && !added.has(file)) added.set(file, { commit: commit!, by: name! });
    }
  } catch {
    // Not a git checkout: nothing can show who added the files, so none counts.
  }
  return names.flatMap((name) => {
    const file = `${EVIDENCE_DIR}/${name}`;
    const by = added.get(file);
    const evidence = by ? parseEvidence(readFileSync(join(root, file), 'utf8')) : undefined;
    return evidence && by ? [{ file, ...by, evidence }] : [];
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
