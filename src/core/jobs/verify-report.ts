/**
 * verify's output, pure: findings for the exception issues, the evidence record (written to
 * evidence/verify/ and read by `audit`), and the text, Markdown and JSON renderings.
 */
import { formatInstant, parseInstant } from '../model/instant.js';
import type { AccessRepo, Instant } from '../model/types.js';
import { markdownCode, markdownText, plainText } from '../render/escape.js';
import { fingerprint, ownersOf, type Finding } from './findings.js';
import type { GrantProof, Verdict } from './verify.js';
import type { Window } from './verify-select.js';

export const EVIDENCE_DIR = 'evidence/verify';

export interface VerifyEvidence {
  /** Format marker, so a later version can read older files. */
  kind: 'gitgrant-verify';
  version: 1;
  since: string;
  until: string;
  proofs: EvidenceProof[];
}

export interface EvidenceProof {
  grant: string;
  role: string;
  grantee: string;
  endedAt: string;
  how: string;
  provenAt: string;
  verdict: Verdict;
  note?: string;
  bindings: GrantProof['bindings'];
}

export function verifyEvidence(window: Window, proofs: readonly GrantProof[]): VerifyEvidence {
  return {
    kind: 'gitgrant-verify', version: 1, since: formatInstant(window.since), until: formatInstant(window.until),
    proofs: proofs.map((p) => ({
      grant: p.grant, role: p.role, grantee: p.grantee, endedAt: formatInstant(p.endedAt), how: p.how, provenAt: formatInstant(p.provenAt),
      verdict: p.verdict, ...(p.note ? { note: p.note } : {}), bindings: p.bindings,
    })),
  };
}

/** An evidence file as read back; undefined when it is not one (a stray file, a hand edit that broke it). */
export function parseEvidence(text: string): VerifyEvidence | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const e = data as Partial<VerifyEvidence>;
  if (e?.kind !== 'gitgrant-verify' || e.version !== 1 || !Array.isArray(e.proofs)) return undefined;
  if (parseInstant(e.since ?? '') === undefined || parseInstant(e.until ?? '') === undefined) return undefined;
  return e as VerifyEvidence;
}

/** The evidence file name for a run: sortable, and safe on every file system. */
export function evidenceFileName(until: Instant): string {
  return `${formatInstant(until).replace(/:/g, '-')}.json`;
}

/** A path that remains is an exception: the role's owners and security must act. */
export function verifyFindings(repo: AccessRepo, proofs: readonly GrantProof[]): Finding[] {
  const security = [...new Set(repo.policy.owners)].sort();
  return proofs.flatMap((p) =>
    p.bindings.filter((b) => b.verdict === 'path-remains').map((b): Finding => ({
      kind: 'ACCESS_NOT_ENDED', source: 'verify',
      fingerprint: fingerprint('ACCESS_NOT_ENDED', p.grant, b.target, b.permission),
      summary: `${p.grantee} can still use ${b.permission} on ${b.target} after ${p.grant} ended at ${formatInstant(p.endedAt)}`,
      details: [...b.paths.map((line) => `Path: ${line}`), 'Reported only: verify changes nothing. Remove the path in the cloud; reconcile keeps reporting what gitgrant did not make.'],
      outcome: 'reported', role: p.role as Finding['role'], target: b.target, grants: [p.grant],
      notify: [...new Set([...ownersOf(repo, p.role as Finding['role']), ...security])].sort(),
    })),
  );
}

const VERDICT_TEXT: Record<Verdict, string> = {
  ended: 'ended: no path remains',
  continues: 'continues under another live grant',
  'path-remains': 'PATH REMAINS',
  unverified: 'NOT VERIFIED',
};

export function renderVerifyText(window: Window, proofs: readonly GrantProof[]): string {
  const out = [`gitgrant verify: ${proofs.length} grant(s) ended between ${formatInstant(window.since)} and ${formatInstant(window.until)}`];
  for (const p of proofs) {
    out.push(`${plainText(p.grant)} (${plainText(p.grantee)}, ${plainText(p.role)}): ${VERDICT_TEXT[p.verdict]}`);
    out.push(`  ended at ${formatInstant(p.endedAt)} (${plainText(p.how)}), proven at ${formatInstant(p.provenAt)}`);
    if (p.note) out.push(`  ${plainText(p.note)}`);
    for (const b of p.bindings) {
      out.push(`  ${plainText(b.target)} ${plainText(b.permission)} for ${plainText(b.principal)}: ${VERDICT_TEXT[b.verdict]}`);
      for (const check of b.checks) out.push(`    - ${plainText(check)}`);
    }
  }
  return out.join('\n') + '\n';
}

export function renderVerifyMarkdown(window: Window, proofs: readonly GrantProof[]): string {
  const out = [`# Access ended: ${formatInstant(window.since)} to ${formatInstant(window.until)}`, ''];
  if (proofs.length === 0) out.push('No grant ended in the window.');
  out.push('| Grant | Grantee | Ended at | Proven at | Verdict |', '|---|---|---|---|---|');
  for (const p of proofs) out.push(`| ${markdownCode(p.grant)} | ${markdownText(p.grantee)} | ${formatInstant(p.endedAt)} (${markdownText(p.how)}) | ${formatInstant(p.provenAt)} | ${VERDICT_TEXT[p.verdict]} |`);
  for (const p of proofs) {
    out.push('', `## ${markdownCode(p.grant)}`, '');
    if (p.note) out.push(markdownText(p.note), '');
    for (const b of p.bindings) {
      out.push(`- ${markdownCode(b.target)} ${markdownCode(b.permission)} for ${markdownCode(b.principal)}: **${VERDICT_TEXT[b.verdict]}**`);
      for (const check of b.checks) out.push(`  - ${markdownText(check)}`);
    }
  }
  return out.join('\n') + '\n';
}
