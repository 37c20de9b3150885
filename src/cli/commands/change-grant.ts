/**
 * `gitgrant revoke GRANT` and `gitgrant extend GRANT --by D`: the day-two changes to a grant, by pull
 * request (app/change-grant.ts). `--no-pr` only writes the change into the checkout.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extendProposal, proposeChange, revokeProposal, writeChange, type GrantChangeProposal, type GrantFileWriter } from '../../app/change-grant.js';
import { formatInstant } from '../../core/model/instant.js';
import { octokitPullRequestOpener } from '../../adapters/github/pull-request-opener.js';
import { plainText } from '../../core/render/escape.js';
import { pushChangeBranch } from '../support/branch.js';
import { githubClient, githubRepo, reportingGitHubErrors } from '../support/github-session.js';
import { grantArgument } from '../support/grant-argument.js';
import { loadAndEvaluate } from '../support/load.js';
import { EXIT, type CliIo } from '../support/io.js';
import { durationOption, nowOption, repoOption } from '../support/options.js';

export interface ChangeGrantOptions {
  repo?: string;
  now?: string;
  reason?: string;
  /** False with `--no-pr`. */
  pr: boolean;
  base: string;
}

export function revokeCommand(io: CliIo, typed: string, options: ChangeGrantOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const { repo } = loadAndEvaluate(root, nowOption(io, options.now));
  const grant = grantArgument(typed, root, io.cwd, repo.grants);
  return propose(io, root, options, revokeProposal(grant, options.reason ?? 'no longer needed'));
}

export function extendCommand(io: CliIo, typed: string, by: string, options: ChangeGrantOptions): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const extra = durationOption('by', by);
  const { repo } = loadAndEvaluate(root, now);
  const grant = grantArgument(typed, root, io.cwd, repo.grants);
  const extended = extendProposal(repo, grant, readFileSync(join(root, grant.id), 'utf8'), extra, now, options.reason);
  if ('problems' in extended) {
    for (const p of extended.problems) io.stdout(`${plainText(p)}\n`);
    io.stdout(`gitgrant extend: ${grant.id} until ${formatInstant(extended.expires)} would not pass validation; nothing changed\n`);
    return Promise.resolve(EXIT.findings);
  }
  return propose(io, root, options, extended.proposal);
}

function checkoutFiles(root: string): GrantFileWriter {
  return {
    write: (path, text) => writeFileSync(join(root, path), text),
    remove: (path) => rmSync(join(root, path)),
  };
}

async function propose(io: CliIo, root: string, options: ChangeGrantOptions, change: GrantChangeProposal): Promise<number> {
  const removes = change.text === undefined;
  if (!options.pr) {
    writeChange(change, checkoutFiles(root));
    io.stdout(`gitgrant ${change.verb}: ${removes ? 'removed' : 'rewrote'} ${change.grant.id}; commit it and open a pull request to make it take effect\n`);
    return EXIT.ok;
  }
  return reportingGitHubErrors(async () => {
    const github = githubRepo(io, root);
    const opener = octokitPullRequestOpener(await githubClient(io), github);
    const { branch, pr } = await proposeChange(change, checkoutFiles(root), {
      base: options.base,
      pushBranch: (branchChange) => pushChangeBranch(root, branchChange),
      openOrUpdate: (draft) => opener.openOrUpdate(draft),
    });
    io.stdout(`gitgrant ${change.verb}: pushed ${branch}, which ${removes ? 'removes' : 'rewrites'} ${change.grant.id}; pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}: ${pr.url}\n`);
    return EXIT.ok;
  });
}
