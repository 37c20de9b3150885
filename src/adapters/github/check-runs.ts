/**
 * The required check, posted by the gitgrant App on the exact commit it judged. Only a GitHub App
 * can create check runs, and the ruleset pins the App's integration id, so no workflow a pull
 * request can edit can produce a passing one.
 */
import type { GitHubClient } from './client.js';
import type { RepoRef } from '../../core/gate/github-types.js';

export const GATE_CHECK_NAME = 'gitgrant gate';

export interface CheckRunVerdict {
  name: string;
  headSha: string;
  /** The poster's own reference for what the verdict is about (GitHub's `external_id`). */
  externalId?: string;
  passed: boolean;
  title: string;
  /** Markdown, already escaped for where it goes. */
  summary: string;
}

export interface CheckRunPoster {
  post(verdict: CheckRunVerdict): Promise<{ id: number; url: string }>;
}

// GitHub's limit for `output.summary`.
const SUMMARY_LIMIT = 65_535;

export function octokitCheckRunPoster(octokit: GitHubClient, repo: RepoRef): CheckRunPoster {
  return {
    async post(verdict) {
      const summary = verdict.summary.length > SUMMARY_LIMIT ? `${verdict.summary.slice(0, SUMMARY_LIMIT - 20)}\n\n(truncated)` : verdict.summary;
      const { data } = await octokit.rest.checks.create({
        ...repo,
        name: verdict.name,
        head_sha: verdict.headSha,
        ...(verdict.externalId ? { external_id: verdict.externalId } : {}),
        status: 'completed',
        conclusion: verdict.passed ? 'success' : 'failure',
        output: { title: verdict.title, summary },
      });
      return { id: data.id, url: data.html_url ?? data.url };
    },
  };
}
