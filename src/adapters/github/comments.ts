/** One comment per PR (or issue) that gitgrant edits in place, so a busy PR is not buried in bot posts. */
import type { GitHubClient } from './client.js';
import { PR_COMMENT_MARKER } from '../../core/gate/markers.js';
import type { RepoRef } from '../../core/gate/github-types.js';

export interface CommentPoster {
  /** Creates the marked comment, or edits the existing one; an identical body is left untouched. */
  upsert(issueNumber: number, body: string): Promise<{ id: number; action: 'created' | 'updated' | 'unchanged' }>;
}

/** `marker` lets other features (break-glass, requests) keep their own single comment. */
export function octokitCommentPoster(octokit: GitHubClient, repo: RepoRef, marker: string = PR_COMMENT_MARKER): CommentPoster {
  return {
    async upsert(issueNumber, body) {
      const full = `${marker}\n${body}`;
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
      const existing = comments.find((c) => c.body?.startsWith(marker));
      if (!existing) {
        const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: full });
        return { id: data.id, action: 'created' };
      }
      if (existing.body === full) return { id: existing.id, action: 'unchanged' };
      await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: full });
      return { id: existing.id, action: 'updated' };
    },
  };
}
