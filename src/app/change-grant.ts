/**
 * `revoke` and `extend`: the day-two changes to a grant, made the way every change is made, by pull
 * request. Revoking deletes the file (the gate asks no approval for that); extending moves `expires`
 * and needs fresh approval from the role's owners.
 */
import { parseDocument } from 'yaml';
import { formatDiagnostic } from '../core/diagnostics/format.js';
import type { OpenedPullRequest } from '../adapters/github/pull-request-opener.js';
import { formatDuration } from '../core/model/duration.js';
import { formatInstant } from '../core/model/instant.js';
import { loadFile } from '../core/model/load-file.js';
import { parseYamlText } from '../core/model/yaml-reference.js';
import type { AccessRepo, Grant, Instant, Millis } from '../core/model/types.js';
import { evaluatePolicy } from '../core/policy/engine.js';
import { markdownCode, markdownText, plainText } from '../core/render/escape.js';
import type { BranchProposer } from './branch-proposal.js';
import { UsageError } from './errors.js';

export interface GrantChangeProposal {
  grant: Grant;
  verb: 'revoke' | 'extend';
  title: string;
  /** Markdown, every user string escaped. */
  body: string;
  /** The new text of the file; undefined deletes it. */
  text?: string;
}

export function revokeProposal(grant: Grant, reason: string): GrantChangeProposal {
  return {
    grant,
    verb: 'revoke',
    title: plainText(`Revoke ${grant.role} for ${grant.grantee}`),
    body: [`Revokes ${markdownCode(grant.id)} before its deadline (${markdownCode(formatInstant(grant.expires))}).`, '', `Reason: ${markdownText(reason)}`, '', 'Deleting a grant needs no approval: access ends when this merges and apply runs.'].join('\n') + '\n',
  };
}

export type ExtendResult = { proposal: GrantChangeProposal; expires: Instant } | { problems: string[]; expires: Instant };

/** `text`: the grant file as it is now; only its `expires` is rewritten, comments and layout kept. */
export function extendProposal(repo: AccessRepo, grant: Grant, text: string, extra: Millis, now: Instant, reason: string | undefined): ExtendResult {
  // An ended grant is not extended back to life: that would skip the request and its review trail.
  if (grant.expires <= now) throw new UsageError(`${grant.id} expired at ${formatInstant(grant.expires)}`, 'request a new grant: gitgrant request');
  const expires = grant.expires + extra;
  const changed = withExpires(text, expires);
  const problems = checkChangedGrant(repo, grant, changed, now);
  if (problems.length > 0) return { problems, expires };
  const why = reason === undefined ? '' : `\n\nReason: ${markdownText(reason)}`;
  return {
    expires,
    proposal: {
      grant,
      verb: 'extend',
      text: changed,
      title: plainText(`Extend ${grant.role} for ${grant.grantee} by ${formatDuration(extra)}`),
      body: `Extends ${markdownCode(grant.id)} from ${markdownCode(formatInstant(grant.expires))} to ${markdownCode(formatInstant(expires))}.${why}\n\nAn extension needs fresh approval from the role's owners; the \`gate\` check shows who is still needed.\n`,
    },
  };
}

/** Writing the change into the checkout. */
export interface GrantFileWriter {
  write(path: string, text: string): void;
  remove(path: string): void;
}

/** `--no-pr`: the change written into the checkout only. */
export function writeChange(change: GrantChangeProposal, files: GrantFileWriter): void {
  if (change.text === undefined) files.remove(change.grant.id);
  else files.write(change.grant.id, change.text);
}

/** The change on its own branch, pushed, with a pull request into `proposer.base`. */
export async function proposeChange(change: GrantChangeProposal, files: GrantFileWriter, proposer: BranchProposer & { base: string }): Promise<{ branch: string; pr: OpenedPullRequest }> {
  const branch = `${change.verb}/${change.grant.id.replace(/^grants\//, '').replace(/\.ya?ml$/, '')}`;
  proposer.pushBranch({ branch, message: `${change.title}\n`, paths: [change.grant.id], write: () => writeChange(change, files) });
  const pr = await proposer.openOrUpdate({ head: branch, base: proposer.base, title: change.title, body: change.body });
  return { branch, pr };
}

/** Rewrites only `expires`, keeping the file's comments and layout. */
function withExpires(text: string, expires: Instant): string {
  const document = parseDocument(text);
  document.set('expires', formatInstant(expires));
  return document.toString();
}

/** The changed file, checked with the same loader and rules as its pull request will be. */
function checkChangedGrant(repo: AccessRepo, grant: Grant, text: string, now: Instant): string[] {
  const loaded = loadFile(grant.id, new TextEncoder().encode(text), parseYamlText);
  if (loaded.kind !== 'grant' || !loaded.value) return loaded.diagnostics.map(formatDiagnostic);
  const changed: AccessRepo = { ...repo, grants: repo.grants.map((g) => (g.id === grant.id ? loaded.value! : g)) };
  return evaluatePolicy(changed, { now, changed: new Set([grant.id]), scope: new Set([grant.id]) })
    .filter((d) => d.severity === 'error' && d.file === grant.id)
    .map(formatDiagnostic);
}
