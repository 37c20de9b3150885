/** Histories for the pure audit core, written the way git-history reads one, blob ids standing for contents. */
import type { FileChange, History, HistoryCommit } from '../../../src/core/audit/history-types.js';
import { renderGrantFile, type GrantFileFields } from '../../../src/core/model/grant-file.js';
import { instant } from './model.js';

export interface Committer {
  name: string;
  email: string;
}

export const GITHUB: Committer = { name: 'GitHub', email: 'noreply@github.com' };
/** The gitgrant App's bot user, as the workflows configure git for its pushes to main. */
export const AUTOMATION: Committer = { name: 'gitgrant[bot]', email: '149000001+gitgrant[bot]@users.noreply.github.com' };

export class HistoryBuilder {
  private readonly commits: HistoryCommit[] = [];
  private readonly blobs = new Map<string, Uint8Array>();

  grant(id: string, fields: Partial<Omit<GrantFileFields, 'expires' | 'starts'>> & { expires: string; starts?: string }): string {
    const text = renderGrantFile({ grantee: 'alice@example.com', reason: 'Investigate the slow checkout queries', ...fields, expires: instant(fields.expires), starts: fields.starts ? instant(fields.starts) : undefined });
    this.blobs.set(id, new TextEncoder().encode(text));
    return id;
  }

  /** Committed by GitHub (a merged pull request) unless `committer` says otherwise, e.g. AUTOMATION for the App's pushes. */
  commit(at: string, message: string, changes: FileChange[], options: { author?: string; notes?: string; committer?: Committer } = {}): this {
    const committer = options.committer ?? GITHUB;
    this.commits.push({
      sha: `${String(this.commits.length).padStart(4, '0')}${'c'.repeat(36)}`, parents: [], authorName: options.author ?? 'Alice', authorEmail: 'alice@example.com',
      authoredAt: instant(at), committerName: committer.name, committerEmail: committer.email, committedAt: instant(at), message, notes: options.notes, changes,
    });
    return this;
  }

  build(): History {
    return { commits: this.commits, blobs: this.blobs };
  }
}

