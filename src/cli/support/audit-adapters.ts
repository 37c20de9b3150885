/**
 * The sources of `audit`, `access-at` and `dashboard` (app/audit-sources.ts) for the repo at `root`:
 * git history, the policies of the checkout, and GitHub when the environment names the repository
 * (GITHUB_REPOSITORY) and gives a token. GitHub's modules are imported only then.
 */
import type { AuditSourceAdapters } from '../../app/audit-sources.js';
import { GitHistoryError, readHistory } from '../../adapters/git/history.js';
import type { History } from '../../core/audit/history-types.js';
import { readVerifyEvidence } from '../../adapters/git/verify-evidence.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import { CommandFailure, type CliIo } from './io.js';
import { automationIdentity } from './load.js';

export function auditAdapters(io: CliIo, root: string): AuditSourceAdapters {
  // Policies are owner-reviewed: whose trailers count is read from main's policies, never from history.
  const loaded = loadRepo(root, (path) => path.startsWith('policies/'));
  const { policy } = loaded.repo;
  const automation = automationIdentity(loaded);
  return {
    history: () => gitHistory(root),
    automation,
    policy: () => policy,
    verifyEvidence: () => readVerifyEvidence(root, automation),
    ...(io.env.GITHUB_REPOSITORY
      ? {
          async github() {
            const [{ gitHubFromEnv }, { readGitHubFacts }] = await Promise.all([import('../../adapters/github/github-env.js'), import('../../adapters/github/github-facts.js')]);
            const gh = await gitHubFromEnv(io.env);
            if ('missing' in gh) return undefined;
            return { read: (questions) => readGitHubFacts(gh.client, gh.repo, questions) };
          },
        }
      : {}),
  };
}

/** git failures become a one-line CommandFailure. */
async function gitHistory(root: string): Promise<History> {
  try {
    return await readHistory(root);
  } catch (error) {
    if (error instanceof GitHistoryError) throw new CommandFailure(error.message, error.hint);
    throw error;
  }
}
