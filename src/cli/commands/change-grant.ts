/**
 * `gitgrant revoke GRANT` and `gitgrant extend GRANT --by D`: the day-two changes to a grant, made the
 * way every change is made, by pull request. Revoking deletes the file (the gate asks no approval
 * for that); extending moves `expires` and needs fresh approval from the role's owners. `--no-pr`
 * only writes the change into the checkout.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { formatDuration } from '../../model/duration.js';
import { formatInstant } from '../../model/instant.js';
import { loadFile } from '../../model/load-file.js';
import type { AccessRepo, Grant, Instant } from '../../model/types.js';
import { octokitPullRequestOpener } from '../../github/pull-request-opener.js';
import { evaluatePolicy } from '../../policy/engine.js';
import { markdownCode, markdownText, plainText } from '../../render/escape.js';
import { pushChangeBranch } from '../branch.js';
import { grantArgument } from '../grant-argument.js';
import { loadAndEvaluate } from '../load.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { durationOption, nowOption, repoOption } from '../options.js';
import { githubClient, githubRepo, reportingGitHubErrors } from './gate.js';

export interface ChangeGrantOptions {
  repo?: string;
  now?: string;
  reason?: string;
  /** False with `--no-pr`. */
  pr: boolean;
  base: string;
}

interface GrantChangeProposal {
  grant: Grant;
  verb: 'revoke' | 'extend';
  title: string;
  /** Markdown, every user string escaped. */
  body: string;
  /** The new text of the file; undefined deletes it. */
  text?: string;
}

export function revokeCommand(io: CliIo, typed: string, options: ChangeGrantOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const { repo } = loadAndEvaluate(root, nowOption(io, options.now));
  const grant = grantArgument(typed, root, io.cwd, repo.grants);
  const reason = options.reason ?? 'no longer needed';
  return propose(io, root, options, {
    grant,
    verb: 'revoke',
    title: plainText(`Revoke ${grant.role} for ${grant.grantee}`),
    body: [`Revokes ${markdownCode(grant.id)} before its deadline (${markdownCode(formatInstant(grant.expires))}).`, '', `Reason: ${markdownText(reason)}`, '', 'Deleting a grant needs no approval: access ends when this merges and apply runs.'].join('\n') + '\n',
  });
}

export function extendCommand(io: CliIo, typed: string, by: string, options: ChangeGrantOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const extra = durationOption('by', by);
  const { repo } = loadAndEvaluate(root, now);
  const grant = grantArgument(typed, root, io.cwd, repo.grants);
  // An ended grant is not extended back to life: that would skip the request and its review trail.
  if (grant.expires <= now) throw new UsageError(`${grant.id} expired at ${formatInstant(grant.expires)}`, 'request a new grant: gitgrant request');
  const expires = grant.expires + extra;
  const text = withExpires(readFileSync(join(root, grant.id), 'utf8'), expires);
  const problems = checkChangedGrant(repo, grant, text, now);
  if (problems.length > 0) {
    for (const p of problems) io.stdout(`${plainText(p)}\n`);
    io.stdout(`gitgrant extend: ${grant.id} until ${formatInstant(expires)} would not pass validation; nothing changed\n`);
    return Promise.resolve(EXIT.findings);
  }
  const reason = options.reason === undefined ? '' : `\n\nReason: ${markdownText(options.reason)}`;
  return propose(io, root, options, {
    grant,
    verb: 'extend',
    text,
    title: plainText(`Extend ${grant.role} for ${grant.grantee} by ${formatDuration(extra)}`),
    body: `Extends ${markdownCode(grant.id)} from ${markdownCode(formatInstant(grant.expires))} to ${markdownCode(formatInstant(expires))}.${reason}\n\nAn extension needs fresh approval from the role's owners; the \`gate\` check shows who is still needed.\n`,
  });
}

/** Rewrites only `expires`, keeping the file's comments and layout. */
function withExpires(text: string, expires: Instant): string {
  const document = parseDocument(text);
  document.set('expires', formatInstant(expires));
  return document.toString();
}

/** The changed file, checked with the same loader and rules as its pull request will be. */
function checkChangedGrant(repo: AccessRepo, grant: Grant, text: string, now: Instant): string[] {
  const loaded = loadFile(grant.id, new TextEncoder().encode(text));
  if (loaded.kind !== 'grant' || !loaded.value) return loaded.diagnostics.map(formatDiagnostic);
  const changed: AccessRepo = { ...repo, grants: repo.grants.map((g) => (g.id === grant.id ? loaded.value! : g)) };
  return evaluatePolicy(changed, { now, changed: new Set([grant.id]), scope: new Set([grant.id]) })
    .filter((d) => d.severity === 'error' && d.file === grant.id)
    .map(formatDiagnostic);
}

function write(root: string, change: GrantChangeProposal): void {
  const absolute = join(root, change.grant.id);
  if (change.text === undefined) rmSync(absolute);
  else writeFileSync(absolute, change.text);
}

async function propose(io: CliIo, root: string, options: ChangeGrantOptions, change: GrantChangeProposal): Promise<number> {
  const done = change.text === undefined ? 'removed' : 'rewrote';
  if (!options.pr) {
    write(root, change);
    io.stdout(`gitgrant ${change.verb}: ${done} ${change.grant.id}; commit it and open a pull request to make it take effect\n`);
    return EXIT.ok;
  }
  return reportingGitHubErrors(async () => {
    const github = githubRepo(io, root);
    const octokit = await githubClient(io);
    const branch = `${change.verb}/${change.grant.id.replace(/^grants\//, '').replace(/\.ya?ml$/, '')}`;
    pushChangeBranch(root, { branch, message: `${change.title}\n`, paths: [change.grant.id], write: () => write(root, change) });
    const pr = await octokitPullRequestOpener(octokit, github).openOrUpdate({ head: branch, base: options.base, title: change.title, body: change.body });
    io.stdout(`gitgrant ${change.verb}: pushed ${branch}, which ${done === 'removed' ? 'removes' : 'rewrites'} ${change.grant.id}; pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}: ${pr.url}\n`);
    return EXIT.ok;
  });
}
